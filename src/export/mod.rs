//! `aelab export`: what a trained preset learned, as files people keep —
//! PNG pictures of the filters, the reconstructions, the code space and the
//! training curves (one file each, drawn through `picture`), and the
//! weights and codes as NumPy arrays. The trainer is driven through its
//! public API only; `record.rs` trains while keeping the curves.

// The worst reconstructed samples, for `aelab anomalies` (not a `Request`: it needs the scores).
pub mod anomalies;
mod arrays;
mod codes;
mod curves;
mod filters;
mod layout;
mod recon;
mod record;

pub use filters::Selection;
pub use record::{Curves, preset_steps, train_recording};

use crate::analysis::pca::PcaReference;
use crate::picture::{self, Canvas};
use crate::train::{Snapshot, Trainer};
use anyhow::Result;
use std::path::PathBuf;

/// Which files to write (each `None` is skipped).
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub filters: Option<PathBuf>,
    pub selection: Selection,
    pub recon: Option<PathBuf>,
    pub codes: Option<PathBuf>,
    pub curves: Option<PathBuf>,
    pub weights: Option<PathBuf>,
    pub codes_npy: Option<PathBuf>,
}

impl Request {
    /// Whether any file is asked for.
    pub fn is_empty(&self) -> bool {
        [
            &self.filters,
            &self.recon,
            &self.codes,
            &self.curves,
            &self.weights,
            &self.codes_npy,
        ]
        .iter()
        .all(|p| p.is_none())
    }
}

/// For a linear autoencoder (pca-digits), the top-k principal components
/// of its training data (k × inputs), to draw beside its filters.
fn pca_components(trainer: &Trainer) -> Option<ndarray::Array2<f32>> {
    let base = trainer.configs().first().copied()?;
    let linear = |a| a == crate::model::Activation::Linear;
    if !(linear(base.encoder) && linear(base.decoder)) {
        return None;
    }
    let reference = PcaReference::of(&trainer.train_set().x, base.hidden)?;
    Some(reference.components.t().mapv(|v| v as f32))
}

/// Writes every file of `request` for the models of `trainer` as they are
/// now; `curves` is what `train_recording` kept. Returns the files written.
pub fn write(trainer: &mut Trainer, curves: &Curves, request: &Request) -> Result<Vec<PathBuf>> {
    let snapshot = trainer.snapshot();
    let mut written = Vec::new();
    let mut png = |path: &Option<PathBuf>, draw: &dyn Fn(&Snapshot) -> Result<Canvas>| {
        if let Some(path) = path {
            picture::save_png(path, &draw(&snapshot)?.into_image())?;
            written.push(path.clone());
        }
        Ok::<(), anyhow::Error>(())
    };
    let pca = pca_components(trainer);
    png(&request.filters, &|s| {
        filters::draw(s, request.selection, pca.as_ref())
    })?;
    png(&request.recon, &|s| Ok(recon::draw(s)))?;
    png(&request.codes, &codes::draw)?;
    png(&request.curves, &|s| curves::draw(s, curves))?;
    if let Some(path) = &request.weights {
        arrays::write_weights(path, trainer)?;
        written.push(path.clone());
    }
    if let Some(path) = &request.codes_npy {
        written.extend(arrays::write_codes(path, trainer)?);
    }
    Ok(written)
}
