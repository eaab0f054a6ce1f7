//! The buffers of a training step, kept from one step to the next so that
//! the step allocates nothing: the forward pass's [`Cache`] and the
//! backward pass's intermediate arrays.
//!
//! The allocation-free step is
//! [`Objective::value_and_gradient_into`](super::Objective::value_and_gradient_into)
//! `(&params, &x, &x_tilde, &mut grad, &mut workspace)`, one `Workspace` per
//! model kept beside its gradient buffer; afterwards `workspace.cache`
//! holds the batch's forward pass for statistics and snapshots.

use super::Real;
use super::forward::Cache;
use super::sparse::SparseInput;
use ndarray::{Array1, Array2};

#[derive(Clone, Debug)]
pub struct Workspace<F> {
    /// The last batch's forward pass.
    pub cache: Cache<F>,
    /// ∂J/∂Z2 (m × inputs).
    pub(crate) dz2: Array2<F>,
    /// ∂J/∂H, then ∂J/∂Z1 in place (m × hidden).
    pub(crate) dh: Array2<F>,
    /// Per unit: what the KL term adds to ∂J/∂h_ij (the same for every i).
    pub(crate) d_rho: Array1<F>,
    /// Per unit: ‖W1[j]‖² (the contractive term's gradient needs it).
    pub(crate) norms: Array1<F>,
    /// Ones (m × hidden's row) standing for "no k-sparse mask".
    pub(crate) ones: Array1<F>,
    /// W1ᵀ and X̃'s nonzeros, for a mostly-zero batch.
    pub(crate) sparse: SparseInput<F>,
}

impl<F: Real> Default for Workspace<F> {
    fn default() -> Self {
        Workspace {
            cache: Cache::default(),
            dz2: Array2::zeros((0, 0)),
            dh: Array2::zeros((0, 0)),
            d_rho: Array1::zeros(0),
            norms: Array1::zeros(0),
            ones: Array1::zeros(0),
            sparse: SparseInput::default(),
        }
    }
}

impl<F: Real> Workspace<F> {
    /// Empty buffers: the first step shapes them.
    pub fn new() -> Self {
        Self::default()
    }
}
