//! A stretch of a batch's rows in every buffer of a step, so that two
//! threads can each take half of the batch (see `backward.rs`): the halves
//! write disjoint rows of the same arrays, and `ws.cache` still holds the
//! whole batch's forward pass afterwards.

use super::sparse::Nonzeros;
use ndarray::{ArrayView2, Axis};

/// What the sparse product of the codes needs: W1ᵀ, and the lists to
/// fill with these rows' nonzeros (the first is this stretch's), which
/// start at row `first_row` of the batch.
pub(crate) struct SparseRows<'a, F> {
    pub w1t: &'a [F],
    pub lists: &'a mut [Nonzeros<F>],
    pub first_row: usize,
}

/// The rows of what the encoder reads and writes: X̃, Z1, g'(Z1), H, the
/// k-sparse mask and Z2 (each m × its width, one sample a row).
pub(crate) struct CodeRows<'a, F> {
    pub x_tilde: ArrayView2<'a, F>,
    pub z1: &'a mut [F],
    pub gprime: &'a mut [F],
    pub h: &'a mut [F],
    pub mask: Option<&'a mut [F]>,
    pub z2: &'a mut [F],
    /// Set when X̃ is mostly zeros: its codes' product then reads only its nonzeros.
    pub sparse: Option<SparseRows<'a, F>>,
}

/// The rows of what the decoder's loss and the backward pass add: the
/// clean X, X̂, ∂J/∂Z2 and ∂J/∂H.
pub(crate) struct LossRows<'a, F> {
    pub x: &'a [F],
    pub x_hat: &'a mut [F],
    pub dz2: &'a mut [F],
    pub dh: &'a mut [F],
}

/// `s` cut after `rows` rows of `width`.
fn cut<F>(s: &mut [F], rows: usize, width: usize) -> (&mut [F], &mut [F]) {
    s.split_at_mut(rows * width)
}

impl<'a, F> CodeRows<'a, F> {
    pub fn rows(&self) -> usize {
        self.x_tilde.nrows()
    }

    /// The first `rows` rows (of `hidden` wide codes) and the rest.
    pub fn split(self, rows: usize, hidden: usize) -> (Self, Self) {
        let inputs = self.x_tilde.ncols();
        let (xa, xb) = self.x_tilde.split_at(Axis(0), rows);
        let (z1a, z1b) = cut(self.z1, rows, hidden);
        let (ga, gb) = cut(self.gprime, rows, hidden);
        let (ha, hb) = cut(self.h, rows, hidden);
        let (ma, mb) = match self.mask {
            Some(mask) => {
                let (a, b) = cut(mask, rows, hidden);
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let (z2a, z2b) = cut(self.z2, rows, inputs);
        let (sa, sb) = match self.sparse {
            Some(s) => {
                let (la, lb) = s.lists.split_at_mut(1);
                let a = SparseRows {
                    w1t: s.w1t,
                    lists: la,
                    first_row: s.first_row,
                };
                let b = SparseRows {
                    w1t: s.w1t,
                    lists: lb,
                    first_row: s.first_row + rows,
                };
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let a = CodeRows {
            x_tilde: xa,
            z1: z1a,
            gprime: ga,
            h: ha,
            mask: ma,
            z2: z2a,
            sparse: sa,
        };
        let b = CodeRows {
            x_tilde: xb,
            z1: z1b,
            gprime: gb,
            h: hb,
            mask: mb,
            z2: z2b,
            sparse: sb,
        };
        (a, b)
    }
}

impl<'a, F> LossRows<'a, F> {
    /// The first `rows` rows (of `inputs` and `hidden` wide arrays) and the rest.
    pub fn split(self, rows: usize, inputs: usize, hidden: usize) -> (Self, Self) {
        let (xa, xb) = self.x.split_at(rows * inputs);
        let (x_hat_a, x_hat_b) = cut(self.x_hat, rows, inputs);
        let (dz2a, dz2b) = cut(self.dz2, rows, inputs);
        let (dha, dhb) = cut(self.dh, rows, hidden);
        let a = LossRows {
            x: xa,
            x_hat: x_hat_a,
            dz2: dz2a,
            dh: dha,
        };
        let b = LossRows {
            x: xb,
            x_hat: x_hat_b,
            dz2: dz2b,
            dh: dhb,
        };
        (a, b)
    }
}
