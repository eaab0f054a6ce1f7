//! Finding a data file and reading its bytes, gunzipped when it is gzip.

use super::bundle;
use super::error::{DataError, Result};
use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Resolve a data path: as given (relative to the current directory) first,
/// then among the data sets built into the binary (`bundle.rs`), so the
/// bundled `data/` works from any folder, installed or not.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    if exists(path) {
        return Ok(path.to_path_buf());
    }
    Err(DataError::NotFound {
        path: path.to_path_buf(),
        tried: vec![path.to_path_buf()],
    })
}

/// Whether `path` is a file or folder on disk or in the bundle.
pub fn exists(path: &Path) -> bool {
    path.exists() || bundle::file(path).is_some() || bundle::dir(path).is_some()
}

/// Whether `path` is a folder, on disk or (when not on disk) in the bundle.
pub fn is_dir(path: &Path) -> bool {
    path.is_dir() || (!path.exists() && bundle::dir(path).is_some())
}

/// Whether `path` is a file, on disk or (when not on disk) in the bundle.
pub fn is_file(path: &Path) -> bool {
    path.is_file() || (!path.exists() && bundle::file(path).is_some())
}

/// The entries of a folder, on disk or in the bundle (unsorted).
pub fn entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !dir.exists()
        && let Some(inside) = bundle::dir(dir)
    {
        return Ok(inside);
    }
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect()
}

/// The bytes of a file, from disk or (when not on disk) from the bundle.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match bundle::file(path) {
            Some(bytes) => Ok(bytes.to_vec()),
            None => Err(e),
        },
        other => other,
    }
}

/// The file's contents, decompressed if they start with the gzip magic
/// (sniffed rather than trusted from the name). The flag says whether it was gzip.
pub fn read_bytes(path: &Path) -> Result<(Vec<u8>, bool)> {
    let io = |error| DataError::Io {
        path: path.to_path_buf(),
        error,
    };
    let raw = read(path).map_err(io)?;
    if raw.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok((raw, false));
    }
    let mut out = Vec::new();
    GzDecoder::new(raw.as_slice())
        .read_to_end(&mut out)
        .map_err(io)?;
    if out.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok((out, true))
}
