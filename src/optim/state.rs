//! What a first-order optimiser carries from step to step besides θ and its
//! rate (moments, velocity, the step count), taken out and put back whole so
//! that a resumed run takes the very same steps.

use serde::{Deserialize, Serialize};

/// An optimiser's buffers (each as long as θ) and its step count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState<F> {
    pub buffers: Vec<Vec<F>>,
    pub steps: u64,
}

/// A saved state that does not fit the optimiser it is given to.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the optimiser state holds {found}, but this optimiser needs {expected}")]
pub struct StateMismatch {
    pub found: String,
    pub expected: String,
}

impl<F> OptimizerState<F> {
    /// The buffers, if there are as many as `lens` and each has its length.
    pub fn into_buffers(self, lens: &[usize]) -> Result<Vec<Vec<F>>, StateMismatch> {
        let shape = |ls: Vec<usize>| format!("{} buffer(s) of length {ls:?}", ls.len());
        let found: Vec<usize> = self.buffers.iter().map(Vec::len).collect();
        if found != lens {
            return Err(StateMismatch {
                found: shape(found),
                expected: shape(lens.to_vec()),
            });
        }
        Ok(self.buffers)
    }
}
