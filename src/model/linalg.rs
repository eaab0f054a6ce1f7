//! The one place the training step multiplies matrices: every GEMM of the
//! autoencoder's forward and backward pass goes through [`matmul`], so a
//! faster backend can be swapped in here alone. (Analyses off the hot path —
//! PCA, probes, whitening — call ndarray's `dot` or faer directly.)

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, LinalgScalar, ScalarOperand};
use num_traits::{Float, FromPrimitive};
use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, MulAssign, SubAssign};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The float types the engine runs in: `f32` for training, `f64` for checks.
pub trait Real:
    Float
    + FromPrimitive
    + LinalgScalar
    + ScalarOperand
    + AddAssign
    + SubAssign
    + MulAssign
    + Sum
    + Debug
    + Display
    + Default
    + Send
    + Sync
    + 'static
{
    /// `x` as this float type (constants and hyperparameters).
    fn of(x: f64) -> Self {
        Self::from_f64(x).expect("every f64 converts to a float type")
    }
    /// This value as `f64` (for reporting).
    fn f64(self) -> f64 {
        self.to_f64().unwrap_or(f64::NAN)
    }
}
impl Real for f32 {}
impl Real for f64 {}

/// Threads the products may use; 0 means every core.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many threads a product may use (`aelab bench --threads N`).
pub fn set_threads(n: usize) {
    THREADS.store(n, Ordering::Relaxed);
}

/// How many threads a product may use.
pub fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Whether an operand enters a product as is or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    N,
    T,
}

fn apply<F: Real>(a: ArrayView2<'_, F>, op: Op) -> ArrayView2<'_, F> {
    match op {
        Op::N => a,
        Op::T => a.reversed_axes(),
    }
}

/// `op(a) · op(b)`.
pub fn matmul<F: Real>(a: ArrayView2<F>, op_a: Op, b: ArrayView2<F>, op_b: Op) -> Array2<F> {
    apply(a, op_a).dot(&apply(b, op_b))
}

/// `op(a) · op(b) + row`, the row vector added to every row (an affine layer).
pub fn affine<F: Real>(
    a: ArrayView2<F>,
    op_a: Op,
    b: ArrayView2<F>,
    op_b: Op,
    row: ArrayView1<F>,
) -> Array2<F> {
    let mut out = matmul(a, op_a, b, op_b);
    out += &row;
    out
}

/// `out += op(a) · op(b)`, accumulating (tied weights add both uses).
pub fn matmul_acc<F: Real>(
    out: &mut ndarray::ArrayViewMut2<F>,
    a: ArrayView2<F>,
    op_a: Op,
    b: ArrayView2<F>,
    op_b: Op,
) {
    ndarray::linalg::general_mat_mul(F::one(), &apply(a, op_a), &apply(b, op_b), F::one(), out);
}

/// Column sums: the gradient of a bias added to every row.
pub fn sum_rows<F: Real>(a: &Array2<F>) -> Array1<F> {
    a.sum_axis(Axis(0))
}

/// The loop version of [`matmul`]: the reference the fast path is tested against.
pub fn matmul_naive<F: Real>(a: ArrayView2<F>, op_a: Op, b: ArrayView2<F>, op_b: Op) -> Array2<F> {
    let (a, b) = (apply(a, op_a), apply(b, op_b));
    assert_eq!(a.ncols(), b.nrows(), "inner dimensions differ");
    Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
        (0..a.ncols()).map(|k| a[[i, k]] * b[[k, j]]).sum()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array;

    #[test]
    fn matmul_matches_the_loop_reference_for_every_transpose() {
        let a = Array::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64 * 0.5 - 2.0);
        let b = Array::from_shape_fn((4, 3), |(i, j)| (i as f64 - j as f64).sin());
        for (x, ox, y, oy) in [
            (a.view(), Op::N, b.view(), Op::N),
            (a.view(), Op::T, a.view(), Op::N),
            (b.view(), Op::N, b.view(), Op::T),
            (b.view(), Op::T, a.view(), Op::T),
        ] {
            let fast = matmul(x, ox, y, oy);
            let slow = matmul_naive(x, ox, y, oy);
            assert!((&fast - &slow).iter().all(|d| d.abs() < 1e-12));
        }
    }
}
