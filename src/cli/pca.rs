//! `aelab pca PRESET`: PCA of the normalised data against a linear
//! autoencoder with k = model.hidden trained to convergence.

use super::{load_data, load_preset};
use crate::analysis::pca::{pca, principal_cosines, projection_error, train_linear_ae};
use crate::progress::Progress;
use anyhow::Result;

/// L-BFGS iterations at most; the digits converge in far fewer.
const MAX_ITERATIONS: usize = 5000;

pub fn run(preset: &str, sets: &[String]) -> Result<()> {
    let preset = load_preset(preset, sets)?;
    let (train, val) = load_data(&preset)?;
    let k = preset.models[0].hidden;
    // PCA on every sample (training and validation) of the preset's data.
    let mut all = train;
    all.x.append(ndarray::Axis(0), val.x.view())?;
    let x = all.pca_normalised();
    super::say!(
        "{}: {} samples of {} inputs, centred and divided by √m; k = {k}",
        all.name,
        x.nrows(),
        x.ncols()
    );
    let p = pca(&x, k)?;
    let total: f64 = p.singular_values.iter().map(|s| s * s).sum();
    let pca_error = projection_error(&x, &p.components);
    super::say!(
        "PCA (SVD): rank-{k} error Σ‖x − x̂‖² = {pca_error:.6} ({:.2}% of the variance left out)",
        100.0 * pca_error / total
    );
    // Train on √m·X (the centred data) so the objective's scale is the pixels'; errors are reported on X.
    let scale = (x.nrows() as f64).sqrt();
    let centred = &x * scale;
    let mut progress = Progress::new("L-BFGS", MAX_ITERATIONS as u64);
    let ae = train_linear_ae(&centred, k, preset.seed, MAX_ITERATIONS, |i| {
        progress.set(i as u64)
    });
    progress.finish();
    let ae_error = ae.error(&centred) / (scale * scale);
    super::say!(
        "linear autoencoder (L-BFGS, {} iterations, {}): error = {ae_error:.6} ({:+.3}% vs PCA)",
        ae.iterations,
        if ae.converged {
            "converged"
        } else {
            "iteration limit"
        },
        100.0 * (ae_error - pca_error) / pca_error
    );
    let cosines = principal_cosines(&ae.decoder(), &p.components)?;
    let shown: Vec<String> = cosines.iter().map(|c| format!("{c:.4}")).collect();
    super::say!(
        "cosines of the principal angles (decoder span vs top-{k} PCA): {}",
        shown.join(" ")
    );
    let min_cos = cosines.iter().copied().fold(f64::INFINITY, f64::min);
    super::say!("pca_error={pca_error:.6} ae_error={ae_error:.6} min_cos={min_cos:.6}");
    Ok(())
}
