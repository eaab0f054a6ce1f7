//! `aelab data PATH_OR_PRESET`: what the loader sees — count, shape, value
//! range, labels, and a few samples drawn in the terminal as ASCII shading.

use super::load_preset;
use crate::data::{Dataset, IMAGE_EXTENSIONS, load_seeded};
use crate::preset::{self, Preset};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Samples drawn at the end.
const SHOWN: usize = 4;
/// Wider images are averaged down to at most this many columns.
const MAX_COLS: usize = 40;
/// Samples are set side by side up to this many characters.
const LINE_WIDTH: usize = 100;
/// Dark to bright.
const RAMP: &[u8] = b" .:-=+*#%@";

pub fn run(target: &str, sets: &[String]) -> Result<()> {
    let preset = open(target, sets)?;
    let spec = &preset.data;
    let started = Instant::now();
    let data =
        load_seeded(spec, preset.seed).with_context(|| format!("{}: [data]", preset.origin))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut out = format!("{}: {}\n", preset.origin, data.name);
    out.push_str(&format!(
        "source {}{}, preprocess {}, loaded in {seconds:.2} s\n",
        name_of(&spec.source),
        spec.path
            .as_ref()
            .map_or_else(String::new, |p| format!(" ({})", p.display())),
        name_of(&spec.preprocessing())
    ));
    out.push_str(&summary(&data));
    out.push('\n');
    for line in draw(&data, SHOWN) {
        out.push_str(&line);
        out.push('\n');
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// A preset file or name, or a data file or folder (its source inferred)
/// wrapped in a preset of its own so that `--set data.…` works the same.
fn open(target: &str, sets: &[String]) -> Result<Preset> {
    let path = Path::new(target);
    let here_or_crate = [
        path.to_path_buf(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
    ];
    let is_toml = |p: &Path| p.extension().is_some_and(|e| e == "toml");
    if is_toml(path) {
        return load_preset(target, sets);
    }
    match here_or_crate.iter().find(|p| p.exists()) {
        Some(found) => {
            let (source, whole_images) = infer(found)?;
            let mut table = toml::Table::new();
            table.insert("source".into(), source.into());
            table.insert("path".into(), target.into());
            if whole_images {
                table.insert("patch".into(), 0.into());
            }
            let mut root = toml::Table::new();
            root.insert("data".into(), table.into());
            Ok(Preset::parse(target, &toml::to_string(&root)?, sets)?)
        }
        None if is_toml(&preset::find(target)) || preset::bundled_text(target).is_some() => {
            load_preset(target, sets)
        }
        None => bail!("{target}: neither a data file or folder nor a preset in presets/"),
    }
}

/// The `--set` items that `--data PATH` stands for: the source its name
/// implies and the path (and whole images, not patches, for image files).
pub fn data_overrides(path: &str) -> Result<Vec<String>> {
    let found = Path::new(path);
    if !found.exists() {
        bail!("--data {path}: no such file or folder");
    }
    let (source, whole_images) = infer(found)?;
    let mut sets = vec![
        format!("data.source={source}"),
        format!("data.path={}", toml::Value::String(path.to_string())),
    ];
    if whole_images {
        sets.push("data.patch=0".into());
    }
    Ok(sets)
}

/// The source a path's name implies: (source, whole images rather than patches).
fn infer(path: &Path) -> Result<(&'static str, bool)> {
    let lower = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let name = lower(path);
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if path.is_dir() {
        let idx = std::fs::read_dir(path)
            .with_context(|| format!("{}: cannot list", path.display()))?
            .flatten()
            .any(|e| lower(&e.path()).contains("idx3"));
        return Ok(if idx {
            ("idx", false)
        } else {
            ("images", true)
        });
    }
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "npy" => ("npy", false),
        // The bundled 8x8 digits: 64 pixels then the label.
        "csv" if name.starts_with("digits") => ("digits", false),
        "csv" => ("csv", false),
        e if IMAGE_EXTENSIONS.contains(&e) => ("images", true),
        _ if name.contains("idx") => ("idx", false),
        _ => bail!(
            "{}: cannot tell the format from the name (expected .npy, .csv, an IDX name like train-images-idx3-ubyte, or an image: {})",
            path.display(),
            IMAGE_EXTENSIONS.join(", ")
        ),
    })
}

/// A serde enum's name as written in a preset.
fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Count, shape, value range and labels, a line each.
pub fn summary(data: &Dataset) -> String {
    let (rows, cols) = data.shape;
    let n = data.x.len().max(1) as f64;
    let min = data.x.fold(f32::INFINITY, |a, &b| a.min(b));
    let max = data.x.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let mean = data.x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let mut out = format!(
        "samples {}  shape {rows}x{cols}  inputs {}\nvalues min {min:.4}  max {max:.4}  mean {mean:.4}\n",
        data.len(),
        data.inputs()
    );
    match &data.labels {
        None => out.push_str("labels none\n"),
        Some(labels) => {
            let mut counts = [0usize; 256];
            for &l in labels {
                counts[l as usize] += 1;
            }
            let shown: Vec<String> = (0..256)
                .filter(|&l| counts[l] > 0)
                .map(|l| format!("{l}:{}", counts[l]))
                .collect();
            out.push_str(&format!(
                "labels {} classes  {}\n",
                shown.len(),
                shown.join(" ")
            ));
        }
    }
    if data.tangents.is_some() {
        out.push_str("tangents: the unit tangent of the curve at every sample\n");
    }
    out
}

/// The first `count` samples as ASCII pictures, side by side while they fit.
pub fn draw(data: &Dataset, count: usize) -> Vec<String> {
    let pictures: Vec<Vec<String>> = (0..count.min(data.len()))
        .map(|i| picture(data, i))
        .collect();
    let mut lines = Vec::new();
    let mut group: Vec<&Vec<String>> = Vec::new();
    let width = |g: &[&Vec<String>]| g.iter().map(|p| p[0].chars().count() + 2).sum::<usize>();
    for p in &pictures {
        if !group.is_empty() && width(&group) + p[0].chars().count() > LINE_WIDTH {
            lines.extend(side_by_side(&group));
            group.clear();
        }
        group.push(p);
    }
    lines.extend(side_by_side(&group));
    lines
}

fn side_by_side(group: &[&Vec<String>]) -> Vec<String> {
    let height = group.iter().map(|p| p.len()).max().unwrap_or(0);
    (0..height)
        .map(|r| {
            let parts: Vec<String> = group
                .iter()
                .map(|p| {
                    let w = p[0].chars().count();
                    format!("{:w$}", p.get(r).map_or("", |s| s.as_str()))
                })
                .collect();
            format!("|{}|", parts.join("|  |"))
        })
        .collect()
}

/// Sample `i`, averaged down to at most MAX_COLS columns, shaded from its own
/// minimum to its maximum; each pixel two characters wide while narrow, since
/// terminal cells are about twice as tall as wide.
fn picture(data: &Dataset, i: usize) -> Vec<String> {
    let (rows, cols) = data.shape;
    let x = data.x.row(i);
    let f = cols.div_ceil(MAX_COLS).max(1);
    let out_c = cols.div_ceil(f);
    // A narrow picture doubles its characters; a wide one halves its rows.
    let repeat = if out_c <= MAX_COLS / 2 { 2 } else { 1 };
    let fr = (f * (3 - repeat)).min(rows).max(1);
    let out_r = rows.div_ceil(fr);
    let mut cells = vec![0f32; out_r * out_c];
    for (r, row) in cells.chunks_mut(out_c).enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            let (mut sum, mut k) = (0.0, 0.0);
            for rr in r * fr..((r + 1) * fr).min(rows) {
                for cc in c * f..((c + 1) * f).min(cols) {
                    sum += x[rr * cols + cc];
                    k += 1.0;
                }
            }
            *cell = sum / k;
        }
    }
    let lo = cells.iter().copied().fold(f32::INFINITY, f32::min);
    let hi = cells.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    cells
        .chunks(out_c)
        .map(|row| {
            row.iter()
                .map(|&v| {
                    let level = ((v - lo) / span * (RAMP.len() - 1) as f32).round() as usize;
                    let ch = RAMP[level.min(RAMP.len() - 1)] as char;
                    std::iter::repeat_n(ch, repeat).collect::<String>()
                })
                .collect()
        })
        .collect()
}
