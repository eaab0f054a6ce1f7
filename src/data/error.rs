//! Everything that can go wrong while loading a data set. Every message names
//! the file (or path) and says what was found and what was expected, because
//! the reader is a student looking at a terminal, not at a debugger.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    #[error("data path {path} does not exist (looked in {})", list(.tried))]
    NotFound { path: PathBuf, tried: Vec<PathBuf> },

    #[error("{path}: cannot read: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },

    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },

    #[error("{path}: truncated IDX file: expected {expected} bytes{}, found {found}", gz(*.gzip))]
    Truncated {
        path: PathBuf,
        expected: u64,
        found: u64,
        gzip: bool,
    },

    #[error("{path}: IDX file is {expected} bytes{} by its header but has {found} (trailing data)", gz(*.gzip))]
    TooLong {
        path: PathBuf,
        expected: u64,
        found: u64,
        gzip: bool,
    },

    #[error("{path}: wrong magic number 0x{found:08x}, expected 0x{expected:08x} ({what})")]
    BadMagic {
        path: PathBuf,
        found: u32,
        expected: u32,
        what: &'static str,
    },

    #[error(
        "{labels}: {n_labels} labels, but {images} holds {n_images} images; the counts must agree"
    )]
    CountMismatch {
        images: PathBuf,
        n_images: usize,
        labels: PathBuf,
        n_labels: usize,
    },

    #[error(
        "{path}: line {line} has {found} columns, expected {expected} (as on line {first_line})"
    )]
    Ragged {
        path: PathBuf,
        line: usize,
        found: usize,
        expected: usize,
        first_line: usize,
    },

    #[error("{path}: line {line}, column {column}: `{field}` is not {expected}")]
    BadField {
        path: PathBuf,
        line: usize,
        column: usize,
        field: String,
        expected: &'static str,
    },

    #[error("{path}: {what}")]
    Invalid { path: PathBuf, what: String },

    #[error("data.source = \"{name}\" needs data.path (a file or folder to read)")]
    MissingPath { name: &'static str },

    #[error("data.validation = {value} is out of range: expected a fraction in [0, 1)")]
    BadValidation { value: f64 },

    #[error("data.limit = 0: expected at least 1 sample (leave it out to use the whole file)")]
    ZeroLimit,

    #[error("{path}: cannot read the image: {error}")]
    Image {
        path: PathBuf,
        error: image::ImageError,
    },

    #[error(
        "{path}: the image is {width}x{height} pixels, smaller than data.patch = {patch} (a {patch}x{patch} patch does not fit)"
    )]
    ImageTooSmall {
        path: PathBuf,
        width: u32,
        height: u32,
        patch: usize,
    },

    #[error("{path}: no images here (looked for {})", extensions.join(", "))]
    NoImages {
        path: PathBuf,
        extensions: &'static [&'static str],
    },

    #[error("data.{key}: {what}")]
    BadSpec { key: &'static str, what: String },
}

pub type Result<T> = std::result::Result<T, DataError>;

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" and ")
}

fn gz(gzip: bool) -> &'static str {
    if gzip { " after gunzip" } else { "" }
}
