//! What the training step does with each piece of the gradient as soon as
//! it is computed: an optimiser's update over θ, cut into the pieces that
//! each thread computes (`backward.rs`), so that the update reads the
//! gradient while it is still in cache. The model knows no optimiser: it
//! only cuts and applies ([`optim::Stretch`](crate::optim::Stretch) is the
//! one implementation).

/// An update over a stretch of θ, in θ's layout.
pub trait Update<F>: Send + Sized {
    /// The update of the first `at` parameters, and that of the rest.
    fn split_at(self, at: usize) -> (Self, Self);
    /// Updates the stretch from its gradient (as long as the stretch).
    /// Returns whether what it wrote is all finite.
    fn apply(self, grad: &[F]) -> bool;
}

/// The gradient alone (checks, analyses, L-BFGS): nothing is updated.
pub struct NoUpdate;

impl<F> Update<F> for NoUpdate {
    fn split_at(self, _at: usize) -> (Self, Self) {
        (NoUpdate, NoUpdate)
    }

    fn apply(self, _grad: &[F]) -> bool {
        true
    }
}
