//! Denoising corruption: X̃ from the clean X, with fresh noise from an explicit
//! RNG each time a sample is seen. The target stays the clean X.

use super::Real;
use ndarray::Array2;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CorruptionKind {
    None,
    /// Each input set to 0 with probability q.
    Mask,
    /// x + σ·N(0, 1).
    Gaussian,
    /// Each input set to 0 or 1 (equally likely) with probability q.
    SaltPepper,
}

impl CorruptionKind {
    pub const ALL: [CorruptionKind; 4] = [Self::None, Self::Mask, Self::Gaussian, Self::SaltPepper];

    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Mask => "mask",
            Self::Gaussian => "gaussian",
            Self::SaltPepper => "salt-pepper",
        }
    }

    /// What `level` means for this kind.
    pub fn level_name(self) -> &'static str {
        match self {
            Self::Gaussian => "σ",
            _ => "q",
        }
    }
}

/// A corruption process: the kind and its level (q, or σ for gaussian).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Corruption {
    pub kind: CorruptionKind,
    pub level: f64,
}

impl Corruption {
    pub const NONE: Corruption = Corruption {
        kind: CorruptionKind::None,
        level: 0.0,
    };

    /// Whether this corruption leaves the input as it is.
    pub fn is_identity(&self) -> bool {
        self.kind == CorruptionKind::None || self.level == 0.0
    }

    /// X̃ for a batch X (m × inputs), drawing from `rng`.
    pub fn apply<F: Real, R: Rng + ?Sized>(&self, x: &Array2<F>, rng: &mut R) -> Array2<F> {
        let mut out = Array2::zeros(x.raw_dim());
        self.apply_into(x, &mut out, rng);
        out
    }

    /// X̃ into `out`, reshaped only if its shape differs from X's: a training
    /// loop keeps `out` from one step to the next (and, when
    /// [`is_identity`](Self::is_identity), passes X itself instead).
    pub fn apply_into<F: Real, R: Rng + ?Sized>(
        &self,
        x: &Array2<F>,
        out: &mut Array2<F>,
        rng: &mut R,
    ) {
        if out.dim() != x.dim() {
            *out = Array2::zeros(x.raw_dim());
        }
        out.assign(x);
        if self.is_identity() {
            return;
        }
        let q = self.level;
        match self.kind {
            CorruptionKind::None => {}
            CorruptionKind::Mask => {
                let hit = coin(q);
                out.mapv_inplace(|v| if hit(rng.next_u32()) { F::zero() } else { v })
            }
            CorruptionKind::Gaussian => out.mapv_inplace(|v| {
                let n: f64 = rng.sample(StandardNormal);
                v + F::of(q * n)
            }),
            CorruptionKind::SaltPepper => {
                let hit = coin(q);
                out.mapv_inplace(|v| {
                    let r = rng.next_u32();
                    // The top bit picks salt or pepper; the rest decides whether to hit.
                    match hit(r << 1) {
                        true if r >> 31 == 1 => F::one(),
                        true => F::zero(),
                        false => v,
                    }
                })
            }
        }
    }
}

/// A test that a uniform u32 falls below q: one 32-bit draw a pixel is
/// half the random bits of an f64 and needs no conversion (the mask is
/// the hot path of a denoising step). q is resolved to 2⁻³², ample here.
fn coin(q: f64) -> impl Fn(u32) -> bool {
    let threshold = (q.clamp(0.0, 1.0) * 4_294_967_296.0) as u64;
    move |r| u64::from(r) < threshold
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn mask_zeroes_about_q_of_the_inputs() {
        let x = Array2::<f32>::ones((100, 100));
        let mut rng = StdRng::seed_from_u64(1);
        let c = Corruption {
            kind: CorruptionKind::Mask,
            level: 0.3,
        };
        let zeros = c.apply(&x, &mut rng).iter().filter(|&&v| v == 0.0).count();
        assert!((2700..3300).contains(&zeros), "{zeros}");
    }

    #[test]
    fn level_zero_is_the_identity() {
        let x = Array2::from_shape_fn((4, 5), |(i, j)| (i + j) as f64);
        let mut rng = StdRng::seed_from_u64(1);
        for kind in CorruptionKind::ALL {
            assert_eq!(Corruption { kind, level: 0.0 }.apply(&x, &mut rng), x);
        }
    }
}
