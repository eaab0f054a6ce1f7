//! The one place the training step multiplies dense matrices: every GEMM
//! of the autoencoder's forward and backward pass goes through [`matmul`],
//! so a faster backend can be swapped in here alone. (The two products
//! that read a mostly-zero X̃ are `sparse.rs`'s.) (Analyses off the hot path —
//! PCA, probes, whitening — call ndarray's `dot` or faer directly.)

use ndarray::{
    Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis, LinalgScalar, ScalarOperand,
};
use num_traits::{Float, FromPrimitive};
use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, MulAssign, SubAssign};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    /// e^x as the fused passes compute it: exact (libm) for f64, the checks'
    /// type; for f32 a branch-free polynomial that the passes vectorise,
    /// its multiply-adds fused when `FUSED` (the FMA copies of the passes:
    /// a shorter chain of latencies, and one rounding fewer each).
    fn exp_fast<const FUSED: bool>(self) -> Self {
        self.exp()
    }
    /// `out (+)= a · b` on `threads` threads: see [`gemm`].
    fn gemm(
        out: ArrayViewMut2<Self>,
        a: ArrayView2<Self>,
        b: ArrayView2<Self>,
        accumulate: bool,
        threads: usize,
    );
}
/// a·b + c, in one rounding when `FUSED` (a function, not a closure, so
/// that it is always inlined into the FMA copy that calls it).
#[inline(always)]
fn madd<const FUSED: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FUSED { a.mul_add(b, c) } else { a * b + c }
}

impl Real for f32 {
    /// e^x = 2^n e^r with n = round(x / ln 2), e^r by Cephes' degree-6
    /// polynomial (about 2 ulp); x is clamped to [−87, 88] so 2^n stays a
    /// normal f32 (e^x then saturates near 0 or 1.6e38, never inf). NaN stays NaN.
    /// Unfused, these are the same operations in the same order as before
    /// FUSED existed, so the baseline copy's numbers did not change (fused,
    /// about one value in five, on [−10, 10], differs from them in its last bits).
    #[inline(always)]
    fn exp_fast<const FUSED: bool>(self) -> f32 {
        let madd = madd::<FUSED>;
        const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
        let x = self.clamp(-87.0, 88.0);
        let t = madd(x, std::f32::consts::LOG2_E, ROUND);
        let n = t - ROUND;
        let r = madd(n, 2.121_944_4e-4, madd(n, -0.693_359_4, x));
        let mut p = 1.987_569_1e-4f32;
        for c in [1.398_2e-3, 8.333_452e-3, 4.166_579_6e-2, 0.166_666_65, 0.5] {
            p = madd(p, r, c);
        }
        // 2^n from t's low mantissa bits, which hold 2^22 + n: `n as i32`
        // (a saturating cast) would not vectorise.
        let scale = f32::from_bits(t.to_bits().wrapping_add(127) << 23);
        // (Fused, r + 1 first: one step shorter a chain.)
        let e_r = if FUSED {
            madd(p * r, r, r + 1.0)
        } else {
            p * r * r + r + 1.0
        };
        e_r * scale
    }
    fn gemm(o: ArrayViewMut2<f32>, a: ArrayView2<f32>, b: ArrayView2<f32>, acc: bool, t: usize) {
        backend_gemm(o, a, b, acc, t)
    }
}
impl Real for f64 {
    fn gemm(o: ArrayViewMut2<f64>, a: ArrayView2<f64>, b: ArrayView2<f64>, acc: bool, t: usize) {
        backend_gemm(o, a, b, acc, t)
    }
}

/// Threads the products may use; 0 means every core.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many threads a product may use (`aelab bench --threads N`).
pub fn set_threads(n: usize) {
    THREADS.store(n, Ordering::Relaxed);
}

/// Sets the threads a product may use unless they were set already (by
/// `--threads`): a comparison whose models step on threads of their own
/// gives each product its share of the cores.
pub fn default_threads(n: usize) {
    let _ = THREADS.compare_exchange(0, n.max(1), Ordering::Relaxed, Ordering::Relaxed);
}

/// Whether a large step splits its batch over two threads (else faer
/// threads each product): `AELAB_BATCH_SPLIT=0 aelab bench` compares.
static BATCH_SPLIT: AtomicBool = AtomicBool::new(true);

pub fn set_batch_split(on: bool) {
    BATCH_SPLIT.store(on, Ordering::Relaxed);
}

pub fn batch_split() -> bool {
    BATCH_SPLIT.load(Ordering::Relaxed)
}

/// How many threads a product may use.
pub fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => cores(),
        n => n,
    }
}

/// The cores this process may use, asked once: `available_parallelism`
/// reads the cgroup files on every call, which on digits-64-25 (three
/// products a step) cost three quarters of the step.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
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

/// `out = op(a) · op(b)`, or `out += op(a) · op(b)` when `accumulate`: the
/// one GEMM call of the training step (faer, on [`threads`] threads when
/// the product is large enough to pay for a second one).
pub fn gemm<F: Real>(
    out: ArrayViewMut2<F>,
    a: ArrayView2<F>,
    op_a: Op,
    b: ArrayView2<F>,
    op_b: Op,
    accumulate: bool,
) {
    gemm_on(threads(), out, a, op_a, b, op_b, accumulate);
}

/// Below this many multiply-adds a second thread costs more than it saves
/// (digits-64-25's products are 51k: measured in BENCHMARKS.md; `aelab
/// pca pca-digits`, 1797×64×10 = 1.2M a product, took 39.7 s from 2^20
/// and 33.6 s from 2^23 on a loaded machine).
pub(crate) const PARALLEL_FROM: usize = 1 << 23;

/// [`gemm`] on at most `threads` threads (1 inside a half of a split batch).
pub fn gemm_on<F: Real>(
    threads: usize,
    out: ArrayViewMut2<F>,
    a: ArrayView2<F>,
    op_a: Op,
    b: ArrayView2<F>,
    op_b: Op,
    accumulate: bool,
) {
    let (a, b) = (apply(a, op_a), apply(b, op_b));
    assert_eq!(a.ncols(), b.nrows(), "inner dimensions differ");
    assert_eq!(out.dim(), (a.nrows(), b.ncols()), "output shape");
    let work = a.nrows() * a.ncols() * b.ncols();
    let n = if work >= PARALLEL_FROM { threads } else { 1 };
    F::gemm(out, a, b, accumulate, n);
}

/// The GEMM libraries compared on the real step (`AELAB_GEMM=NAME aelab
/// bench`, BENCHMARKS.md); faer is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Faer,
    /// ndarray's `general_mat_mul` (matrixmultiply, one thread).
    Matrixmultiply,
    /// The `gemm` crate (faer's dependency).
    GemmCrate,
}

static BACKEND: AtomicUsize = AtomicUsize::new(0);

pub fn set_backend(b: Backend) {
    BACKEND.store(b as usize, Ordering::Relaxed);
}

fn backend() -> Backend {
    match BACKEND.load(Ordering::Relaxed) {
        1 => Backend::Matrixmultiply,
        2 => Backend::GemmCrate,
        _ => Backend::Faer,
    }
}

fn backend_gemm<T: faer::traits::ComplexField + LinalgScalar + 'static>(
    out: ArrayViewMut2<T>,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    accumulate: bool,
    threads: usize,
) {
    match backend() {
        Backend::Faer => faer_gemm(out, a, b, accumulate, threads),
        Backend::Matrixmultiply => matrixmultiply_gemm(out, a, b, accumulate),
        Backend::GemmCrate => gemm_crate(out, a, b, accumulate, threads),
    }
}

/// ndarray's product (matrixmultiply for f32 and f64), one thread.
fn matrixmultiply_gemm<T: LinalgScalar>(
    mut out: ArrayViewMut2<T>,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    accumulate: bool,
) {
    let beta = if accumulate { T::one() } else { T::zero() };
    ndarray::linalg::general_mat_mul(T::one(), &a, &b, beta, &mut out);
}

/// A product's sizes (m × k times k × n) and each operand's (row, column) strides.
struct Layout {
    m: usize,
    k: usize,
    n: usize,
    a: (isize, isize),
    b: (isize, isize),
    out: (isize, isize),
}

fn layout<T>(out: &ArrayViewMut2<T>, a: &ArrayView2<T>, b: &ArrayView2<T>) -> Layout {
    let s = |v: &[isize]| (v[0], v[1]);
    Layout {
        m: a.nrows(),
        k: a.ncols(),
        n: b.ncols(),
        a: s(a.strides()),
        b: s(b.strides()),
        out: s(out.strides()),
    }
}

/// The `gemm` crate's product on ndarray views (any strides).
fn gemm_crate<T: LinalgScalar + 'static>(
    mut out: ArrayViewMut2<T>,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    accumulate: bool,
    threads: usize,
) {
    let l = layout(&out, &a, &b);
    let par = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: as in `faer_gemm`: live views, `out` borrowed mutably.
    unsafe {
        gemm::gemm(
            l.m,
            l.n,
            l.k,
            out.as_mut_ptr(),
            l.out.1,
            l.out.0,
            accumulate,
            a.as_ptr(),
            l.a.1,
            l.a.0,
            b.as_ptr(),
            l.b.1,
            l.b.0,
            T::one(),
            T::one(),
            false,
            false,
            false,
            par,
        );
    }
    clear_upper_vector_state();
}

/// faer's product on ndarray views (any strides), in `T` = f32 or f64.
pub(crate) fn faer_gemm<T: faer::traits::ComplexField + Copy>(
    mut out: ArrayViewMut2<T>,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    accumulate: bool,
    threads: usize,
) {
    let l = layout(&out, &a, &b);
    // SAFETY: each pointer, shape and stride is that of a live ndarray view,
    // which ndarray guarantees addresses valid elements; `out` is borrowed
    // mutably for the call, so nothing else reads or writes it meanwhile.
    let (a, b, out) = unsafe {
        (
            faer::MatRef::from_raw_parts(a.as_ptr(), l.m, l.k, l.a.0, l.a.1),
            faer::MatRef::from_raw_parts(b.as_ptr(), l.k, l.n, l.b.0, l.b.1),
            faer::MatMut::from_raw_parts_mut(out.as_mut_ptr(), l.m, l.n, l.out.0, l.out.1),
        )
    };
    let accum = if accumulate {
        faer::Accum::Add
    } else {
        faer::Accum::Replace
    };
    let par = if threads > 1 {
        faer::Par::rayon(threads)
    } else {
        faer::Par::Seq
    };
    faer::linalg::matmul::matmul(out, accum, a, b, T::one_impl(), par);
    clear_upper_vector_state();
}

/// faer's AVX kernels can return with the upper halves of the vector
/// registers dirty; the SSE code compiled for baseline x86-64 (libm's expf
/// among it) then stalls on every instruction — measured 5x slower steps on
/// one thread. `vzeroupper` clears that state.
fn clear_upper_vector_state() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        #[target_feature(enable = "avx")]
        fn zero_upper() {
            std::arch::x86_64::_mm256_zeroupper();
        }
        // SAFETY: the CPU has AVX, checked above.
        unsafe { zero_upper() }
    }
}

/// `op(a) · op(b)`, into a new array (off the hot path: probes, tests).
pub fn matmul<F: Real>(a: ArrayView2<F>, op_a: Op, b: ArrayView2<F>, op_b: Op) -> Array2<F> {
    let rows = apply(a, op_a).nrows();
    let cols = apply(b, op_b).ncols();
    let mut out = Array2::zeros((rows, cols));
    gemm(out.view_mut(), a, op_a, b, op_b, false);
    out
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
    gemm(out.view_mut(), a, op_a, b, op_b, true);
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

    /// The other libraries of the comparison agree with the loops too.
    #[test]
    fn every_backend_matches_the_loop_reference() {
        let a = Array::from_shape_fn((37, 29), |(i, j)| ((i * 7 + j * 3) % 13) as f64 - 6.0);
        let b = Array::from_shape_fn((41, 29), |(i, j)| ((i * 5 + j) % 11) as f64 * 0.5);
        let slow = matmul_naive(a.view(), Op::N, b.view(), Op::T);
        for backend in [Backend::Faer, Backend::Matrixmultiply, Backend::GemmCrate] {
            for threads in [1, 2] {
                let mut out = Array2::from_elem((37, 41), 1.0);
                let run = |out: ArrayViewMut2<f64>, acc| {
                    let (a, b) = (a.view(), b.view().reversed_axes());
                    match backend {
                        Backend::Faer => faer_gemm(out, a, b, acc, threads),
                        Backend::Matrixmultiply => matrixmultiply_gemm(out, a, b, acc),
                        Backend::GemmCrate => gemm_crate(out, a, b, acc, threads),
                    }
                };
                run(out.view_mut(), true);
                assert!(
                    (&out - &slow).iter().all(|d| (d - 1.0).abs() < 1e-9),
                    "{backend:?}"
                );
                run(out.view_mut(), false);
                assert!((&out - &slow).iter().all(|d| d.abs() < 1e-9), "{backend:?}");
            }
        }
    }

    /// exp_fast's 2^n from the bits of t is the integer cast's 2^n, bit
    /// for bit, over the whole clamped range; fused or not, it is within
    /// 2.5 ε (relative) of libm, also where the fused t may round to the
    /// other integer: at (k + ½) ln 2, a few ulp either side.
    #[test]
    fn exp_fast_builds_two_to_the_n_exactly_and_stays_near_libm() {
        let close_to_libm = |x: f32| {
            let exact = x.exp();
            for fast in [x.exp_fast::<false>(), x.exp_fast::<true>()] {
                assert!((fast - exact).abs() <= 2.5 * f32::EPSILON * exact, "{x}");
            }
        };
        let by_cast = |x: f32| {
            let x = x.clamp(-87.0, 88.0);
            let n = (x * std::f32::consts::LOG2_E + 12_582_912.0) - 12_582_912.0;
            f32::from_bits(((n as i32 + 127) as u32) << 23)
        };
        for i in -20_000..=20_000 {
            let x = i as f32 * 0.005;
            let t = x.clamp(-87.0, 88.0) * std::f32::consts::LOG2_E + 12_582_912.0;
            assert_eq!(
                f32::from_bits(t.to_bits().wrapping_add(127) << 23),
                by_cast(x)
            );
            if x.abs() < 87.0 {
                close_to_libm(x);
            }
        }
        // Where x / ln 2 is a half-integer, the fused and unfused t may round
        // n differently; r is then just outside ±ln 2 / 2.
        for k in -120..120 {
            let bits = ((k as f32 + 0.5) * std::f32::consts::LN_2).to_bits();
            for d in 0..8 {
                for x in [f32::from_bits(bits + d), f32::from_bits(bits - d)] {
                    if x.abs() < 87.0 {
                        close_to_libm(x);
                    }
                }
            }
        }
        assert!(f32::NAN.exp_fast::<false>().is_nan());
        assert!(f32::NAN.exp_fast::<true>().is_nan());
    }

    /// The step's products are large enough to run on every thread; they
    /// and accumulation agree with the loops too.
    #[test]
    fn threaded_and_accumulating_gemm_match_the_loop_reference() {
        let a = Array::from_shape_fn((128, 96), |(i, j)| ((i * 7 + j * 3) % 13) as f64 - 6.0);
        let b = Array::from_shape_fn((160, 96), |(i, j)| ((i * 5 + j) % 11) as f64 * 0.5);
        let slow = matmul_naive(a.view(), Op::N, b.view(), Op::T);
        let mut out = Array2::from_elem((128, 160), 1.0);
        gemm(out.view_mut(), a.view(), Op::N, b.view(), Op::T, true);
        assert!((&out - &slow).iter().all(|d| (d - 1.0).abs() < 1e-9));
        gemm(out.view_mut(), a.view(), Op::N, b.view(), Op::T, false);
        assert!((&out - &slow).iter().all(|d| d.abs() < 1e-9));
    }
}
