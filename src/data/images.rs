//! Photographs and folders of images: finding them, decoding them to
//! greyscale in [0, 1], and a folder of images as samples (each resized to a
//! common shape, labelled by sub-folder). Patches are in `patches.rs`.

use super::Dataset;
use super::error::{DataError, Result};
use super::file::{self, resolve};
use super::tables::file_name;
use crate::progress::Progress;
use image::imageops::{self, FilterType};
use image::{ImageBuffer, Luma};
use ndarray::Array2;
use std::path::{Path, PathBuf};

/// File extensions read as images (what the image crate is built to decode).
pub const EXTENSIONS: [&str; 12] = [
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "pgm", "ppm", "pbm", "pnm", "webp",
];

/// A greyscale image, values in [0, 1].
pub type Grey = ImageBuffer<Luma<f32>, Vec<f32>>;

/// The images a path names, sorted; with labels when they sit in sub-folders.
pub struct Listing {
    pub files: Vec<PathBuf>,
    /// The sub-folder index of each file (sorted sub-folder names → 0..).
    pub labels: Option<Vec<u8>>,
}

fn is_image(path: &Path) -> bool {
    file::is_file(path)
        && path.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            EXTENSIONS.contains(&e.as_str())
        })
}

/// Sorted directory entries that satisfy `keep`.
fn entries(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    let io = |error| DataError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let mut out: Vec<PathBuf> = file::entries(dir)
        .map_err(io)?
        .into_iter()
        .filter(|p| keep(p))
        .collect();
    out.sort();
    Ok(out)
}

/// A file is one image (whatever its name); a folder holds images directly,
/// or in sub-folders one level down (one class each). Both at once: all
/// images, no labels.
pub fn list(path: &Path) -> Result<Listing> {
    let path = resolve(path)?;
    if !file::is_dir(&path) {
        return Ok(Listing {
            files: vec![path],
            labels: None,
        });
    }
    let mut files = entries(&path, is_image)?;
    let mut classes = Vec::new();
    for dir in entries(&path, file::is_dir)? {
        let inside = entries(&dir, is_image)?;
        if !inside.is_empty() {
            classes.push(inside);
        }
    }
    let labelled = files.is_empty() && !classes.is_empty();
    if labelled && classes.len() > 256 {
        let what = format!(
            "{} sub-folders of images: at most 256 classes",
            classes.len()
        );
        return Err(DataError::Invalid { path, what });
    }
    let mut labels = Vec::new();
    for (label, inside) in classes.into_iter().enumerate() {
        labels.extend(std::iter::repeat_n(label as u8, inside.len()));
        files.extend(inside);
    }
    if files.is_empty() {
        return Err(DataError::NoImages {
            path,
            extensions: &EXTENSIONS,
        });
    }
    Ok(Listing {
        files,
        labels: labelled.then_some(labels),
    })
}

/// Decode any format the image crate knows (sniffed from the content) to grey.
pub fn grey(path: &Path) -> Result<Grey> {
    let io = |error| DataError::Io {
        path: path.to_path_buf(),
        error,
    };
    let bytes = file::read(path).map_err(io)?;
    let image = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(io)?
        .decode()
        .map_err(|error| DataError::Image {
            path: path.to_path_buf(),
            error,
        })?;
    Ok(image.to_luma32f())
}

/// Folders with more images than this show a progress bar while loading.
const PROGRESS_FROM: usize = 500;

/// Every image of a folder as one sample, resized (bilinear) to `size`
/// = [rows, cols], by default the first image's size.
pub fn whole(path: &Path, size: Option<[usize; 2]>) -> Result<Dataset> {
    let listing = list(path)?;
    let mut x: Option<Array2<f32>> = None;
    let mut shape = (0, 0);
    // A small folder loads faster than a bar could be drawn.
    let mut progress = (listing.files.len() > PROGRESS_FROM)
        .then(|| Progress::new("images", listing.files.len() as u64));
    for (i, file) in listing.files.iter().enumerate() {
        if let Some(p) = progress.as_mut() {
            p.set(i as u64 + 1);
        }
        let img = grey(file)?;
        let [rows, cols] = size.unwrap_or([img.height() as usize, img.width() as usize]);
        let x = x.get_or_insert_with(|| {
            shape = (rows, cols);
            Array2::zeros((listing.files.len(), rows * cols))
        });
        let (rows, cols) = shape;
        let img = if (img.height() as usize, img.width() as usize) == shape {
            img
        } else {
            imageops::resize(&img, cols as u32, rows as u32, FilterType::Triangle)
        };
        for (v, p) in x.row_mut(i).iter_mut().zip(img.pixels()) {
            *v = p.0[0].clamp(0.0, 1.0);
        }
    }
    if let Some(p) = progress {
        p.finish();
    }
    let resolved = resolve(path)?;
    let n = listing.files.len();
    let plural = if n == 1 { "" } else { "s" };
    let name = format!(
        "{} ({n} image{plural}, {}x{})",
        file_name(&resolved),
        shape.0,
        shape.1
    );
    let x = x.expect("list() returns at least one image");
    Ok(Dataset::new(name, x, shape, listing.labels))
}
