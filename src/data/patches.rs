//! Random square patches of photographs, the input of the CS294A sparse
//! autoencoder exercise: an image chosen uniformly, then a position uniformly.

use super::Dataset;
use super::error::{DataError, Result};
use super::images::{Grey, grey, list};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::path::Path;

/// `count` patches of `patch`×`patch` grey pixels in [0, 1], fixed by `seed`.
pub fn patches(path: &Path, patch: usize, count: usize, seed: u64) -> Result<Dataset> {
    let listing = list(path)?;
    let images = listing
        .files
        .iter()
        .map(|file| {
            let img = grey(file)?;
            if (img.width() as usize) < patch || (img.height() as usize) < patch {
                return Err(DataError::ImageTooSmall {
                    path: file.clone(),
                    width: img.width(),
                    height: img.height(),
                    patch,
                });
            }
            Ok(img)
        })
        .collect::<Result<Vec<Grey>>>()?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Array2::zeros((count, patch * patch));
    for mut row in x.rows_mut() {
        let img = &images[rng.random_range(0..images.len())];
        let top = rng.random_range(0..=img.height() as usize - patch);
        let left = rng.random_range(0..=img.width() as usize - patch);
        for r in 0..patch {
            for c in 0..patch {
                row[r * patch + c] = img.get_pixel((left + c) as u32, (top + r) as u32).0[0];
            }
        }
    }
    let name = format!(
        "{count} patches {patch}x{patch} of {} image{}",
        images.len(),
        if images.len() == 1 { "" } else { "s" }
    );
    Ok(Dataset::new(name, x, (patch, patch), None))
}
