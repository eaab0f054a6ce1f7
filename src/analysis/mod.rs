//! Checks and analyses of trained models: the gradient check, PCA against
//! the linear autoencoder, the encoder Jacobian, and how local filters are.

pub mod gradcheck;
pub mod jacobian;
pub mod locality;
pub mod pca;
pub mod probe;
