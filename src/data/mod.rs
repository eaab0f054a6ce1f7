//! Data sets: the bundled MNIST test set and digits, or the user's own IDX or
//! CSV files, loaded into one [`Dataset`] (one sample a row, scaled to [0, 1]).
//!
//! ```no_run
//! use aelab::data::{load, DataSpec, Source};
//! let spec = DataSpec { source: Source::Digits, ..DataSpec::default() };
//! let (train, validation) = load(&spec)?.split(spec.validation, 42);
//! # Ok::<(), aelab::data::DataError>(())
//! ```

mod csv;
mod dataset;
mod error;
mod file;
mod idx;

pub use dataset::Dataset;
pub use error::DataError;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
    /// Patches from natural images (not implemented yet).
    Images,
    /// A NumPy `.npy` array (not implemented yet).
    Npy,
    /// Synthetic toy data (not implemented yet).
    Toy,
}

/// The `[data]` table of a preset. Every field has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSpec {
    pub source: Source,
    /// File or folder; optional for the bundled sets.
    pub path: Option<PathBuf>,
    /// Use only the first `limit` samples of the file.
    pub limit: Option<usize>,
    /// Held-out fraction, in [0, 1).
    pub validation: f64,
}

impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            source: Source::Mnist,
            path: None,
            limit: None,
            validation: 0.1,
        }
    }
}

/// The bundled sets, relative to the crate (see `data/README.md`).
pub const MNIST_DIR: &str = "data/mnist";
pub const DIGITS_CSV: &str = "data/digits/digits.csv.gz";

/// Load the samples a spec names, then keep the first `limit` of them.
pub fn load(spec: &DataSpec) -> Result<Dataset, DataError> {
    if !(0.0..1.0).contains(&spec.validation) {
        return Err(DataError::BadValidation {
            value: spec.validation,
        });
    }
    if spec.limit == Some(0) {
        return Err(DataError::ZeroLimit);
    }
    let path = |default: &str| spec.path.clone().unwrap_or_else(|| PathBuf::from(default));
    let needs_path = |name| spec.path.clone().ok_or(DataError::MissingPath { name });
    let data = match spec.source {
        Source::Mnist => idx::load(&path(MNIST_DIR), |f| {
            format!("mnist ({})", idx::split_name(f))
        })?,
        Source::Idx => idx::load(&needs_path("idx")?, |f| format!("idx {f}"))?,
        Source::Digits => digits(&path(DIGITS_CSV))?,
        Source::Csv => table(&needs_path("csv")?)?,
        Source::Images => return Err(DataError::Unsupported { name: "images" }),
        Source::Npy => return Err(DataError::Unsupported { name: "npy" }),
        Source::Toy => return Err(DataError::Unsupported { name: "toy" }),
    };
    Ok(match spec.limit {
        Some(n) => data.take(n),
        None => data,
    })
}

/// Digits: 64 pixels in 0..=16 then the label, one image a line.
fn digits(path: &Path) -> Result<Dataset, DataError> {
    let path = file::resolve(path)?;
    let t = csv::read(&path, csv::LabelColumn::Last)?;
    if t.cols != 64 {
        let what = format!("{} pixel columns, expected 64 (8x8) and a label", t.cols);
        return Err(DataError::Invalid { path, what });
    }
    let x = to_array(&path, t.rows, t.cols, t.values)? / 16.0;
    Ok(Dataset {
        name: "digits 8x8".into(),
        x,
        shape: (8, 8),
        labels: t.labels,
    })
}

/// A general CSV table, divided by its maximum when that exceeds 1.
fn table(path: &Path) -> Result<Dataset, DataError> {
    let path = file::resolve(path)?;
    let t = csv::read(&path, csv::LabelColumn::IfHeaderSaysSo)?;
    let mut x = to_array(&path, t.rows, t.cols, t.values)?;
    let max = x.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    if max > 1.0 {
        x /= max;
    }
    let side = t.cols.isqrt();
    let shape = if side * side == t.cols {
        (side, side)
    } else {
        (1, t.cols)
    };
    let name = path
        .file_name()
        .map_or_else(|| "csv".into(), |f| f.to_string_lossy().into_owned());
    Ok(Dataset {
        name,
        x,
        shape,
        labels: t.labels,
    })
}

fn to_array(
    path: &Path,
    rows: usize,
    cols: usize,
    values: Vec<f32>,
) -> Result<ndarray::Array2<f32>, DataError> {
    ndarray::Array2::from_shape_vec((rows, cols), values).map_err(|e| DataError::Invalid {
        path: path.to_path_buf(),
        what: e.to_string(),
    })
}
