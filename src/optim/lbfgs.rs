//! Full-batch L-BFGS, used the way minFunc is in the CS294A sparse-autoencoder
//! exercise: a two-loop-recursion direction and a strong-Wolfe line search
//! with cubic interpolation (Nocedal & Wright, Alg. 7.4, 3.5 and 3.6).
//!
//! Notation follows Nocedal & Wright: x = θ, f = J, g = ∇f, search direction
//! p, step length α, φ(α) = f(x + αp), curvature pairs s = x₊ − x, y = g₊ − g,
//! ρ = 1/sᵀy. The recursion and the line search run in `f64` whatever `F` is:
//! in `f32`, dot products like sᵀy over many parameters would lose the digits
//! the curvature test needs (minFunc, too, works in double).

use crate::model::Real;
use std::collections::VecDeque;

/// Curvature pairs kept (the m of L-BFGS; minFunc's default is 100, the exercise's 10 suffices).
pub const MEMORY: usize = 10;
/// Sufficient-decrease constant of the Wolfe conditions.
pub const C1: f64 = 1e-4;
/// Curvature constant of the strong Wolfe conditions (0.9: loose, as suits quasi-Newton).
pub const C2: f64 = 0.9;
/// Cost evaluations allowed in one [`Lbfgs::step`], the line search included.
pub const MAX_EVALUATIONS: usize = 25;
/// Converged when ‖g‖∞ falls below this.
pub const GRAD_TOL: f64 = 1e-9;
/// Converged when a step changes f by less than this times max(1, |f|).
pub const PROGRESS_TOL: f64 = 1e-12;
/// Pairs with sᵀy at or below this are skipped, keeping the inverse Hessian positive definite.
pub const CURVATURE_TOL: f64 = 1e-10;

/// What one [`Lbfgs::step`] did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbfgsStep {
    /// f at θ after the step (at the unchanged θ if the line search failed).
    pub value: f64,
    /// Cost evaluations this step made (≤ [`MAX_EVALUATIONS`]).
    pub evaluations: usize,
    /// ‖g‖∞ < [`GRAD_TOL`], or the step changed f by less than [`PROGRESS_TOL`]·max(1, |f|).
    pub converged: bool,
}

/// One curvature pair (s, y) with ρ = 1/sᵀy.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Pair {
    s: Vec<f64>,
    y: Vec<f64>,
    rho: f64,
}

/// Where the last step left θ, with f and g there, so the next step need not
/// re-evaluate them (θ is compared, so an outside change is noticed).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Iterate<F> {
    x: Vec<F>,
    f: f64,
    g: Vec<f64>,
}

/// Limited-memory BFGS over a flat parameter vector. Its whole state (the
/// pairs and the cached iterate) goes into a checkpoint.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lbfgs<F> {
    memory: usize,
    /// Oldest pair first.
    pairs: VecDeque<Pair>,
    at: Option<Iterate<F>>,
}

impl<F: Real> Default for Lbfgs<F> {
    fn default() -> Self {
        Self::new(MEMORY)
    }
}

impl<F: Real> Lbfgs<F> {
    /// Keeps the last `memory` curvature pairs (the exercise uses [`MEMORY`] = 10).
    pub fn new(memory: usize) -> Self {
        Self {
            memory,
            pairs: VecDeque::with_capacity(memory),
            at: None,
        }
    }

    /// Whether its pairs and cached iterate are of `len` parameters (a state
    /// read from a file is checked before use).
    pub fn fits(&self, len: usize) -> bool {
        self.pairs
            .iter()
            .all(|p| p.s.len() == len && p.y.len() == len)
            && self
                .at
                .as_ref()
                .is_none_or(|a| a.x.len() == len && a.g.len() == len)
            && (1..=self.memory).contains(&self.pairs.len().max(1))
    }

    /// Forgets the cached f, g at θ but keeps the curvature pairs: for an
    /// objective redrawn each step (fresh corruption noise), where the old f
    /// and g belong to another draw.
    pub fn forget_iterate(&mut self) {
        self.at = None;
    }

    /// Forgets the curvature pairs and the cached f, g (after the objective changes).
    pub fn reset(&mut self) {
        self.pairs.clear();
        self.at = None;
    }

    /// One L-BFGS iteration from θ: direction by the two-loop recursion, then
    /// a strong-Wolfe line search, at most [`MAX_EVALUATIONS`] evaluations in
    /// all. `cost(θ, grad) -> J` writes ∇J into grad. θ is updated in place.
    ///
    /// If the line search finds no point with sufficient decrease (say the
    /// cost is NaN everywhere along p), θ is left unchanged, the memory is
    /// reset (the next step is steepest descent) and `converged` is false.
    /// If it runs out of evaluations after finding sufficient decrease but not
    /// the curvature condition, it takes the best such point (as minFunc does).
    pub fn step(
        &mut self,
        theta: &mut [F],
        cost: &mut dyn FnMut(&[F], &mut [F]) -> F,
    ) -> LbfgsStep {
        let n = theta.len();
        let mut evaluations = 0;
        let (f, g) = match self.at.take() {
            Some(at) if at.x == theta => (at.f, at.g),
            _ => {
                let mut grad = vec![F::zero(); n];
                let f = cost(theta, &mut grad).f64();
                evaluations += 1;
                (f, grad.iter().map(|v| v.f64()).collect())
            }
        };
        // Nothing sensible can start from a non-finite point.
        if !f.is_finite() || !g.iter().all(|v| v.is_finite()) {
            self.reset();
            return LbfgsStep {
                value: f,
                evaluations,
                converged: false,
            };
        }
        if norm_inf(&g) < GRAD_TOL {
            self.at = Some(Iterate {
                x: theta.to_vec(),
                f,
                g,
            });
            return LbfgsStep {
                value: f,
                evaluations,
                converged: true,
            };
        }

        let (mut p, mut alpha1) = self.direction(&g);
        let mut dphi0 = dot(&g, &p);
        if dphi0.is_nan() || dphi0 >= 0.0 {
            // Rounding can spoil H's positive definiteness: restart from −g.
            self.pairs.clear();
            (p, alpha1) = self.direction(&g);
            dphi0 = dot(&g, &p);
        }
        let mut phi = Phi {
            x: theta,
            p: &p,
            cost,
            xt: vec![F::zero(); n],
            gt: vec![F::zero(); n],
            evaluations,
            budget: MAX_EVALUATIONS,
        };
        let Some(Accepted {
            x,
            g: g_new,
            f: f_new,
        }) = line_search(&mut phi, f, dphi0, alpha1)
        else {
            // No sufficient decrease anywhere along p: stay at θ, and let the
            // next step restart from steepest descent.
            let evaluations = phi.evaluations;
            self.pairs.clear();
            self.at = Some(Iterate {
                x: theta.to_vec(),
                f,
                g,
            });
            return LbfgsStep {
                value: f,
                evaluations,
                converged: false,
            };
        };
        let evaluations = phi.evaluations;

        // s from the θ actually stored (in f32 it differs from αp by rounding).
        let s: Vec<f64> = x
            .iter()
            .zip(&*theta)
            .map(|(a, b)| a.f64() - b.f64())
            .collect();
        let g_new: Vec<f64> = g_new.iter().map(|v| v.f64()).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > CURVATURE_TOL && self.memory > 0 {
            if self.pairs.len() == self.memory {
                self.pairs.pop_front();
            }
            self.pairs.push_back(Pair {
                s,
                y,
                rho: 1.0 / sy,
            });
        }
        theta.copy_from_slice(&x);
        let converged =
            norm_inf(&g_new) < GRAD_TOL || (f_new - f).abs() < PROGRESS_TOL * f.abs().max(1.0);
        self.at = Some(Iterate {
            x,
            f: f_new,
            g: g_new,
        });
        LbfgsStep {
            value: f_new,
            evaluations,
            converged,
        }
    }

    /// The search direction p = −H g and the first trial step α₁.
    ///
    /// With pairs: the two-loop recursion (N&W Alg. 7.4) with H₀ = γI,
    /// γ = sᵀy/yᵀy from the newest pair, and α₁ = 1 (the quasi-Newton step).
    /// Without: steepest descent with α₁ = min(1, 1/‖g‖₁), as minFunc's first
    /// iteration, so the first trial moves θ by at most about one unit.
    fn direction(&self, g: &[f64]) -> (Vec<f64>, f64) {
        let Some(newest) = self.pairs.back() else {
            let l1: f64 = g.iter().map(|v| v.abs()).sum();
            return (g.iter().map(|v| -v).collect(), (1.0 / l1).min(1.0));
        };
        let mut q = g.to_vec();
        // The αᵢ of Alg. 7.4 (named `a` to keep α for step lengths).
        let mut a = vec![0.0; self.pairs.len()];
        for (pair, ai) in self.pairs.iter().zip(&mut a).rev() {
            *ai = pair.rho * dot(&pair.s, &q);
            axpy(-*ai, &pair.y, &mut q);
        }
        let gamma = dot(&newest.s, &newest.y) / dot(&newest.y, &newest.y);
        let mut r: Vec<f64> = q.iter().map(|v| gamma * v).collect();
        for (pair, ai) in self.pairs.iter().zip(&a) {
            let beta = pair.rho * dot(&pair.y, &r);
            axpy(ai - beta, &pair.s, &mut r);
        }
        (r.iter().map(|v| -v).collect(), 1.0)
    }
}

/// φ and φ′ at one trial step length.
#[derive(Clone, Copy, Debug)]
struct Trial {
    alpha: f64,
    phi: f64,
    dphi: f64,
}

impl Trial {
    fn is_finite(&self) -> bool {
        self.phi.is_finite() && self.dphi.is_finite()
    }
}

/// A point the line search accepts: x + αp with f and g there.
struct Accepted<F> {
    x: Vec<F>,
    g: Vec<F>,
    f: f64,
}

/// φ(α) = f(x + αp), evaluated through the caller's cost into scratch buffers.
struct Phi<'a, F> {
    x: &'a [F],
    p: &'a [f64],
    cost: &'a mut dyn FnMut(&[F], &mut [F]) -> F,
    /// The last trial point and its gradient.
    xt: Vec<F>,
    gt: Vec<F>,
    evaluations: usize,
    budget: usize,
}

impl<F: Real> Phi<'_, F> {
    fn exhausted(&self) -> bool {
        self.evaluations >= self.budget
    }

    fn eval(&mut self, alpha: f64) -> Trial {
        for ((xt, x), p) in self.xt.iter_mut().zip(self.x).zip(self.p) {
            *xt = F::of(x.f64() + alpha * p);
        }
        let phi = (self.cost)(&self.xt, &mut self.gt).f64();
        self.evaluations += 1;
        let dphi = self.gt.iter().zip(self.p).map(|(g, p)| g.f64() * p).sum();
        Trial { alpha, phi, dphi }
    }

    /// The last trial, kept as the answer or as the zoom's best point so far.
    fn snapshot(&self, f: f64) -> Accepted<F> {
        Accepted {
            x: self.xt.clone(),
            g: self.gt.clone(),
            f,
        }
    }
}

/// Strong-Wolfe line search, N&W Alg. 3.5: grow α until a trial brackets a
/// point satisfying both conditions, then [`zoom`] into the bracket. A
/// non-finite trial counts as too long a step, so NaN regions are backed out of.
fn line_search<F: Real>(
    phi: &mut Phi<F>,
    phi0: f64,
    dphi0: f64,
    alpha1: f64,
) -> Option<Accepted<F>> {
    let mut prev = Trial {
        alpha: 0.0,
        phi: phi0,
        dphi: dphi0,
    };
    // The point at `prev` when α > 0 (it satisfies sufficient decrease).
    let mut best: Option<Accepted<F>> = None;
    let mut alpha = alpha1;
    loop {
        if phi.exhausted() {
            return best;
        }
        let t = phi.eval(alpha);
        if !t.is_finite() || !armijo(t, phi0, dphi0) || (prev.alpha > 0.0 && t.phi >= prev.phi) {
            return zoom(phi, phi0, dphi0, prev, t, best);
        }
        if t.dphi.abs() <= -C2 * dphi0 {
            return Some(phi.snapshot(t.phi));
        }
        best = Some(phi.snapshot(t.phi));
        if t.dphi >= 0.0 {
            return zoom(phi, phi0, dphi0, t, prev, best);
        }
        // Still descending: extrapolate by the cubic through prev and t,
        // kept within [α + 0.01(α − α_prev), 10α] (minFunc's bounds).
        let (lo, hi) = (alpha + 0.01 * (alpha - prev.alpha), 10.0 * alpha);
        alpha = match cubic_min(prev, t) {
            Some(c) if c > alpha => c.clamp(lo, hi),
            // No minimiser ahead: the cubic falls without bound, so go far.
            _ => hi,
        };
        prev = t;
    }
}

/// N&W Alg. 3.6: shrink the bracket [lo, hi] (lo: the best trial with
/// sufficient decrease; hi: the other end) by safeguarded cubic interpolation.
/// Out of evaluations, it returns the best sufficient-decrease point, if any.
fn zoom<F: Real>(
    phi: &mut Phi<F>,
    phi0: f64,
    dphi0: f64,
    mut lo: Trial,
    mut hi: Trial,
    mut best: Option<Accepted<F>>,
) -> Option<Accepted<F>> {
    loop {
        let (a, b) = (lo.alpha.min(hi.alpha), lo.alpha.max(hi.alpha));
        let width = b - a;
        if phi.exhausted() || width <= f64::EPSILON * b {
            return best;
        }
        // Interpolation needs finite ends; keep the trial at least 10% of the
        // width inside, so the bracket shrinks geometrically whatever the cubic says.
        let alpha = match (hi.is_finite(), cubic_min(lo, hi)) {
            (true, Some(c)) => c.clamp(a + 0.1 * width, b - 0.1 * width),
            _ => 0.5 * (a + b),
        };
        let t = phi.eval(alpha);
        if !t.is_finite() || !armijo(t, phi0, dphi0) || t.phi >= lo.phi {
            hi = t;
        } else {
            if t.dphi.abs() <= -C2 * dphi0 {
                return Some(phi.snapshot(t.phi));
            }
            if t.dphi * (hi.alpha - lo.alpha) >= 0.0 {
                hi = lo;
            }
            lo = t;
            best = Some(phi.snapshot(t.phi));
        }
    }
}

/// Sufficient decrease: φ(α) ≤ φ(0) + c₁αφ′(0).
fn armijo(t: Trial, phi0: f64, dphi0: f64) -> bool {
    t.phi <= phi0 + C1 * t.alpha * dphi0
}

/// The minimiser of the cubic matching φ and φ′ at two trials (N&W eq. 3.59),
/// or `None` when the cubic has no local minimum.
fn cubic_min(u: Trial, v: Trial) -> Option<f64> {
    let d1 = u.dphi + v.dphi - 3.0 * (u.phi - v.phi) / (u.alpha - v.alpha);
    let disc = d1 * d1 - u.dphi * v.dphi;
    if disc.is_nan() || disc < 0.0 {
        return None;
    }
    let d2 = (v.alpha - u.alpha).signum() * disc.sqrt();
    let alpha = v.alpha - (v.alpha - u.alpha) * (v.dphi + d2 - d1) / (v.dphi - u.dphi + 2.0 * d2);
    alpha.is_finite().then_some(alpha)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y ← y + a·x.
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

fn norm_inf(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
        g[1] = 200.0 * (b - a * a);
        100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2)
    }

    /// Steps until converged or `max` iterations; the iterations taken.
    /// Every step must stay within the evaluation budget.
    fn run<F: Real>(
        lbfgs: &mut Lbfgs<F>,
        theta: &mut [F],
        cost: &mut dyn FnMut(&[F], &mut [F]) -> F,
        max: usize,
    ) -> usize {
        for k in 1..=max {
            let step = lbfgs.step(theta, cost);
            assert!(step.evaluations <= MAX_EVALUATIONS, "{step:?}");
            assert!(theta.iter().all(|t| t.is_finite()));
            if step.converged {
                return k;
            }
        }
        max
    }

    #[test]
    fn lbfgs_minimises_rosenbrock_from_the_classic_start() {
        let mut theta = [-1.2, 1.0];
        let iters = run(&mut Lbfgs::new(MEMORY), &mut theta, &mut rosenbrock, 100);
        assert!(iters < 100, "{iters} iterations");
        assert!(
            (theta[0] - 1.0).abs() < 1e-6 && (theta[1] - 1.0).abs() < 1e-6,
            "{theta:?} after {iters}"
        );
    }

    #[test]
    fn lbfgs_minimises_an_ill_conditioned_quadratic() {
        // ½ Σ aᵢθᵢ² with aᵢ log-spaced over [1, 1e4]: condition number 1e4 and
        // 50 distinct eigenvalues, the hard case for a 10-pair memory. Measured:
        // 739 iterations to `converged` (‖θ‖∞ ≈ 2e-5, f ≈ 5e-10); f has fallen
        // by a factor ≈ 2e3 after 60. (With a near-exact line search and
        // m ≥ 50 it terminates in 49 iterations, as CG theory says.)
        let n = 50;
        let a: Vec<f64> = (0..n)
            .map(|i| 10f64.powf(4.0 * i as f64 / (n - 1) as f64))
            .collect();
        let mut cost = |x: &[f64], g: &mut [f64]| {
            for ((gi, xi), ai) in g.iter_mut().zip(x).zip(&a) {
                *gi = ai * xi;
            }
            0.5 * x.iter().zip(&a).map(|(xi, ai)| ai * xi * xi).sum::<f64>()
        };
        let mut theta: Vec<f64> = (0..n).map(|i| 1.0 + (i % 3) as f64).collect();
        let f0 = cost(&theta, &mut vec![0.0; n]);
        let mut lbfgs = Lbfgs::new(MEMORY);
        run(&mut lbfgs, &mut theta, &mut cost, 60);
        let f60 = cost(&theta, &mut vec![0.0; n]);
        assert!(
            f60 < 1e-3 * f0,
            "f fell only from {f0} to {f60} in 60 iterations"
        );
        let iters = 60 + run(&mut lbfgs, &mut theta, &mut cost, 1000);
        assert!(iters < 1000, "{iters} iterations");
        assert!(norm_inf(&theta) < 1e-4, "‖θ‖∞ = {}", norm_inf(&theta));
        assert!(cost(&theta, &mut vec![0.0; n]) < 1e-8);
    }

    #[test]
    fn lbfgs_two_loop_direction_satisfies_the_newest_secant_equation() {
        // H y = s for the newest pair, whatever the older pairs are.
        let mut lbfgs = Lbfgs::<f64>::new(MEMORY);
        for k in 0..3 {
            let s: Vec<f64> = (0..4).map(|i| ((i * 7 + k * 3) as f64).sin()).collect();
            let y: Vec<f64> = s
                .iter()
                .enumerate()
                .map(|(i, v)| v * (1.0 + i as f64))
                .collect();
            let rho = 1.0 / dot(&s, &y);
            lbfgs.pairs.push_back(Pair { s, y, rho });
        }
        let newest = lbfgs.pairs.back().unwrap().clone();
        let (p, alpha1) = lbfgs.direction(&newest.y);
        assert_eq!(alpha1, 1.0);
        for (pi, si) in p.iter().zip(&newest.s) {
            assert!((pi + si).abs() < 1e-12, "{p:?} vs −{:?}", newest.s);
        }
    }

    #[test]
    fn lbfgs_evaluations_count_every_cost_call_and_reuse_the_last_point() {
        let calls = std::cell::Cell::new(0);
        let mut cost = |x: &[f64], g: &mut [f64]| {
            calls.set(calls.get() + 1);
            rosenbrock(x, g)
        };
        let mut lbfgs = Lbfgs::new(MEMORY);
        let mut theta = [-1.2, 1.0];
        let mut reported = 0;
        for _ in 0..10 {
            reported += lbfgs.step(&mut theta, &mut cost).evaluations;
        }
        // A step starting where the last one ended does not re-evaluate.
        assert_eq!(reported, calls.get());
        // A θ changed from outside is noticed and evaluated afresh.
        theta[0] += 0.1;
        let before = calls.get();
        let step = lbfgs.step(&mut theta, &mut cost);
        assert_eq!(step.evaluations, calls.get() - before);
    }

    #[test]
    fn lbfgs_backs_out_of_a_nan_region_and_still_converges() {
        // Rosenbrock, but NaN wherever a coordinate leaves [−1.2, 1.2]: a
        // trial step on the way from (−1.2, 1) overshoots into it.
        let mut nan_hits = 0;
        let mut cost = |x: &[f64], g: &mut [f64]| {
            if x.iter().any(|v| v.abs() > 1.2) {
                nan_hits += 1;
                g.fill(f64::NAN);
                return f64::NAN;
            }
            rosenbrock(x, g)
        };
        let mut theta = [-1.2, 1.0];
        let iters = run(&mut Lbfgs::new(MEMORY), &mut theta, &mut cost, 100);
        assert!(nan_hits > 0, "the test should reach the NaN region");
        assert!(iters < 100, "{iters} iterations, θ = {theta:?}");
        assert!(
            (theta[0] - 1.0).abs() < 1e-6 && (theta[1] - 1.0).abs() < 1e-6,
            "{theta:?}"
        );
    }

    #[test]
    fn lbfgs_failed_line_search_keeps_theta_and_resets_memory() {
        // Finite only at the start: every trial along p is NaN.
        let start = [0.5f64, -0.25];
        let mut cost = |x: &[f64], g: &mut [f64]| {
            if x == start {
                g.copy_from_slice(&[1.0, -1.0]);
                1.0
            } else {
                g.fill(f64::NAN);
                f64::NAN
            }
        };
        let mut lbfgs = Lbfgs::new(MEMORY);
        lbfgs.pairs.push_back(Pair {
            s: vec![1.0, 0.0],
            y: vec![1.0, 0.0],
            rho: 1.0,
        });
        let mut theta = start;
        let step = lbfgs.step(&mut theta, &mut cost);
        assert_eq!(theta, start);
        assert!(!step.converged);
        assert_eq!(step.value, 1.0);
        assert_eq!(step.evaluations, MAX_EVALUATIONS);
        assert!(lbfgs.pairs.is_empty());
    }

    #[test]
    fn lbfgs_runs_in_f32_without_leaving_finite_values() {
        let mut cost = |x: &[f32], g: &mut [f32]| {
            let x64 = [x[0] as f64, x[1] as f64];
            let mut g64 = [0.0; 2];
            let f = rosenbrock(&x64, &mut g64);
            g[0] = g64[0] as f32;
            g[1] = g64[1] as f32;
            f as f32
        };
        let mut theta = [-1.2f32, 1.0];
        run(&mut Lbfgs::new(MEMORY), &mut theta, &mut cost, 200);
        assert!(
            (theta[0] - 1.0).abs() < 1e-2 && (theta[1] - 1.0).abs() < 2e-2,
            "{theta:?}"
        );
    }

    #[test]
    fn lbfgs_reports_convergence_at_a_stationary_point_without_moving() {
        let mut theta = [1.0, 1.0];
        let step = Lbfgs::new(MEMORY).step(&mut theta, &mut rosenbrock);
        assert!(step.converged);
        assert_eq!((step.value, step.evaluations), (0.0, 1));
        assert_eq!(theta, [1.0, 1.0]);
    }

    #[test]
    fn lbfgs_is_send() {
        fn send<T: Send>() {}
        send::<Lbfgs<f32>>();
        send::<Lbfgs<f64>>();
    }

    #[test]
    fn cubic_min_is_exact_for_a_quadratic() {
        // φ(α) = (α − 2)²: the interpolating cubic is φ itself.
        let at = |alpha: f64| Trial {
            alpha,
            phi: (alpha - 2.0).powi(2),
            dphi: 2.0 * (alpha - 2.0),
        };
        let c = cubic_min(at(0.0), at(5.0)).unwrap();
        assert!((c - 2.0).abs() < 1e-12, "{c}");
    }
}
