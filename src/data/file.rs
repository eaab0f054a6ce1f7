//! Finding a data file and reading its bytes, gunzipped when it is gzip.

use super::error::{DataError, Result};
use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Resolve a data path: as given (relative to the current directory) first,
/// then relative to the crate, so the bundled `data/` works from anywhere on
/// the developer's machine.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    if path.exists() {
        return Ok(path.to_path_buf());
    }
    let mut tried = vec![path.to_path_buf()];
    if path.is_relative() {
        let in_crate = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if in_crate.exists() {
            return Ok(in_crate);
        }
        tried.push(in_crate);
    }
    Err(DataError::NotFound {
        path: path.to_path_buf(),
        tried,
    })
}

/// The file's contents, decompressed if they start with the gzip magic
/// (sniffed rather than trusted from the name). The flag says whether it was gzip.
pub fn read_bytes(path: &Path) -> Result<(Vec<u8>, bool)> {
    let io = |error| DataError::Io {
        path: path.to_path_buf(),
        error,
    };
    let raw = std::fs::read(path).map_err(io)?;
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
