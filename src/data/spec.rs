//! The `[data]` table of a preset: where the samples come from and how they
//! are prepared. Serde only; the seed comes from the preset (`load_seeded`).

use super::error::DataError;
use super::preprocess::Preprocess;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where the samples come from (`source = "…"` in a preset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// MNIST in IDX format; bundled: the 10,000-image test set.
    #[default]
    Mnist,
    /// The 8x8 UCI digits (scikit-learn's copy), bundled as CSV.
    Digits,
    /// Any IDX images file (or a folder holding one), labels beside it optional.
    Idx,
    /// A numeric CSV table.
    Csv,
    /// Photographs: random square patches (bundled: `data/images`), or with
    /// `patch = 0` a folder of images as samples (labels from sub-folders).
    Images,
    /// A NumPy `.npy` array: 2-D (samples, inputs) or 3-D (samples, rows, cols).
    Npy,
    /// Points along a closed curve embedded in `dim` dimensions, plus noise.
    Toy,
}

/// Every field has a default; the ones a source does not use are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSpec {
    pub source: Source,
    /// File or folder; optional for the bundled sets.
    pub path: Option<PathBuf>,
    /// Use only the first `limit` samples.
    pub limit: Option<usize>,
    /// Held-out fraction, in [0, 1).
    pub validation: f64,
    /// images: side of the square patches (unset: 8, or whole images when
    /// `size` is set); 0: whole images as samples.
    pub patch: Option<usize>,
    /// images: how many patches to draw.
    pub patches: usize,
    /// images, whole-image mode: `[rows, cols]` every image is resized to
    /// (default: the first image's size).
    pub size: Option<[usize; 2]>,
    /// none | unit | mean | pca-whiten | zca-whiten | cs294a (default:
    /// cs294a for image patches, unit for the rest).
    pub preprocess: Option<Preprocess>,
    /// Whitening regulariser, relative to the mean pixel variance.
    pub epsilon: f64,
    /// toy: number of points.
    pub samples: usize,
    /// toy: dimension of the space the curve is embedded in.
    pub dim: usize,
    /// toy: standard deviation of the Gaussian noise added to each coordinate.
    pub noise: f64,
    /// Keep only the samples of these classes (labels), e.g. `[0, 1, 2, 3, 4]`:
    /// the "normal" data of `aelab anomalies`, which scores the other classes
    /// as abnormal. Applied after `limit` and preprocessing, so both halves
    /// share one preprocessing.
    pub classes: Option<Vec<u8>>,
}

pub const DEFAULT_PATCH: usize = 8;

impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            source: Source::Mnist,
            path: None,
            limit: None,
            validation: 0.1,
            patch: None,
            patches: 10_000,
            size: None,
            preprocess: None,
            epsilon: 1e-5,
            samples: 2000,
            dim: 20,
            noise: 0.01,
            classes: None,
        }
    }
}

impl DataSpec {
    /// images: `Some(side)` for patches, `None` for whole images as samples.
    pub fn patch_size(&self) -> Option<usize> {
        match self.patch {
            Some(0) => None,
            Some(p) => Some(p),
            None if self.size.is_some() => None,
            None => Some(DEFAULT_PATCH),
        }
    }

    /// The preprocessing that will be applied: the one asked for, or the default.
    pub fn preprocessing(&self) -> Preprocess {
        self.preprocess.unwrap_or(
            if self.source == Source::Images && self.patch_size().is_some() {
                Preprocess::Cs294a
            } else {
                Preprocess::Unit
            },
        )
    }

    /// Values that would make loading meaningless, refused before any file is read.
    pub fn check(&self) -> Result<(), DataError> {
        let bad = |key, what: String| Err(DataError::BadSpec { key, what });
        if !(0.0..1.0).contains(&self.validation) {
            return Err(DataError::BadValidation {
                value: self.validation,
            });
        }
        if self.limit == Some(0) {
            return Err(DataError::ZeroLimit);
        }
        if self.source == Source::Images && self.patch_size().is_some() && self.patches == 0 {
            return bad("patches", "0: expected at least 1 patch".into());
        }
        if self.size.is_some_and(|[r, c]| r == 0 || c == 0) {
            return bad("size", "expected [rows, cols], both at least 1".into());
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            let what = format!("{}: expected a positive number, e.g. 1e-5", self.epsilon);
            return bad("epsilon", what);
        }
        if self.classes.as_ref().is_some_and(Vec::is_empty) {
            return bad(
                "classes",
                "[]: expected at least one class, e.g. [0, 1]".into(),
            );
        }
        if self.source == Source::Toy {
            if self.samples == 0 {
                return bad("samples", "0: expected at least 1 point".into());
            }
            if self.dim < 2 {
                let what = format!("{}: the curve needs at least 2 dimensions", self.dim);
                return bad("dim", what);
            }
            if !(self.noise.is_finite() && self.noise >= 0.0) {
                return bad("noise", format!("{}: expected a number ≥ 0", self.noise));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_unless_patch_is_zero_or_a_size_is_given() {
        let images = DataSpec {
            source: Source::Images,
            ..DataSpec::default()
        };
        assert_eq!(images.patch_size(), Some(DEFAULT_PATCH));
        assert_eq!(images.preprocessing(), Preprocess::Cs294a);
        let whole = DataSpec {
            patch: Some(0),
            ..images.clone()
        };
        assert_eq!(
            (whole.patch_size(), whole.preprocessing()),
            (None, Preprocess::Unit)
        );
        let sized = DataSpec {
            size: Some([4, 4]),
            ..images
        };
        assert_eq!(sized.patch_size(), None);
    }

    #[test]
    fn nonsense_values_are_refused_with_their_key() {
        let toy = DataSpec {
            source: Source::Toy,
            dim: 1,
            ..DataSpec::default()
        };
        assert!(
            toy.check()
                .unwrap_err()
                .to_string()
                .starts_with("data.dim: 1")
        );
        let eps = DataSpec {
            epsilon: 0.0,
            ..DataSpec::default()
        };
        assert!(
            eps.check()
                .unwrap_err()
                .to_string()
                .starts_with("data.epsilon")
        );
    }
}
