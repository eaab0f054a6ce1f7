//! NumPy's `.npy` format, read by hand (it is small): the magic `\x93NUMPY`,
//! a version, a header length, a Python dict literal
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (n, 784), }`, then the
//! raw values. Read: float32, float64 and uint8 (scaled by 1/255), 2-D
//! (samples, inputs) or 3-D (samples, rows, cols), C or Fortran order.

use super::Dataset;
use super::error::{DataError, Result};
use super::file::{read_bytes, resolve};
use super::tables::{file_name, square_or_row};
use ndarray::{ArrayD, IxDyn, ShapeBuilder};
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
    let (len, start): (Option<usize>, usize) = match bytes.get(6) {
        Some(1) => (
            bytes
                .get(8..10)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize),
            10,
        ),
        Some(2 | 3) => (
            bytes
                .get(8..12)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
            12,
        ),
        v => return Err(bad(format!(".npy format version {v:?} is not 1, 2 or 3"))),
    };
    let raw_header = len
        .and_then(|len| bytes.get(start..start.checked_add(len)?))
        .ok_or_else(|| bad("truncated .npy header".into()))?;
    let body = &bytes[start + raw_header.len()..];
    let header = String::from_utf8_lossy(raw_header);
    let descr = field(&header, "descr")
        .and_then(|v| v.strip_prefix('\'').and_then(|v| v.split('\'').next()))
        .ok_or_else(|| bad(format!("no 'descr' in the header {header:?}")))?;
    let fortran = field(&header, "fortran_order").is_some_and(|v| v.starts_with("True"));
    let shape = field(&header, "shape")
        .and_then(tuple)
        .ok_or_else(|| bad(format!("no readable 'shape' in the header {header:?}")))?;

    let (size, little, uint8) = match descr {
        "<f4" | "=f4" => (4, true, false),
        ">f4" => (4, false, false),
        "<f8" | "=f8" => (8, true, false),
        ">f8" => (8, false, false),
        "|u1" | "<u1" | ">u1" | "=u1" => (1, true, true),
        other => {
            return Err(bad(format!(
                "dtype '{other}' is not supported: expected float32 ('<f4'), float64 ('<f8') or uint8 ('|u1')"
            )));
        }
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
    let values: Vec<f32> = body
        .chunks_exact(size)
        .map(|b| match (size, little) {
            (1, _) => f32::from(b[0]),
            (4, true) => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            (4, false) => f32::from_be_bytes([b[0], b[1], b[2], b[3]]),
            (_, true) => f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32,
            (_, false) => f64::from_be_bytes(b.try_into().expect("8 bytes")) as f32,
        })
        .collect();
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
        uint8,
    })
}

/// The text after `'key':` in the header dict.
fn field<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header.find(&format!("'{key}'"))?;
    let rest = header[at + key.len() + 2..].trim_start();
    Some(rest.strip_prefix(':')?.trim_start())
}

/// `(3, 4)` or `(3,)` or `()` at the start of `text`, as sizes.
fn tuple(text: &str) -> Option<Vec<usize>> {
    let inner = text.strip_prefix('(')?.split(')').next()?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse().ok())
        .collect()
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
