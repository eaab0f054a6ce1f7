//! Arrays for NumPy, written with npyz: every model's weights in one `.npz`
//! (`np.load(f)["vanilla/W1"]`, stored uncompressed as `np.savez` does), and
//! the codes of the validation samples as `.npy` (one file a model, and
//! their labels beside them).

use crate::picture::write_atomic;
use crate::train::Trainer;
use anyhow::{Context, Result};
use npyz::WriterBuilder;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The bytes of a `.npy` file holding `values` (C order) of `shape`.
fn npy_bytes<T: npyz::AutoSerialize>(
    shape: &[usize],
    values: impl IntoIterator<Item = T>,
) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let shape: Vec<u64> = shape.iter().map(|&d| d as u64).collect();
    let mut writer = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&shape)
        .writer(&mut bytes)
        .begin_nd()?;
    writer.extend(values)?;
    writer.finish()?;
    Ok(bytes)
}

/// Every model's W1 (hidden × inputs), b1, W2 (inputs × hidden; W1ᵀ when
/// tied) and b2, named `<label>/<block>`, and `image_shape` (rows, cols).
pub fn write_weights(path: &Path, trainer: &Trainer) -> Result<()> {
    let file = path.display().to_string();
    let mut arrays: Vec<(String, Vec<u8>)> = Vec::new();
    let shape = trainer.train_set().shape;
    arrays.push((
        "image_shape".into(),
        npy_bytes(&[2], [shape.0 as u64, shape.1 as u64])?,
    ));
    for (i, config) in trainer.configs().iter().enumerate() {
        let v = trainer.params(i).views();
        let w2 = v.w2.map_or_else(|| v.w1.t().to_owned(), |w| w.to_owned());
        let label = &config.label;
        arrays.push((
            format!("{label}/W1"),
            npy_bytes(v.w1.shape(), v.w1.iter().copied())?,
        ));
        arrays.push((
            format!("{label}/b1"),
            npy_bytes(v.b1.shape(), v.b1.iter().copied())?,
        ));
        arrays.push((
            format!("{label}/W2"),
            npy_bytes(w2.shape(), w2.iter().copied())?,
        ));
        arrays.push((
            format!("{label}/b2"),
            npy_bytes(v.b2.shape(), v.b2.iter().copied())?,
        ));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(arrays.iter().map(|(_, b)| b.len()).sum::<usize>() >= u32::MAX as usize);
    for (name, bytes) in &arrays {
        zip.start_file(npyz::npz::file_name_from_array_name(name), options)
            .and_then(|()| zip.write_all(bytes).map_err(Into::into))
            .with_context(|| format!("{file}: cannot build the archive"))?;
    }
    let bytes = zip
        .finish()
        .with_context(|| format!("{file}: cannot build the archive"))?;
    Ok(write_atomic(path, &bytes.into_inner())?)
}

/// `codes.npy` → `codes-<label>.npy` when there are several models.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or("codes".into(), |s| s.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map_or("npy".into(), |e| e.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}-{suffix}.{ext}"))
}

/// The hidden codes h (samples × hidden, float32) of every validation
/// sample, clean, for each model: `path` itself for one model, else
/// `<stem>-<label>.npy`; with labels, `<stem>-labels.npy` (uint8) too.
pub fn write_codes(path: &Path, trainer: &Trainer) -> Result<Vec<PathBuf>> {
    let val = trainer.val_set();
    if val.is_empty() {
        anyhow::bail!(
            "--codes-npy {}: no validation samples to encode (data.validation = 0)",
            path.display()
        );
    }
    let configs = trainer.configs();
    let mut written = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let h = config.objective().forward(trainer.params(i), &val.x).h;
        let file = if configs.len() == 1 {
            path.to_path_buf()
        } else {
            with_suffix(path, &config.label)
        };
        write_atomic(&file, &npy_bytes(h.shape(), h.iter().copied())?)?;
        written.push(file);
    }
    if let Some(labels) = &val.labels {
        let file = with_suffix(path, "labels");
        write_atomic(&file, &npy_bytes(&[labels.len()], labels.iter().copied())?)?;
        written.push(file);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What npyz writes, npyz reads back: the shape and the values.
    #[test]
    fn npy_bytes_round_trip() {
        let bytes = npy_bytes(&[2, 3], [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
        assert_eq!(npy.shape(), &[2, 3]);
        assert_eq!(
            npy.into_vec::<f32>().unwrap(),
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        );
        assert_eq!(
            with_suffix(Path::new("out/c.npy"), "dae"),
            Path::new("out/c-dae.npy")
        );
    }
}
