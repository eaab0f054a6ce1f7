//! A numeric comma-separated table: an optional header row (detected: no field
//! of the first row is a number), then one sample a line, and optionally the
//! label as the last column.

use super::error::{DataError, Result};
use super::file::read_bytes;
use std::path::Path;

/// Where the labels are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelColumn {
    /// The last column is always the label (the digits format).
    Last,
    /// The last column is the label when the header names it `label`.
    IfHeaderSaysSo,
}

/// A parsed table: `values` row-major, `rows × cols` (the label column removed).
#[derive(Debug)]
pub struct Table {
    pub rows: usize,
    pub cols: usize,
    pub values: Vec<f32>,
    pub labels: Option<Vec<u8>>,
}

pub fn read(path: &Path, label: LabelColumn) -> Result<Table> {
    let (bytes, _) = read_bytes(path)?;
    parse(path, bytes, label)
}

/// Parse a table from its (already gunzipped) bytes; `path` only names it in errors.
pub fn parse(path: &Path, bytes: Vec<u8>, label: LabelColumn) -> Result<Table> {
    let text = String::from_utf8(bytes).map_err(|e| DataError::Invalid {
        path: path.to_path_buf(),
        what: format!(
            "not UTF-8 text (byte {}); expected a CSV table",
            e.utf8_error().valid_up_to()
        ),
    })?;
    // (1-based line number, fields), skipping blank lines such as a final newline.
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split(',').map(str::trim).collect::<Vec<_>>()))
        .peekable();

    let header = match lines.peek() {
        Some((_, fields)) if fields.iter().all(|f| number(f).is_none()) => {
            lines.next().map(|(_, f)| f)
        }
        _ => None,
    };
    let has_label = match label {
        LabelColumn::Last => true,
        LabelColumn::IfHeaderSaysSo => header
            .as_ref()
            .and_then(|h| h.last())
            .is_some_and(|l| l.eq_ignore_ascii_case("label")),
    };

    let mut width: Option<(usize, usize)> = header.as_ref().map(|h| (h.len(), 1));
    let (mut values, mut labels, mut rows) = (Vec::new(), Vec::new(), 0);
    for (line, fields) in lines {
        let (expected, first_line) = *width.get_or_insert((fields.len(), line));
        if fields.len() != expected {
            let path = path.to_path_buf();
            return Err(DataError::Ragged {
                path,
                line,
                found: fields.len(),
                expected,
                first_line,
            });
        }
        let bad = |column: usize, expected: &'static str| DataError::BadField {
            path: path.to_path_buf(),
            line,
            column,
            field: fields
                .get(column - 1)
                .map(|f| f.to_string())
                .unwrap_or_default(),
            expected,
        };
        let features = if has_label {
            fields.len().saturating_sub(1)
        } else {
            fields.len()
        };
        for (c, f) in fields.iter().enumerate().take(features) {
            values.push(number(f).ok_or_else(|| bad(c + 1, "a finite number"))?);
        }
        if has_label {
            let last = fields.last().copied().unwrap_or_default();
            labels.push(
                last.parse::<u8>()
                    .map_err(|_| bad(fields.len(), "a label (an integer 0..=255)"))?,
            );
        }
        rows += 1;
    }

    let cols = width
        .map_or(0, |(w, _)| w)
        .saturating_sub(usize::from(has_label));
    if rows == 0 || cols == 0 {
        let what = if rows == 0 {
            "no data rows"
        } else {
            "no feature columns (only a label)"
        };
        return Err(DataError::Invalid {
            path: path.to_path_buf(),
            what: what.to_string(),
        });
    }
    Ok(Table {
        rows,
        cols,
        values,
        labels: has_label.then_some(labels),
    })
}

/// A field as a finite number; NaN and infinities are not data.
fn number(field: &str) -> Option<f32> {
    field.parse::<f32>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str, label: LabelColumn) -> Result<Table> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        read(&path, label)
    }

    #[test]
    fn last_column_is_the_label_in_the_digits_format() {
        let t = table("1,2,3\r\n4,5,6\r\n", LabelColumn::Last).unwrap();
        assert_eq!((t.rows, t.cols, t.values), (2, 2, vec![1.0, 2.0, 4.0, 5.0]));
        assert_eq!(t.labels, Some(vec![3, 6]));
    }

    #[test]
    fn without_a_label_header_every_column_is_a_feature() {
        let t = table("x,y\n1,2\n", LabelColumn::IfHeaderSaysSo).unwrap();
        assert_eq!((t.rows, t.cols, t.labels), (1, 2, None));
        let t = table("1,2\n", LabelColumn::IfHeaderSaysSo).unwrap();
        assert_eq!((t.rows, t.cols), (1, 2));
    }

    #[test]
    fn a_label_that_is_not_a_byte_names_its_line_and_column() {
        let msg = table("a,Label\n1,2\n1,3.5\n", LabelColumn::IfHeaderSaysSo)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("line 3, column 2: `3.5` is not a label"),
            "{msg}"
        );
        let msg = table("1,300\n", LabelColumn::Last).unwrap_err().to_string();
        assert!(msg.contains("`300`"), "{msg}");
    }

    #[test]
    fn a_header_alone_has_no_data_rows() {
        let msg = table("a,b\n\n", LabelColumn::IfHeaderSaysSo)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("no data rows"), "{msg}");
    }

    #[test]
    fn binary_junk_is_not_utf8_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.csv");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let msg = read(&path, LabelColumn::Last).unwrap_err().to_string();
        assert!(
            msg.contains("junk.csv") && msg.contains("not UTF-8"),
            "{msg}"
        );
    }
}
