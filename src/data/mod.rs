//! Data sets: the bundled MNIST test set, digits and photographs, or the
//! user's own IDX, CSV, `.npy` or image files, or a toy curve, loaded into one
//! [`Dataset`] (one sample a row) and optionally preprocessed.
//!
//! ```no_run
//! use aelab::data::{load_seeded, DataSpec, Source};
//! let spec = DataSpec { source: Source::Digits, ..DataSpec::default() };
//! let (train, validation) = load_seeded(&spec, 42)?.split(spec.validation, 42);
//! # Ok::<(), aelab::data::DataError>(())
//! ```

mod bundle;
mod csv;
mod dataset;
mod error;
mod file;
mod idx;
mod images;
mod npy;
mod patches;
mod preprocess;
mod spec;
mod tables;
mod toy;

pub use dataset::Dataset;
pub use error::DataError;
pub use preprocess::Preprocess;
pub use spec::{DataSpec, Source};

/// The parsers on bytes, for fuzzing and for callers that hold the bytes.
pub mod parsers {
    pub use super::csv::{LabelColumn, Table, parse as parse_csv};
    pub use super::idx::{parse_images as parse_idx_images, parse_labels as parse_idx_labels};
    pub use super::npy::{Npy, parse as parse_npy};
}

/// The image file extensions `source = "images"` reads.
pub use images::EXTENSIONS as IMAGE_EXTENSIONS;

use std::path::PathBuf;

/// The bundled sets, relative to the crate (see `data/README.md`); built
/// into the binary too (`bundle.rs`).
pub const MNIST_DIR: &str = "data/mnist";
pub const DIGITS_CSV: &str = "data/digits/digits.csv.gz";
pub const IMAGES_DIR: &str = "data/images";

/// `load_seeded(spec, 42)`: for sources that draw nothing at random the seed
/// does not matter.
pub fn load(spec: &DataSpec) -> Result<Dataset, DataError> {
    load_seeded(spec, 42)
}

/// Load the samples a spec names, keep the first `limit` of them,
/// preprocess, then keep those of `classes` if given. `seed` (the preset's)
/// fixes the random patches and toy points.
pub fn load_seeded(spec: &DataSpec, seed: u64) -> Result<Dataset, DataError> {
    Ok(load_with_others(spec, seed)?.0)
}

/// `load_seeded`, and the samples `classes` left out (`None` without
/// `classes`): `aelab anomalies` scores those as abnormal.
pub fn load_with_others(
    spec: &DataSpec,
    seed: u64,
) -> Result<(Dataset, Option<Dataset>), DataError> {
    let data = load_all(spec, seed)?;
    match &spec.classes {
        None => Ok((data, None)),
        Some(classes) => {
            let (kept, others) = keep_classes(data, classes)?;
            Ok((kept, Some(others)))
        }
    }
}

/// The samples of `classes` and the others, refused by name when the data
/// has no labels or lacks one of the classes.
fn keep_classes(data: Dataset, classes: &[u8]) -> Result<(Dataset, Dataset), DataError> {
    let bad = |what| {
        Err(DataError::BadSpec {
            key: "classes",
            what,
        })
    };
    let Some(labels) = &data.labels else {
        return bad(format!(
            "{classes:?}: {} has no labels to choose classes by",
            data.name
        ));
    };
    let mut present = [false; 256];
    for &l in labels {
        present[l as usize] = true;
    }
    if let Some(missing) = classes.iter().find(|&&c| !present[c as usize]) {
        let have: Vec<usize> = (0..256).filter(|&l| present[l]).collect();
        return bad(format!(
            "class {missing} is not in {} (its labels: {have:?})",
            data.name
        ));
    }
    Ok(data.by_class(|l| classes.contains(&l)))
}

fn load_all(spec: &DataSpec, seed: u64) -> Result<Dataset, DataError> {
    spec.check()?;
    let path = |default: &str| spec.path.clone().unwrap_or_else(|| PathBuf::from(default));
    let needs_path = |name| spec.path.clone().ok_or(DataError::MissingPath { name });
    let data = match spec.source {
        Source::Mnist => idx::load(&path(MNIST_DIR), |f| {
            format!("mnist ({})", idx::split_name(f))
        })?,
        Source::Idx => idx::load(&needs_path("idx")?, |f| format!("idx {f}"))?,
        Source::Digits => tables::digits(&path(DIGITS_CSV))?,
        Source::Csv => tables::table(&needs_path("csv")?)?,
        Source::Npy => npy::load(&needs_path("npy")?)?,
        Source::Images => match spec.patch_size() {
            Some(patch) => patches::patches(&path(IMAGES_DIR), patch, spec.patches, seed)?,
            None => images::whole(&path(IMAGES_DIR), spec.size)?,
        },
        Source::Toy => toy::curve_data(spec.samples, spec.dim, spec.noise, seed),
    };
    let mut data = match spec.limit {
        Some(n) => data.take(n),
        None => data,
    };
    preprocess::apply(&mut data, spec.preprocessing(), spec.epsilon)?;
    Ok(data)
}
