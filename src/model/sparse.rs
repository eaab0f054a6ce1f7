//! The two products that read the inputs, X̃ W1ᵀ (the codes) and dZ1ᵀ X̃
//! (W1's gradient), over X̃'s nonzeros only, when the batch is mostly
//! zeros: MNIST's pixels are 19 % nonzero, 14 % after a mask of q = 0.25.
//! A dense product does five times the multiply-adds there; these loops
//! run at about a third of its rate (each multiply-add reads a stretch of
//! W1ᵀ or dZ1 that no other nonzero of its row or column shares), so they
//! are used below [`MAX_DENSITY`] (BENCHMARKS.md, session 9).
//!
//! X̃'s nonzeros are listed twice, by row (for the codes, each row an
//! accumulation of W1ᵀ's rows) and by column (for the gradient, each of
//! its columns one of dZ1's rows), by the thread that owns those rows of
//! the batch. The codes read W1ᵀ, transposed once a step into panels
//! ([`panel`]).

use super::Real;
use super::simd::{transpose8, vectorised};
use ndarray::{ArrayView2, ArrayViewMut2};
use std::ops::Range;

/// The largest share of nonzeros for which the sparse products are used.
/// At a third of faer's rate they break even near 1/3 before their own
/// costs (listing the nonzeros, transposing W1); 0.3 is that estimate, not
/// a measured crossover. Gaussian noise and whitened images are dense.
pub const MAX_DENSITY: f64 = 0.3;

/// Whether `AELAB_SPARSE=0` turned the sparse products off (to compare).
fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    #[cfg(test)]
    if DENSE_ONLY.get() {
        return false;
    }
    *ON.get_or_init(|| std::env::var("AELAB_SPARSE").map_or(true, |v| v != "0"))
}

#[cfg(test)]
thread_local! {
    /// Set by a test to have this thread's steps take the dense products.
    pub(crate) static DENSE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a batch `x` (contiguous) is sparse enough for these products.
/// Only with AVX2: without it the dense products stay the faster.
/// (An empty batch, or one whose indices would not fit the lists' u32, is not.)
pub(crate) fn worth_it<F: Real>(x: &[F]) -> bool {
    enabled()
        && super::simd::has_avx2()
        && !x.is_empty()
        && x.len() < u32::MAX as usize
        && count_nonzero(x) as f64 <= MAX_DENSITY * x.len() as f64
}

vectorised! {
    fn count_nonzero<F: Real>(x: &[F]) -> usize {
        x.iter().map(|&v| usize::from(v != F::zero())).sum()
    }
}

/// Some rows' nonzeros, by row and by column.
#[derive(Clone, Debug, Default)]
pub(crate) struct Nonzeros<F> {
    /// Row r's entries are `row_col[row_start[r]..row_start[r + 1]]`.
    row_start: Vec<u32>,
    row_col: Vec<u32>,
    row_value: Vec<F>,
    /// Column k's are `col_row[col_start[k]..col_start[k + 1]]`, with the
    /// rows counted in the whole batch.
    col_start: Vec<u32>,
    col_row: Vec<u32>,
    col_value: Vec<F>,
}

/// The buffers of the sparse products, kept in the step's workspace.
#[derive(Clone, Debug, Default)]
pub(crate) struct SparseInput<F> {
    /// W1ᵀ (inputs × hidden), in [panels](panel) of its columns.
    pub w1t: Vec<F>,
    /// One list per half of the batch (the first only, when not split).
    pub halves: [Nonzeros<F>; 2],
    /// Each stripe's copy of a block of dZ1's columns ([`gradient`]).
    pub strips: [Vec<F>; 2],
}

impl<F: Real> SparseInput<F> {
    /// W1ᵀ from W1 (hidden × inputs), on two threads when `split`, each
    /// writing about half of W1ᵀ's panels.
    pub fn transpose(&mut self, w1: ArrayView2<F>, split: bool) {
        let (h, n) = w1.dim();
        let w1 = w1.as_slice().expect("θ is contiguous");
        self.w1t.resize(n * h, F::zero());
        if split {
            // The panel boundary nearest the middle (h of 64 to 127 would
            // otherwise cut at 0 and leave one thread all the work).
            let (start, width) = panel(h / 2, h);
            let cut = if h / 2 - start <= start + width - h / 2 {
                start
            } else {
                start + width
            };
            let (a, b) = self.w1t.split_at_mut(cut * n);
            rayon::join(
                || transpose(w1, h, n, 0..cut, a),
                || transpose(w1, h, n, cut..h, b),
            );
        } else {
            transpose(w1, h, n, 0..h, &mut self.w1t);
        }
    }
}

vectorised! {
    /// `out` = wᵀ's columns `units` (whole panels) in [panels](panel), `w`
    /// being r × c: 8 × 8 tiles, so that both sides are read and written 8
    /// floats at a time.
    fn transpose<F: Real>(w: &[F], r: usize, c: usize, units: Range<usize>, out: &mut [F]) {
        let at = |j: usize, k: usize| {
            let (start, width) = panel(j, r);
            (start - units.start) * c + k * width + j - start
        };
        for j0 in units.clone().step_by(8) {
            let j1 = (j0 + 8).min(units.end);
            for kb in (0..c).step_by(8) {
                let kb1 = (kb + 8).min(c);
                if j1 - j0 == 8 && kb1 - kb == 8 {
                    let mut tile = [[F::zero(); 8]; 8];
                    for (a, t) in tile.iter_mut().enumerate() {
                        t.copy_from_slice(&w[(j0 + a) * c + kb..][..8]);
                    }
                    for (b, row) in transpose8::<F, FUSED>(&tile).iter().enumerate() {
                        let o = &mut out[at(j0, kb + b)..][..8];
                        // (A loop, not copy_from_slice: that calls memmove for 8 floats.)
                        for (o, &v) in o.iter_mut().zip(row) {
                            *o = v;
                        }
                    }
                    continue;
                }
                for k in kb..kb1 {
                    for j in j0..j1 {
                        out[at(j, k)] = w[j * c + k];
                    }
                }
            }
        }
    }
}

/// The panel of `width` columns from `start` that holds column `j` of a
/// matrix `columns` wide, cut as [`by_blocks!`] cuts it (64s, then 8s, then
/// 1s). A matrix in panels stores each panel whole, row by row, so that a
/// stretch of a row is contiguous and a panel is one block of memory: rows
/// `columns` floats apart would map a panel's stretches onto a sixteenth
/// of the cache's sets (W1ᵀ's rows are 1 KiB apart on MNIST).
fn panel(j: usize, columns: usize) -> (usize, usize) {
    let wide = columns / 64 * 64;
    let eights = wide + (columns - wide) / 8 * 8;
    if j < wide {
        (j / 64 * 64, 64)
    } else if j < eights {
        (j / 8 * 8, 8)
    } else {
        (j, 1)
    }
}

impl<F: Real> Nonzeros<F> {
    /// The nonzeros of `x`'s rows, which are the batch's rows from `first_row`.
    pub fn gather(&mut self, x: ArrayView2<F>, first_row: usize) {
        let (m, n) = x.dim();
        let x = x.as_slice().expect("the batch is contiguous");
        gather_rows(x, m, n, self);
        self.by_column(n, first_row);
    }

    /// The column lists from the row lists: a counting sort, rows in order.
    fn by_column(&mut self, n: usize, first_row: usize) {
        let nnz = *self.row_start.last().expect("a start") as usize;
        self.col_start.clear();
        self.col_start.resize(n + 1, 0);
        for &k in &self.row_col[..nnz] {
            self.col_start[k as usize + 1] += 1;
        }
        for k in 0..n {
            self.col_start[k + 1] += self.col_start[k];
        }
        self.col_row.resize(nnz, 0);
        self.col_value.resize(nnz, F::zero());
        // Each column's next free slot, kept in col_start[k] and restored after.
        for r in 0..self.row_start.len() - 1 {
            let (s, e) = (self.row_start[r] as usize, self.row_start[r + 1] as usize);
            for t in s..e {
                let k = self.row_col[t] as usize;
                let p = self.col_start[k] as usize;
                self.col_row[p] = (first_row + r) as u32;
                self.col_value[p] = self.row_value[t];
                self.col_start[k] += 1;
            }
        }
        for k in (1..=n).rev() {
            self.col_start[k] = self.col_start[k - 1];
        }
        self.col_start[0] = 0;
    }
}

vectorised! {
    /// The row lists. Stretches of 8 zeros (most of an MNIST row) are
    /// skipped with one vector test; in the others every element is
    /// written and the end advances only past a nonzero, so the loop has
    /// no branch to mispredict. The lists hold the nonzeros and one slot
    /// more (that last write's), not m · n.
    fn gather_rows<F: Real>(x: &[F], m: usize, n: usize, nz: &mut Nonzeros<F>) {
        assert_eq!(x.len(), m * n, "rows");
        let nnz = count_nonzero(x);
        nz.row_start.clear();
        nz.row_start.push(0);
        nz.row_col.resize(nnz + 1, 0);
        nz.row_value.resize(nnz + 1, F::zero());
        let (cols, values) = (&mut nz.row_col[..], &mut nz.row_value[..]);
        let mut end = 0;
        for row in x.chunks_exact(n.max(1)).take(m) {
            for (c, chunk) in row.chunks(8).enumerate() {
                if chunk.iter().map(|&v| u32::from(v != F::zero())).sum::<u32>() == 0 {
                    continue;
                }
                for (k, &v) in chunk.iter().enumerate() {
                    // SAFETY: end counts the nonzeros before this element, so
                    // end ≤ nnz < nnz + 1, the lists' length.
                    unsafe {
                        *cols.get_unchecked_mut(end) = (c * 8 + k) as u32;
                        *values.get_unchecked_mut(end) = v;
                    }
                    end += usize::from(v != F::zero());
                }
            }
            nz.row_start.push(end as u32);
        }
        debug_assert_eq!(end, nnz);
    }
}

/// `by_blocks!(width, |W, col| body)` runs `body` over `width` columns in
/// blocks of `W` from `col`: of 64 (eight AVX2 registers of f32
/// accumulators), then of 8, then single columns.
macro_rules! by_blocks {
    ($width:expr, |$w:ident, $col:ident| $body:expr) => {{
        let width = $width;
        let mut $col = 0;
        while $col + 64 <= width {
            const $w: usize = 64;
            $body;
            $col += 64;
        }
        while $col + 8 <= width {
            const $w: usize = 8;
            $body;
            $col += 8;
        }
        while $col < width {
            const $w: usize = 1;
            $body;
            $col += 1;
        }
    }};
}

vectorised! {
    /// `out` (rows × hidden) = these rows of X̃ times W1ᵀ (`w1t`, inputs ×
    /// hidden in panels): each row the sum of W1ᵀ's rows at its nonzeros, scaled.
    pub(crate) fn codes<F: Real>(nz: &Nonzeros<F>, w1t: &[F], hidden: usize, out: &mut [F]) {
        let rows = nz.row_start.len() - 1;
        let inputs = w1t.len() / hidden.max(1);
        by_blocks!(hidden, |W, col| {
            let columns = &w1t[col * inputs..][..W * inputs];
            for r in 0..rows {
                let (s, e) = (nz.row_start[r] as usize, nz.row_start[r + 1] as usize);
                let mut acc = [F::zero(); W];
                for (&k, &v) in nz.row_col[s..e].iter().zip(&nz.row_value[s..e]) {
                    let w: &[F; W] = columns[k as usize * W..][..W].try_into().expect("W wide");
                    for q in 0..W {
                        acc[q] += v * w[q];
                    }
                }
                out[r * hidden + col..][..W].copy_from_slice(&acc);
            }
        })
    }
}

vectorised! {
    /// `out` (units × inputs) = dZ1[:, units]ᵀ X̃ (+= when `accumulate`),
    /// the batch's nonzeros in `halves`: each column of X̃ a sum of dZ1's
    /// rows, computed 8 columns at a time and stored transposed. Each
    /// block of dZ1's columns is first copied into `strip`, one block of
    /// memory: its rows, 1 KiB apart in dZ1 on MNIST, would otherwise share
    /// a sixteenth of L1's sets (see [`panel`]).
    pub(crate) fn gradient<F: Real>(
        halves: &[Nonzeros<F>],
        dz1: ArrayView2<F>,
        units: Range<usize>,
        out: ArrayViewMut2<F>,
        accumulate: bool,
        strip: &mut Vec<F>,
    ) {
        let (m, hidden, inputs) = (dz1.nrows(), dz1.ncols(), out.ncols());
        let dz1 = dz1.as_slice().expect("contiguous");
        let mut out = out;
        let out = out.as_slice_mut().expect("contiguous");
        by_blocks!(units.len(), |W, col| {
            let j0 = units.start + col;
            strip.clear();
            for row in dz1.chunks_exact(hidden).take(m) {
                strip.extend_from_slice(&row[j0..j0 + W]);
            }
            for k0 in (0..inputs).step_by(8) {
                // Column kk's sums in columns[kk], stored transposed below.
                let mut columns = [[F::zero(); W]; 8];
                let ks = (inputs - k0).min(8);
                for (k, column) in (k0..k0 + ks).zip(columns.iter_mut()) {
                    // In registers, not in `columns`, while it sums.
                    let mut acc = [F::zero(); W];
                    for nz in halves {
                        let (s, e) = (nz.col_start[k] as usize, nz.col_start[k + 1] as usize);
                        for (&i, &v) in nz.col_row[s..e].iter().zip(&nz.col_value[s..e]) {
                            let d: &[F; W] = strip[i as usize * W..][..W].try_into().expect("W wide");
                            for q in 0..W {
                                acc[q] += v * d[q];
                            }
                        }
                    }
                    *column = acc;
                }
                // 8 units at a time: their 8 × 8 block turned into 8 stretches of a row.
                for q0 in (0..W).step_by(8) {
                    let mut block = [[F::zero(); 8]; 8];
                    let qs = (W - q0).min(8);
                    for (kk, c) in columns.iter().enumerate() {
                        block[kk][..qs].copy_from_slice(&c[q0..q0 + qs]);
                    }
                    let rows = transpose8::<F, FUSED>(&block);
                    for (q, row) in rows.iter().enumerate().take(qs) {
                        let o = &mut out[(col + q0 + q) * inputs + k0..][..ks];
                        for (o, &t) in o.iter_mut().zip(row) {
                            *o = if accumulate { *o + t } else { t };
                        }
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, s};
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    /// An m × n matrix with about `density` of its entries nonzero.
    fn sparse(m: usize, n: usize, density: f64, rng: &mut StdRng) -> Array2<f64> {
        Array2::from_shape_fn((m, n), |_| {
            if rng.random_bool(density) {
                rng.random_range(-1.0..1.0)
            } else {
                0.0
            }
        })
    }

    fn close<F: Real>(a: &Array2<F>, b: &Array2<f64>, tolerance: f64) {
        assert_eq!(a.dim(), b.dim());
        for (x, y) in a.iter().zip(b) {
            assert!((x.f64() - y).abs() < tolerance, "{x} vs {y}");
        }
    }

    /// The codes of both halves and the gradient in two stripes, then
    /// accumulated, in `F`, against f64 dense products of the same values.
    fn the_sparse_products_in<F: Real>(tolerance: f64) {
        let mut rng = StdRng::seed_from_u64(3);
        // Widths that take every block size (64, 8, 1) and none of some,
        // whole panels on both sides of the transpose's cut (200), and cuts
        // that fall among the 8-wide (40) and 1-wide (7, 21) panels.
        for (m, n, h) in [
            (6, 9, 7),
            (6, 9, 21),
            (6, 9, 40),
            (9, 13, 75),
            (16, 70, 8),
            (5, 3, 1),
            (12, 130, 137),
            (10, 20, 200),
        ] {
            let x = sparse(m, n, 0.2, &mut rng).mapv(|v| F::of(v).f64());
            let w1 = Array2::from_shape_fn((h, n), |_| F::of(rng.random_range(-1.0..1.0)).f64());
            let dz1 = Array2::from_shape_fn((m, h), |_| F::of(rng.random_range(-1.0..1.0)).f64());
            let of = |a: &Array2<f64>| a.mapv(F::of);
            let (xf, w1f, dz1f) = (of(&x), of(&w1), of(&dz1));
            let mut input = SparseInput::default();
            input.transpose(w1f.view(), true);
            let cut = m / 2;
            input.halves[0].gather(xf.slice(s![..cut, ..]), 0);
            input.halves[1].gather(xf.slice(s![cut.., ..]), cut);
            let mut z1 = Array2::<F>::zeros((m, h));
            let (za, zb) = z1.view_mut().split_at(ndarray::Axis(0), cut);
            for (nz, mut z) in input.halves.iter().zip([za, zb]) {
                codes(nz, &input.w1t, h, z.as_slice_mut().unwrap());
            }
            close(&z1, &x.dot(&w1.t()), tolerance);
            let mut g = Array2::<F>::zeros((h, n));
            let u = h / 3;
            let (ga, gb) = g.view_mut().split_at(ndarray::Axis(0), u);
            let strip = &mut input.strips[0];
            gradient(&input.halves, dz1f.view(), 0..u, ga, false, strip);
            gradient(&input.halves, dz1f.view(), u..h, gb, false, strip);
            let dense = dz1.t().dot(&x);
            close(&g, &dense, tolerance);
            gradient(&input.halves, dz1f.view(), 0..h, g.view_mut(), true, strip);
            close(&g, &(&dense * 2.0), 2.0 * tolerance);
        }
    }

    #[test]
    fn the_sparse_products_equal_the_dense_ones() {
        the_sparse_products_in::<f64>(1e-12);
        // f32 takes the AVX2 transposes: any misplaced element is off by O(1).
        the_sparse_products_in::<f32>(1e-4);
    }

    #[test]
    fn density_decides() {
        let mut x = vec![0.0f32; 100];
        x[..30].fill(1.0);
        assert_eq!(count_nonzero(&x), 30);
        assert_eq!(worth_it(&x), super::super::simd::has_avx2());
        x[30] = 1.0;
        assert!(!worth_it(&x));
    }

    #[test]
    fn an_empty_row_and_an_empty_batch_have_no_nonzeros() {
        let x = Array2::<f32>::zeros((3, 5));
        let mut nz = Nonzeros::default();
        nz.gather(x.view(), 0);
        assert_eq!(nz.row_start, vec![0; 4]);
        assert_eq!(nz.col_start, vec![0; 6]);
        nz.gather(Array2::<f32>::zeros((0, 5)).view(), 0);
        assert_eq!(nz.row_start, vec![0]);
        // Dense products for a batch of nothing: no rows, or rows of no inputs.
        assert!(!worth_it::<f32>(&[]));
    }
}
