//! Checks and analyses of trained models: the gradient check, PCA against
//! the linear autoencoder, the encoder Jacobian, how local filters are, and
//! a VAE's ELBO, anomaly scores by reconstruction error.

pub mod anomaly;
pub mod elbo;
pub mod gradcheck;
pub mod jacobian;
pub mod locality;
pub mod pca;
pub mod probe;
pub mod sensitivity;
