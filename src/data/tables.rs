//! The two CSV layouts: the bundled digits, and a general numeric table.

use super::Dataset;
use super::csv;
use super::error::DataError;
use super::file;
use std::path::Path;

/// Digits: 64 pixels in 0..=16 then the label, one image a line.
pub fn digits(path: &Path) -> Result<Dataset, DataError> {
    let path = file::resolve(path)?;
    let t = csv::read(&path, csv::LabelColumn::Last)?;
    if t.cols != 64 {
        let what = format!("{} pixel columns, expected 64 (8x8) and a label", t.cols);
        return Err(DataError::Invalid { path, what });
    }
    let x = to_array(&path, t.rows, t.cols, t.values)? / 16.0;
    Ok(Dataset::new("digits 8x8", x, (8, 8), t.labels))
}

/// A general CSV table, divided by its maximum when that exceeds 1.
pub fn table(path: &Path) -> Result<Dataset, DataError> {
    let path = file::resolve(path)?;
    let t = csv::read(&path, csv::LabelColumn::IfHeaderSaysSo)?;
    let mut x = to_array(&path, t.rows, t.cols, t.values)?;
    let max = x.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    if max > 1.0 {
        x /= max;
    }
    Ok(Dataset::new(
        file_name(&path),
        x,
        square_or_row(t.cols),
        t.labels,
    ))
}

/// (side, side) when `inputs` is a perfect square (probably an image), else a row.
pub fn square_or_row(inputs: usize) -> (usize, usize) {
    let side = inputs.isqrt();
    if side * side == inputs {
        (side, side)
    } else {
        (1, inputs)
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    )
}

pub fn to_array(
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
