//! Checks and analyses of trained models: the gradient check, PCA against
//! the linear autoencoder, and the encoder Jacobian.

pub mod gradcheck;
pub mod jacobian;
pub mod pca;
pub mod probe;
