//! The elementwise passes of a training step, fused: one loop over each
//! contiguous row does the bias, the activation and its derivative (and, on
//! the decoder side, the loss and its gradient), so each m × n array is
//! read and written once. The loops hold no branch and no sequential float
//! reduction, so the compiler vectorises them; sums go through
//! [`sum_lanes`], whose 16 independent accumulators vectorise as well.
//!
//! The activation is matched once per call, outside the loop, so each loop
//! is compiled for one activation.

use super::activation::Activation;
use super::simd::vectorised;
use super::{Loss, Real};
use ndarray::ArrayView2;

/// A sigmoid without branches: exp's argument is clamped (see
/// [`Real::exp_fast`]), so it neither overflows nor needs two cases.
#[inline(always)]
pub fn sigmoid_fast<F: Real, const FUSED: bool>(z: F) -> F {
    F::one() / (F::one() + (-z).exp_fast::<FUSED>())
}

/// tanh from one exp, without branches: 1 − 2 / (e^{2z} + 1).
#[inline(always)]
fn tanh_fast<F: Real, const FUSED: bool>(z: F) -> F {
    F::one() - F::of(2.0) / ((z + z).exp_fast::<FUSED>() + F::one())
}

/// Calls `$body` with `$g` bound to the activation's value function and `$d`
/// to its derivative from the value, each a closure the loop inlines (inside
/// a [`vectorised!`] body, which gives it `FUSED`).
macro_rules! with_activation {
    ($act:expr, |$g:ident, $d:ident| $body:expr) => {
        match $act {
            Activation::Sigmoid => {
                let $g = |z: F| sigmoid_fast::<F, FUSED>(z);
                let $d = |y: F| y * (F::one() - y);
                $body
            }
            Activation::Tanh => {
                let $g = |z: F| tanh_fast::<F, FUSED>(z);
                let $d = |y: F| F::one() - y * y;
                $body
            }
            Activation::Relu => {
                let $g = |z: F| z.max(F::zero());
                let $d = |y: F| if y > F::zero() { F::one() } else { F::zero() };
                $body
            }
            Activation::Linear => {
                let $g = |z: F| z;
                let $d = |_: F| F::one();
                $body
            }
        }
    };
}

/// Lanes a block of [`in_blocks`] holds.
const BLOCK: usize = 32;

/// `f(at, len)` over the lanes `0..n` of a row: in blocks of [`BLOCK`],
/// then once for the rest. Inside a whole block the lane loop's length is
/// a constant, so the compiler unrolls it into independent chains of exp's
/// latencies (four of 8 lanes in the AVX2 copy) that overlap; a lane loop
/// of unknown length ran them one after another (the decoder's pass over
/// 32×64 or 64×784: 1.3× faster in blocks, 1.8× with the fused
/// multiply-adds). (A `Range` for the block, in place of `at, len`, ran
/// 3 % slower on 64×784.)
#[inline(always)]
fn in_blocks(n: usize, mut f: impl FnMut(usize, usize)) {
    let whole = n - n % BLOCK;
    for at in (0..whole).step_by(BLOCK) {
        f(at, BLOCK);
    }
    if whole < n {
        f(whole, n - whole);
    }
}

vectorised! {
    /// Encoder rows in place: `z += b` (z is then Z1), `h = g(z)`, `g' = g'(z)`.
    pub fn encode<F: Real>(act: Activation, z: &mut [F], bias: &[F], h: &mut [F], gprime: &mut [F]) {
        let n = bias.len();
        with_activation!(act, |g, d| {
            let rows = z
                .chunks_exact_mut(n)
                .zip(h.chunks_exact_mut(n))
                .zip(gprime.chunks_exact_mut(n));
            for ((z, h), gp) in rows {
                in_blocks(n, |at, len| {
                    let s = at..at + len;
                    let (z, h, gp) = (&mut z[s.clone()], &mut h[s.clone()], &mut gp[s.clone()]);
                    for (((z, h), gp), &b) in z.iter_mut().zip(h).zip(gp).zip(&bias[s]) {
                        *z += b;
                        let y = g(*z);
                        *h = y;
                        *gp = d(y);
                    }
                });
            }
        })
    }
}

vectorised! {
    /// Decoder rows in place: `z += b` (z is then Z2) and `x̂ = f(z)`.
    pub fn decode<F: Real>(act: Activation, z: &mut [F], bias: &[F], x_hat: &mut [F]) {
        let n = bias.len();
        with_activation!(act, |g, _d| {
            for (z, xh) in z.chunks_exact_mut(n).zip(x_hat.chunks_exact_mut(n)) {
                in_blocks(n, |at, len| {
                    let s = at..at + len;
                    let (z, xh) = (&mut z[s.clone()], &mut xh[s.clone()]);
                    for ((z, xh), &b) in z.iter_mut().zip(xh).zip(&bias[s]) {
                        *z += b;
                        *xh = g(*z);
                    }
                });
            }
        })
    }
}

vectorised! {
    /// The decoder pass of a training step: [`decode`], plus dZ2 = ∂L/∂Z2 / m
    /// in the same loop. Returns Σ L over the batch.
    #[allow(clippy::too_many_arguments)] // one fused pass: every array it touches
    pub fn decode_loss_grad<F: Real>(
        act: Activation,
        loss: Loss,
        z: &mut [F],
        bias: &[F],
        x: &[F],
        x_hat: &mut [F],
        dz: &mut [F],
        inv_m: F,
    ) -> f64 {
        let (n, mse) = (bias.len(), loss == Loss::Mse);
        let mut total = 0.0;
        with_activation!(act, |g, d| {
            let rows = z
                .chunks_exact_mut(n)
                .zip(x.chunks_exact(n))
                .zip(x_hat.chunks_exact_mut(n))
                .zip(dz.chunks_exact_mut(n));
            for (((z, x), xh), dz) in rows {
                in_blocks(n, |at, len| {
                    let s = at..at + len;
                    let (z, xh, dz) = (&mut z[s.clone()], &mut xh[s.clone()], &mut dz[s.clone()]);
                    let cols = z.iter_mut().zip(&x[s.clone()]).zip(xh).zip(dz);
                    for ((((z, &x), xh), dz), &b) in cols.zip(&bias[s]) {
                        *z += b;
                        let y = g(*z);
                        *xh = y;
                        // mse: (x̂ − x) f'(z); bce with a sigmoid decoder: x̂ − x (f' cancels).
                        // A select (or a loop unswitched on it), not a branch in
                        // the block: its chains stay one stretch.
                        let slope = if mse { d(y) } else { F::one() };
                        *dz = (y - x) * slope * inv_m;
                    }
                });
                // The loss of the row while it is still in L1.
                total += match loss {
                    Loss::Mse => sum_over_pairs(xh, x, |xh, x| (xh - x) * (xh - x)) * F::of(0.5),
                    Loss::Bce => sum_lanes(n, |j| loss.value(x[j], z[j], xh[j])),
                }
                .f64();
            }
        });
        total
    }
}

vectorised! {
    /// The code's pass of the backward step, dZ1 in place of dH: the KL
    /// term's per-unit `d_rho` and the L1 term `l1 sign(h)` added, times the
    /// mask row `keep` (one row of ones when there is no mask) and g'(Z1),
    /// plus the contractive term `c_j g' g''` with g'' = g'(a + b h) from the
    /// code (`c` holds (2 λ_c / m) ‖W1[j]‖²).
    #[allow(clippy::too_many_arguments)] // one fused pass: every array it touches
    pub fn code_backprop<F: Real>(
        dh: &mut [F],
        h: &[F],
        gprime: &[F],
        keep: &[F],
        d_rho: &[F],
        c: &[F],
        l1: F,
        d2: (F, F),
    ) {
        let (n, (a, b)) = (c.len(), d2);
        let rows = dh.chunks_exact_mut(n).zip(h.chunks_exact(n)).zip(gprime.chunks_exact(n));
        for (i, ((dh, h), gp)) in rows.enumerate() {
            let keep = if keep.len() == n { keep } else { &keep[i * n..(i + 1) * n] };
            let per_unit = d_rho.iter().zip(c).zip(keep);
            for (((d, &h), &gp), ((&dr, &cn), &k)) in dh.iter_mut().zip(h).zip(gp).zip(per_unit) {
                let sign = if h > F::zero() {
                    F::one()
                } else if h < F::zero() {
                    -F::one()
                } else {
                    F::zero()
                };
                let dz = ((*d + dr + l1 * sign) * gp + cn * gp * gp * (a + b * h)) * k;
                *d = dz;
            }
        }
    }
}

/// Σ f(v_j) over a slice, in 16 independent partial sums over whole chunks
/// of it: no index, so no bounds check to keep the loop from vectorising
/// (`all_finite` on ae-784-256's θ: 195 µs through [`sum_lanes`], 26 µs
/// through this).
#[inline(always)]
pub fn sum_over<F: Real>(v: &[F], f: impl Fn(F) -> F) -> F {
    const LANES: usize = 16;
    let mut acc = [F::zero(); LANES];
    let chunks = v.chunks_exact(LANES);
    let tail = chunks.remainder().iter().fold(F::zero(), |s, &x| s + f(x));
    for chunk in chunks {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += f(x);
        }
    }
    acc.iter().fold(tail, |s, &a| s + a)
}

/// Σ f(a_j, b_j) over two slices of one length, in [`sum_over`]'s 16
/// partial sums (so the same additions in the same order as `sum_lanes`
/// over the indices, without the index).
#[inline(always)]
pub fn sum_over_pairs<F: Real>(a: &[F], b: &[F], f: impl Fn(F, F) -> F) -> F {
    const LANES: usize = 16;
    let mut acc = [F::zero(); LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let pairs = ca.remainder().iter().zip(cb.remainder());
    let tail = pairs.fold(F::zero(), |s, (&x, &y)| s + f(x, y));
    for (a, b) in ca.zip(cb) {
        for ((s, &x), &y) in acc.iter_mut().zip(a).zip(b) {
            *s += f(x, y);
        }
    }
    acc.iter().fold(tail, |s, &a| s + a)
}

/// Σ_j f(j) for j < n, in 16 independent partial sums (vectorisable).
#[inline(always)]
pub fn sum_lanes<F: Real>(n: usize, f: impl Fn(usize) -> F) -> F {
    const LANES: usize = 16;
    let mut acc = [F::zero(); LANES];
    let full = n - n % LANES;
    for base in (0..full).step_by(LANES) {
        for (t, a) in acc.iter_mut().enumerate() {
            *a += f(base + t);
        }
    }
    let tail = (full..n).fold(F::zero(), |s, j| s + f(j));
    acc.iter().fold(tail, |s, &a| s + a)
}

vectorised! {
    /// Σ v², in [`sum_over`]'s independent partial sums (a sequential sum
    /// over ae-784-256's θ is a chain of 403,984 dependent adds).
    pub fn sum_squares<F: Real>(v: &[F]) -> F {
        sum_over(v, |x| x * x)
    }
}

vectorised! {
    /// Whether every element is finite, in one pass without an early exit
    /// (so it vectorises): 0 · v is 0 for a finite v and NaN otherwise, and
    /// a NaN survives the sum.
    pub fn all_finite<F: Real>(v: &[F]) -> bool {
        sum_over(v, |x| x * F::zero()) == F::zero()
    }
}

vectorised! {
    /// `sums[j] = Σ_i f(a_ij)`, added row by row from the first: a bias's
    /// gradient or a unit's statistic over the batch (`a` may be some
    /// columns of a wider array; each row is contiguous).
    pub fn column_sums<F: Real>(a: ArrayView2<'_, F>, sums: &mut [F], f: impl Fn(F) -> F) {
        sums.fill(F::zero());
        for row in a.rows() {
            let row = row.to_slice().expect("rows are contiguous");
            for (s, &v) in sums.iter_mut().zip(row) {
                *s += f(v);
            }
        }
    }
}

vectorised! {
    /// ‖w_j‖² for every row of a rows × n array, into `out`.
    pub fn row_norms2_into<F: Real>(w: &[F], out: &mut [F]) {
        let n = w.len() / out.len().max(1);
        for (row, o) in w.chunks_exact(n.max(1)).zip(out.iter_mut()) {
            *o = sum_over(row, |x| x * x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fused activations agree with the exact ones of activation.rs.
    #[test]
    fn fast_activations_match_the_exact_ones() {
        for act in Activation::ALL {
            let z: Vec<f32> = (-40..=40).map(|i| i as f32 * 0.37).collect();
            let bias = vec![0.0f32; z.len()];
            let (mut zz, mut h, mut gp) = (z.clone(), vec![0.0; z.len()], vec![0.0; z.len()]);
            encode(act, &mut zz, &bias, &mut h, &mut gp);
            for ((&z, &h), &gp) in z.iter().zip(&h).zip(&gp) {
                assert!((h - act.value(z)).abs() < 2e-6, "{act:?} g({z}) = {h}");
                assert!((gp - act.d1(z)).abs() < 2e-6, "{act:?} g'({z}) = {gp}");
            }
        }
    }

    #[test]
    fn all_finite_finds_one_nan_or_infinity_anywhere() {
        let mut v = vec![1.5f32; 37];
        assert!(all_finite(&v) && all_finite::<f32>(&[]));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for at in [0, 16, 36] {
                v[at] = bad;
                assert!(!all_finite(&v), "{bad} at {at}");
                v[at] = -0.0;
            }
        }
    }

    #[test]
    fn blocks_cover_every_lane_once_in_order() {
        for n in [0, 1, 31, 32, 33, 64, 70, 784] {
            let mut seen = Vec::new();
            in_blocks(n, |at, len| {
                assert!(len == BLOCK || at + len == n, "{n}: block {at}+{len}");
                seen.extend(at..at + len);
            });
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn sum_lanes_adds_every_term() {
        for n in [0, 1, 15, 16, 17, 100] {
            let s: f64 = sum_lanes(n, |j| j as f64);
            assert_eq!(s, (n * n.saturating_sub(1) / 2) as f64);
        }
    }
}
