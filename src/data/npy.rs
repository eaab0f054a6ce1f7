//! NumPy's `.npy` format, read with npyz: float32, float64 and uint8
//! (scaled by 1/255), 2-D (samples, inputs) or 3-D (samples, rows, cols),
//! C or Fortran order. What npyz finds wrong, and what it reads but we
//! cannot use, is said with the file's name and what was expected.

use super::Dataset;
use super::error::{DataError, Result};
use super::file::{read_bytes, resolve};
use super::tables::{file_name, square_or_row};
use ndarray::{ArrayD, IxDyn, ShapeBuilder};
use npyz::{DType, NpyFile, NpyHeader, Order, TypeChar};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

/// A parsed array: its shape, and its values in C (row-major) order.
#[derive(Debug)]
pub struct Npy {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
    /// The values were bytes 0..=255 (not yet scaled).
    pub uint8: bool,
}

/// The element types read, by their NumPy type character and size.
#[derive(Clone, Copy)]
enum Element {
    F4,
    F8,
    U1,
}

/// Parse the bytes of a `.npy` file; `path` only names it in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Npy> {
    let bad = |what: String| DataError::Invalid {
        path: path.to_path_buf(),
        what,
    };
    if !bytes.starts_with(MAGIC) {
        return Err(bad(
            "not a .npy file (it does not start with \\x93NUMPY)".into()
        ));
    }
    let mut body = bytes;
    let header = NpyHeader::from_reader(&mut body)
        .map_err(|e| bad(format!("unreadable .npy header: {e}")))?;
    let file = NpyFile::with_header(header, body);
    let descr = match file.dtype() {
        DType::Plain(t) => t.to_string(),
        other => other.descr(),
    };
    let element = match file.dtype() {
        DType::Plain(t) => match (t.type_char(), t.size_field()) {
            (TypeChar::Float, 4) => Some(Element::F4),
            (TypeChar::Float, 8) => Some(Element::F8),
            (TypeChar::Uint, 1) => Some(Element::U1),
            _ => None,
        },
        _ => None,
    };
    let Some(element) = element else {
        return Err(bad(format!(
            "dtype '{descr}' is not supported: expected float32 ('<f4'), float64 ('<f8') or uint8 ('|u1')"
        )));
    };
    let shape: Vec<usize> = file
        .shape()
        .iter()
        .map(|&d| usize::try_from(d).unwrap_or(usize::MAX))
        .collect();
    let size = match element {
        Element::F4 => 4,
        Element::F8 => 8,
        Element::U1 => 1,
    };
    let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    let expected = count.and_then(|c| c.checked_mul(size));
    if expected != Some(body.len()) {
        return Err(bad(format!(
            "shape {shape:?} of '{descr}' needs {} bytes of data, the file has {}",
            expected.map_or_else(|| "too many".into(), |e| e.to_string()),
            body.len()
        )));
    }
    let fortran = file.order() == Order::Fortran;
    let unreadable = |e: std::io::Error| bad(format!("cannot read the values: {e}"));
    let values: Vec<f32> = match element {
        Element::F4 => file.into_vec::<f32>().map_err(unreadable)?,
        Element::F8 => (file.into_vec::<f64>().map_err(unreadable)?)
            .into_iter()
            .map(|v| v as f32)
            .collect(),
        Element::U1 => (file.into_vec::<u8>().map_err(unreadable)?)
            .into_iter()
            .map(f32::from)
            .collect(),
    };
    let values = if fortran && shape.len() > 1 {
        let a =
            ArrayD::from_shape_vec(IxDyn(&shape).f(), values).map_err(|e| bad(e.to_string()))?;
        a.as_standard_layout().iter().copied().collect()
    } else {
        values
    };
    Ok(Npy {
        shape,
        values,
        uint8: matches!(element, Element::U1),
    })
}

/// A `.npy` file as samples: 2-D (n, inputs) or 3-D (n, rows, cols) images.
pub fn load(path: &Path) -> Result<Dataset> {
    let path = resolve(path)?;
    let (bytes, _) = read_bytes(&path)?;
    let npy = parse(&path, &bytes)?;
    let bad = |what: String| DataError::Invalid {
        path: path.clone(),
        what,
    };
    let (n, shape) = match npy.shape[..] {
        [n, inputs] => (n, square_or_row(inputs)),
        [n, rows, cols] => (n, (rows, cols)),
        _ => {
            return Err(bad(format!(
                "a {}-D array of shape {:?}: expected 2-D (samples, inputs) or 3-D (samples, rows, cols)",
                npy.shape.len(),
                npy.shape
            )));
        }
    };
    let inputs = shape.0 * shape.1;
    if n == 0 || inputs == 0 {
        return Err(bad(format!("the array of shape {:?} is empty", npy.shape)));
    }
    if let Some(i) = npy.values.iter().position(|v| !v.is_finite()) {
        let (s, j) = (i / inputs, i % inputs);
        return Err(bad(format!(
            "sample {s}, input {j} is {} (not a finite number)",
            npy.values[i]
        )));
    }
    let scale = if npy.uint8 { 1.0 / 255.0 } else { 1.0 };
    let values = npy.values.iter().map(|v| v * scale).collect();
    let x = ndarray::Array2::from_shape_vec((n, inputs), values).map_err(|e| bad(e.to_string()))?;
    Ok(Dataset::new(file_name(&path), x, shape, None))
}
