//! Named variants of the lecture: each sets the defaults of the regularisers,
//! the corruption and weight tying; a preset's own keys override them.

use super::{Corruption, CorruptionKind, Penalties, Sparsity};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    Vanilla,
    Denoising,
    Sparse,
    Contractive,
    Tied,
    WeightDecay,
    KSparse,
    /// The variational autoencoder (`vae.rs`): another shape of model, so
    /// not among the variants `v` cycles through.
    Vae,
}

/// What a variant sets before the preset's own keys are applied.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VariantDefaults {
    pub penalties: Penalties,
    pub corrupt: Corruption,
    pub tied: bool,
}

impl Variant {
    pub const ALL: [Variant; 7] = [
        Self::Vanilla,
        Self::Denoising,
        Self::Sparse,
        Self::Contractive,
        Self::Tied,
        Self::WeightDecay,
        Self::KSparse,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Vanilla => "vanilla",
            Self::Denoising => "denoising",
            Self::Sparse => "sparse",
            Self::Contractive => "contractive",
            Self::Tied => "tied",
            Self::WeightDecay => "weight-decay",
            Self::KSparse => "k-sparse",
            Self::Vae => "vae",
        }
    }

    /// The lecture's defaults for this variant.
    pub fn defaults(self) -> VariantDefaults {
        let mut d = VariantDefaults {
            penalties: Penalties::default(),
            corrupt: Corruption::NONE,
            tied: false,
        };
        match self {
            Self::Vanilla => {}
            // Vincent et al.: mask a quarter of the inputs.
            Self::Denoising => {
                d.corrupt = Corruption {
                    kind: CorruptionKind::Mask,
                    level: 0.25,
                }
            }
            // CS294A: ρ = 0.05, β = 3.
            Self::Sparse => {
                d.penalties.sparsity = Some(Sparsity {
                    rho: 0.05,
                    beta: 3.0,
                })
            }
            // Rifai et al. report λ_c around 0.1 for sigmoid codes on MNIST.
            Self::Contractive => d.penalties.contractive = 0.1,
            Self::Tied => d.tied = true,
            // CS294A's MNIST exercise uses λ = 3e-3.
            Self::WeightDecay => d.penalties.weight_decay = 3e-3,
            // Makhzani & Frey keep k = 25 codes.
            Self::KSparse => d.penalties.k_sparse = 25,
            // Kingma & Welling: the ELBO itself, β = 1.
            Self::Vae => d.penalties.kl = 1.0,
        }
        d
    }

    /// The next (or previous) variant, cycling, for the `v`/`V` keys (a
    /// VAE's next is the first autoencoder variant, which `rules` refuses).
    pub fn cycle(self, forward: bool) -> Variant {
        let i = Self::ALL.iter().position(|&v| v == self).unwrap_or(0);
        let n = Self::ALL.len();
        Self::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}
