//! The forward pass into reused buffers: two products through
//! [`linalg::gemm`](super::linalg::gemm), each followed by one fused
//! elementwise pass ([`kernels`](super::kernels)), and the per-unit
//! statistics (ρ̂, mean g'², Jacobian shares) from column sums.

use super::autoencoder::{Objective, Params, ParamsRef};
use super::kernels::{self, column_sums};
use super::linalg::{self, Op, gemm_on};
use super::penalty::top_k_mask_into;
use super::rows::CodeRows;
use super::sparse;
use super::{Activation, Real};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, s};
use std::ops::Range;

/// The forward pass of one batch, kept for the gradient and for statistics.
#[derive(Clone, Debug)]
pub struct Cache<F> {
    /// Encoder pre-activation Z1 (m × hidden).
    pub z1: Array2<F>,
    /// g'(Z1), before the k-sparse mask.
    pub gprime: Array2<F>,
    /// Codes H (m × hidden), after the k-sparse mask.
    pub h: Array2<F>,
    /// k-sparse mask (m × hidden), if on.
    pub mask: Option<Array2<F>>,
    /// Decoder pre-activation Z2 and reconstruction X̂ (m × inputs).
    pub z2: Array2<F>,
    pub x_hat: Array2<F>,
    /// ρ̂_j: each unit's mean activation over the batch, mapped into (0, 1) for tanh.
    pub rho_hat: Array1<F>,
    /// (1/m) Σ_i g'(z_ij)² for each unit j (after the k-sparse mask).
    pub gprime_sq_mean: Array1<F>,
    /// Each unit's share of the mean ‖J‖²_F: (1/m) Σ_i g'(z_ij)² ‖W1[j]‖².
    pub jacobian_units: Array1<F>,
    /// A VAE's latent and decoder layers (`None` for an autoencoder).
    pub vae: Option<super::vae::VaeCache<F>>,
}

impl<F: Real> Default for Cache<F> {
    fn default() -> Self {
        let empty = || Array2::zeros((0, 0));
        Cache {
            z1: empty(),
            gprime: empty(),
            h: empty(),
            mask: None,
            z2: empty(),
            x_hat: empty(),
            rho_hat: Array1::zeros(0),
            gprime_sq_mean: Array1::zeros(0),
            jacobian_units: Array1::zeros(0),
            vae: None,
        }
    }
}

/// `a` with shape `shape`: kept as it is when it has it (the usual case from
/// one step to the next), else new (a smaller last batch, a new model).
pub(crate) fn fit2<F: Real>(a: &mut Array2<F>, shape: (usize, usize)) {
    if a.dim() != shape {
        *a = Array2::zeros(shape);
    }
}

pub(crate) fn fit1<F: Real>(a: &mut Array1<F>, len: usize) {
    if a.len() != len {
        *a = Array1::zeros(len);
    }
}

impl<F: Real> Cache<F> {
    /// Every row of the encoder's buffers (reading X̃), and X̂'s.
    pub(crate) fn rows<'a>(
        &'a mut self,
        x_tilde: ArrayView2<'a, F>,
    ) -> (CodeRows<'a, F>, &'a mut [F]) {
        let code = CodeRows {
            x_tilde,
            z1: flat(&mut self.z1),
            gprime: flat(&mut self.gprime),
            h: flat(&mut self.h),
            mask: self.mask.as_mut().map(flat),
            z2: flat(&mut self.z2),
            sparse: None,
        };
        (code, flat(&mut self.x_hat))
    }

    /// Shapes every buffer for a batch of `m` samples; allocates only on a change.
    fn fit(&mut self, m: usize, inputs: usize, hidden: usize, masked: bool) {
        for a in [&mut self.z1, &mut self.gprime, &mut self.h] {
            fit2(a, (m, hidden));
        }
        fit2(&mut self.z2, (m, inputs));
        fit2(&mut self.x_hat, (m, inputs));
        match (&mut self.mask, masked) {
            (Some(mask), true) => fit2(mask, (m, hidden)),
            (None, true) => self.mask = Some(Array2::zeros((m, hidden))),
            (mask, false) => *mask = None,
        }
        for a in [
            &mut self.rho_hat,
            &mut self.gprime_sq_mean,
            &mut self.jacobian_units,
        ] {
            fit1(a, hidden);
        }
    }
}

impl Objective {
    /// Forward pass on the corrupted batch X̃ (m × inputs), into a new cache.
    pub fn forward<F: Real>(&self, params: &Params<F>, x_tilde: &Array2<F>) -> Cache<F> {
        let mut cache = Cache::default();
        self.forward_into(params, x_tilde, &mut cache);
        cache
    }

    /// Forward pass into `cache`, reusing its buffers (no allocation when
    /// the batch shape is the last one's).
    pub fn forward_into<F: Real>(
        &self,
        params: &Params<F>,
        x_tilde: &Array2<F>,
        cache: &mut Cache<F>,
    ) {
        if params.arch.is_vae() {
            return self.vae_forward_into(params.borrowed(), x_tilde, cache);
        }
        self.encode_into(params.borrowed(), x_tilde, cache);
        let b2 = params.views().b2;
        let b2 = b2.as_slice().expect("θ is contiguous");
        kernels::decode(
            self.decoder,
            flat(&mut cache.z2),
            b2,
            flat(&mut cache.x_hat),
        );
    }

    /// Everything of the forward pass but the decoder's elementwise pass:
    /// Z1, H, g', the mask, the statistics, and Z2 without its bias.
    pub(crate) fn encode_into<F: Real>(
        &self,
        params: ParamsRef<F>,
        x_tilde: &Array2<F>,
        cache: &mut Cache<F>,
    ) {
        let m = x_tilde.nrows();
        self.fit(params, m, cache);
        let (mut rows, _) = cache.rows(x_tilde.view());
        self.encode_rows(params, &mut rows, linalg::threads());
        self.unit_statistics(params, cache, m, super::backward::splits(params.arch, m));
    }

    /// Shapes `cache` for a batch of `m` (allocating only on a change).
    pub(crate) fn fit<F: Real>(&self, params: ParamsRef<F>, m: usize, cache: &mut Cache<F>) {
        let (arch, k) = (params.arch, self.penalties.k_sparse);
        cache.fit(m, arch.inputs, arch.hidden, k > 0 && k < arch.hidden);
    }

    /// The encoder on some rows of the batch, its products on up to
    /// `threads` threads: Z1, H, g', the mask, and Z2 without its bias.
    pub(crate) fn encode_rows<F: Real>(
        &self,
        params: ParamsRef<F>,
        rows: &mut CodeRows<F>,
        threads: usize,
    ) {
        let v = params.views();
        let (r, hidden) = (rows.rows(), params.arch.hidden);
        let b1 = v.b1.as_slice().expect("θ is contiguous");
        match rows.sparse.as_mut() {
            Some(s) => {
                let nz = &mut s.lists[0];
                nz.gather(rows.x_tilde, s.first_row);
                sparse::codes(nz, s.w1t, hidden, rows.z1);
            }
            None => {
                let z1 = ArrayViewMut2::from_shape((r, hidden), &mut *rows.z1).expect("rows");
                gemm_on(threads, z1, rows.x_tilde, Op::N, v.w1, Op::T, false);
            }
        }
        // g'(Z1) from the codes before the mask (the mask zeroes its uses).
        kernels::encode(self.encoder, rows.z1, b1, rows.h, rows.gprime);
        if let Some(mask) = rows.mask.as_deref_mut() {
            let z1 = ArrayView2::from_shape((r, hidden), &*rows.z1).expect("rows");
            let mask_view = ArrayViewMut2::from_shape((r, hidden), &mut *mask).expect("rows");
            top_k_mask_into(z1, self.penalties.k_sparse, mask_view);
            rows.h
                .iter_mut()
                .zip(mask.iter())
                .for_each(|(h, &k)| *h *= k);
        }
        let h = ArrayView2::from_shape((r, hidden), &*rows.h).expect("rows");
        let z2 = ArrayViewMut2::from_shape((r, params.arch.inputs), &mut *rows.z2).expect("rows");
        match v.w2 {
            Some(w2) => gemm_on(threads, z2, h, Op::N, w2, Op::T, false),
            None => gemm_on(threads, z2, h, Op::N, v.w1, Op::N, false),
        }
    }

    /// ρ̂, the mean g'² and each unit's share of ‖J‖²_F, from column sums:
    /// on two threads, half of the units each, when `split`.
    pub(crate) fn unit_statistics<F: Real>(
        &self,
        params: ParamsRef<F>,
        cache: &mut Cache<F>,
        m: usize,
        split: bool,
    ) {
        match self.unit_statistics_jobs(params, cache, m, split).0 {
            (a, Some(b)) => rayon::join(|| a.run(), || b.run()),
            (all, None) => (all.run(), ()),
        };
    }

    /// [`unit_statistics`](Self::unit_statistics) as one job per half of
    /// the units when `split` (else one), to run on any thread, and the
    /// codes H they read.
    pub(crate) fn unit_statistics_jobs<'a, F: Real>(
        &'a self,
        params: ParamsRef<'a, F>,
        cache: &'a mut Cache<F>,
        m: usize,
        split: bool,
    ) -> (StatsJobs<'a, F>, ArrayView2<'a, F>) {
        let (n, hidden) = (params.arch.inputs, params.arch.hidden);
        let w1 = params.views().w1;
        let w1 = w1.to_slice().expect("θ is contiguous");
        let Cache {
            h,
            gprime,
            mask,
            rho_hat,
            gprime_sq_mean,
            jacobian_units,
            ..
        } = cache;
        let codes = Codes {
            h: h.view(),
            gprime: gprime.view(),
            mask: mask.as_ref().map(|k| k.view()),
        };
        let all = UnitStats {
            w1,
            rho: flat1(rho_hat),
            gsq: flat1(gprime_sq_mean),
            jacobian: flat1(jacobian_units),
        };
        let job = |units, out| UnitStatsJob {
            objective: self,
            codes,
            m,
            units,
            out,
        };
        let jobs = if split {
            let cut = hidden / 2;
            let (a, b) = all.split_at(cut, n);
            (job(0..cut, a), Some(job(cut..hidden, b)))
        } else {
            (job(0..hidden, all), None)
        };
        (jobs, codes.h)
    }

    /// [`unit_statistics`](Self::unit_statistics) of the hidden units
    /// `units` (`out` holds theirs). For tanh, ρ̂ maps codes by (h + 1) / 2,
    /// a masked unit counting as off: Σ_i mask_ij (h_ij + 1) / 2 =
    /// (Σ_i h_ij + kept_j) / 2 (h is 0 where masked).
    fn unit_statistics_of<F: Real>(
        &self,
        codes: &Codes<F>,
        m: usize,
        units: Range<usize>,
        out: UnitStats<F>,
    ) {
        let inv_m = F::one() / F::of(m.max(1) as f64);
        let UnitStats {
            w1,
            rho,
            gsq,
            jacobian,
        } = out;
        fn of<'a, F>(a: ArrayView2<'a, F>, units: &Range<usize>) -> ArrayView2<'a, F> {
            a.slice_move(s![.., units.clone()])
        }
        let columns = |a| of(a, &units);
        column_sums(columns(codes.h), rho, |h| h);
        match codes.mask {
            None => column_sums(columns(codes.gprime), gsq, |g| g * g),
            Some(mask) => {
                gsq.fill(F::zero());
                for (g, keep) in columns(codes.gprime)
                    .rows()
                    .into_iter()
                    .zip(columns(mask).rows())
                {
                    for ((s, &g), &keep) in gsq.iter_mut().zip(g).zip(keep) {
                        *s += g * g * keep;
                    }
                }
            }
        }
        if self.encoder == Activation::Tanh {
            let half = F::of(0.5);
            match codes.mask {
                None => rho
                    .iter_mut()
                    .for_each(|r| *r = (*r + F::of(m as f64)) * half),
                Some(mask) => {
                    // `jacobian` holds the kept counts until it is written below.
                    column_sums(columns(mask), jacobian, |k| k);
                    for (r, &k) in rho.iter_mut().zip(jacobian.iter()) {
                        *r = (*r + k) * half;
                    }
                }
            }
        }
        rho.iter_mut().for_each(|r| *r *= inv_m);
        gsq.iter_mut().for_each(|g| *g *= inv_m);
        kernels::row_norms2_into(w1, jacobian);
        for (u, &g) in jacobian.iter_mut().zip(gsq.iter()) {
            *u *= g;
        }
    }
}

/// The unit statistics' jobs: all units, or two halves.
pub(crate) type StatsJobs<'a, F> = (UnitStatsJob<'a, F>, Option<UnitStatsJob<'a, F>>);

/// Some hidden units' statistics to compute, on whichever thread takes
/// the job (a stripe of the weights' gradients takes its units').
pub(crate) struct UnitStatsJob<'a, F> {
    objective: &'a Objective,
    codes: Codes<'a, F>,
    m: usize,
    pub units: Range<usize>,
    out: UnitStats<'a, F>,
}

impl<F: Real> UnitStatsJob<'_, F> {
    pub fn run(self) {
        (self.objective).unit_statistics_of(&self.codes, self.m, self.units, self.out);
    }
}

/// The codes a unit's statistics are summed from (m × hidden each).
#[derive(Clone, Copy)]
struct Codes<'a, F> {
    h: ArrayView2<'a, F>,
    gprime: ArrayView2<'a, F>,
    mask: Option<ArrayView2<'a, F>>,
}

/// Some hidden units' rows of W1 and their statistics.
struct UnitStats<'a, F> {
    w1: &'a [F],
    rho: &'a mut [F],
    gsq: &'a mut [F],
    jacobian: &'a mut [F],
}

impl<'a, F> UnitStats<'a, F> {
    /// The first `at` units (of `n` inputs a row of W1) and the rest.
    fn split_at(self, at: usize, n: usize) -> (Self, Self) {
        let (wa, wb) = self.w1.split_at(at * n);
        let (ra, rb) = self.rho.split_at_mut(at);
        let (ga, gb) = self.gsq.split_at_mut(at);
        let (ja, jb) = self.jacobian.split_at_mut(at);
        let a = UnitStats {
            w1: wa,
            rho: ra,
            gsq: ga,
            jacobian: ja,
        };
        let b = UnitStats {
            w1: wb,
            rho: rb,
            gsq: gb,
            jacobian: jb,
        };
        (a, b)
    }
}

/// The elements of an array the buffers own (standard layout) as one slice.
pub(crate) fn flat<F>(a: &mut Array2<F>) -> &mut [F] {
    a.as_slice_mut().expect("a buffer is in standard layout")
}

pub(crate) fn flat_ref<F>(a: &Array2<F>) -> &[F] {
    a.as_slice().expect("a buffer is in standard layout")
}

pub(crate) fn flat1<F>(a: &mut Array1<F>) -> &mut [F] {
    a.as_slice_mut().expect("a buffer is contiguous")
}

pub(crate) fn flat_ref1<F>(a: &Array1<F>) -> &[F] {
    a.as_slice().expect("a buffer is contiguous")
}
