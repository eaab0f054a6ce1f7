//! The IDX format of MNIST (big-endian): a magic number `00 00 08 nd` (u8 data,
//! `nd` dimensions), `nd` u32 sizes, then the bytes row-major. Images have
//! three dimensions (n, rows, cols), labels one (n).

use super::Dataset;
use super::error::{DataError, Result};
use super::file::{self, read_bytes, resolve};
use ndarray::Array2;
use std::path::{Path, PathBuf};

pub const IMAGES_MAGIC: u32 = 0x0000_0803;
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// The part of a file name that marks an images file, and its labels partner.
const IMAGES_TAG: &str = "images-idx3";
const LABELS_TAG: &str = "labels-idx1";
/// Some copies of MNIST (e.g. on Kaggle) write a dot: `train-images.idx3-ubyte`.
const TAGS: [(&str, &str); 2] = [(IMAGES_TAG, LABELS_TAG), ("images.idx3", "labels.idx1")];

fn images_tag(name: &str) -> Option<(&'static str, &'static str)> {
    TAGS.into_iter().find(|(images, _)| name.contains(images))
}

/// A checked IDX file: its sizes and exactly the product of them in bytes.
struct Idx {
    dims: Vec<usize>,
    data: Vec<u8>,
}

/// Read and check one IDX file against the magic it must carry.
fn read(path: &Path, magic: u32, what: &'static str) -> Result<Idx> {
    let (bytes, gzip) = read_bytes(path)?;
    parse(path, &bytes, gzip, magic, what)
}

/// Check the (gunzipped) bytes of an IDX file; `path` and `gzip` are for messages.
fn parse(path: &Path, bytes: &[u8], gzip: bool, magic: u32, what: &'static str) -> Result<Idx> {
    let found = bytes.len() as u64;
    let truncated = |expected: u64| DataError::Truncated {
        path: path.to_path_buf(),
        expected,
        found,
        gzip,
    };

    let word = |i: usize| {
        bytes
            .get(4 * i..4 * i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let found_magic = word(0).ok_or_else(|| truncated(4))?;
    if found_magic != magic {
        return Err(DataError::BadMagic {
            path: path.to_path_buf(),
            found: found_magic,
            expected: magic,
            what,
        });
    }
    // The low byte of the magic is the dimension count; the magic check has fixed it.
    let nd = (magic & 0xff) as usize;
    let header = 4 * (1 + nd) as u64;
    let dims = (1..=nd)
        .map(|i| word(i).map(|d| d as usize).ok_or_else(|| truncated(header)))
        .collect::<Result<Vec<usize>>>()?;

    // Checked so that absurd sizes in a damaged header give an error, not an overflow.
    let body = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
    let expected = body
        .and_then(|b| b.checked_add(header))
        .ok_or_else(|| DataError::Invalid {
            path: path.to_path_buf(),
            what: format!("IDX header sizes {dims:?} are too large to be real"),
        })?;
    if found < expected {
        return Err(truncated(expected));
    }
    if found > expected {
        return Err(DataError::TooLong {
            path: path.to_path_buf(),
            expected,
            found,
            gzip,
        });
    }
    let data = bytes.get(header as usize..).unwrap_or_default().to_vec();
    Ok(Idx { dims, data })
}

const IMAGES_WHAT: &str = "IDX u8 images, 3 dimensions";
const LABELS_WHAT: &str = "IDX u8 labels, 1 dimension";

/// An images file (`00 00 08 03`) as (n, rows, cols, pixels).
pub fn read_images(path: &Path) -> Result<(usize, usize, usize, Vec<u8>)> {
    images_of(path, read(path, IMAGES_MAGIC, IMAGES_WHAT)?)
}

/// An IDX images file already in memory (gunzipped): (n, rows, cols, pixels);
/// `path` only names it in errors.
pub fn parse_images(path: &Path, bytes: &[u8]) -> Result<(usize, usize, usize, Vec<u8>)> {
    images_of(path, parse(path, bytes, false, IMAGES_MAGIC, IMAGES_WHAT)?)
}

fn images_of(path: &Path, idx: Idx) -> Result<(usize, usize, usize, Vec<u8>)> {
    match idx.dims[..] {
        [n, rows, cols] if n > 0 && rows > 0 && cols > 0 => Ok((n, rows, cols, idx.data)),
        _ => Err(DataError::Invalid {
            path: path.to_path_buf(),
            what: format!(
                "IDX images of size {:?}: expected at least one image of at least 1x1",
                idx.dims
            ),
        }),
    }
}

/// A labels file (`00 00 08 01`): one byte per label.
pub fn read_labels(path: &Path) -> Result<Vec<u8>> {
    Ok(read(path, LABELS_MAGIC, LABELS_WHAT)?.data)
}

/// An IDX labels file already in memory (gunzipped).
pub fn parse_labels(path: &Path, bytes: &[u8]) -> Result<Vec<u8>> {
    Ok(parse(path, bytes, false, LABELS_MAGIC, LABELS_WHAT)?.data)
}

/// The images file a path means: the file itself, or the one `*images-idx3*`
/// file in a folder.
fn images_file(path: &Path) -> Result<PathBuf> {
    if !file::is_dir(path) {
        return Ok(path.to_path_buf());
    }
    let io = |error| DataError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut found = Vec::new();
    for entry in file::entries(path).map_err(io)? {
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| images_tag(&n).is_some()) {
            found.push(entry);
        }
    }
    found.sort();
    let mut found = prefer(found);
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(DataError::Invalid {
            path: path.to_path_buf(),
            what: format!("no `*{IMAGES_TAG}*` file in this folder"),
        }),
        _ => Err(DataError::Invalid {
            path: path.to_path_buf(),
            what: format!(
                "{} `*{IMAGES_TAG}*` files in this folder ({}): set data.path to one of them",
                found.len(),
                found
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// Of several images files in one folder, the training split (a full MNIST
/// folder holds `train-*` and `t10k-*`).
fn prefer(found: Vec<PathBuf>) -> Vec<PathBuf> {
    let train: Vec<PathBuf> = found
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with("train"))
        })
        .cloned()
        .collect();
    if train.is_empty() { found } else { train }
}

/// The labels file next to an images file, if its name follows the MNIST
/// pattern and it exists (gzipped or not, whichever the images are).
fn labels_file(images: &Path) -> Option<PathBuf> {
    let name = images.file_name()?.to_str()?;
    let (images_tag, labels_tag) = images_tag(name)?;
    let labels = name.replacen(images_tag, labels_tag, 1);
    let other = match labels.strip_suffix(".gz") {
        Some(raw) => raw.to_string(),
        None => format!("{labels}.gz"),
    };
    [labels, other]
        .into_iter()
        .map(|n| images.with_file_name(n))
        .find(|p| file::exists(p))
}

/// Load an IDX images file (or folder) and its labels, if any, scaled to [0, 1].
/// `name` builds the data set's name from the images file's name.
pub fn load(path: &Path, name: impl Fn(&str) -> String) -> Result<Dataset> {
    let images = images_file(&resolve(path)?)?;
    let (n, rows, cols, pixels) = read_images(&images)?;
    let labels = match labels_file(&images) {
        Some(labels_path) => {
            let labels = read_labels(&labels_path)?;
            if labels.len() != n {
                return Err(DataError::CountMismatch {
                    images,
                    n_images: n,
                    labels: labels_path,
                    n_labels: labels.len(),
                });
            }
            Some(labels)
        }
        None => None,
    };
    let x = Array2::from_shape_vec(
        (n, rows * cols),
        pixels.iter().map(|&p| f32::from(p) / 255.0).collect(),
    )
    .map_err(|e| DataError::Invalid {
        path: images.clone(),
        what: e.to_string(),
    })?;
    let file_name = images
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Dataset::new(name(&file_name), x, (rows, cols), labels))
}

/// "t10k" from "t10k-images-idx3-ubyte.gz": the MNIST split a file holds.
pub fn split_name(file_name: &str) -> &str {
    file_name.split("-images").next().unwrap_or(file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x-images-idx3-ubyte");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn header(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    #[test]
    fn absurd_sizes_are_an_error_not_an_overflow() {
        let (_dir, path) = file(&header(&[IMAGES_MAGIC, u32::MAX, u32::MAX, u32::MAX]));
        let msg = read_images(&path).unwrap_err().to_string();
        assert!(msg.contains("too large"), "{msg}");
    }

    #[test]
    fn zero_images_are_refused() {
        let (_dir, path) = file(&header(&[IMAGES_MAGIC, 0, 28, 28]));
        let msg = read_images(&path).unwrap_err().to_string();
        assert!(msg.contains("at least one image"), "{msg}");
    }

    #[test]
    fn trailing_bytes_are_refused() {
        let mut bytes = header(&[LABELS_MAGIC, 2]);
        bytes.extend([1, 2, 3]);
        let (_dir, path) = file(&bytes);
        let msg = read_labels(&path).unwrap_err().to_string();
        assert!(msg.contains("10 bytes") && msg.contains("has 11"), "{msg}");
    }

    #[test]
    fn split_name_is_the_prefix_before_images() {
        assert_eq!(split_name("t10k-images-idx3-ubyte.gz"), "t10k");
        assert_eq!(split_name("pictures.idx"), "pictures.idx");
    }
}
