//! Finding a preset by path or bundled name.

use std::path::PathBuf;

/// The names of the bundled presets (`presets/*.toml`).
pub fn bundled() -> Vec<String> {
    let mut names: Vec<String> = [
        PathBuf::from("presets"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("presets"),
    ]
    .iter()
    .find_map(|dir| std::fs::read_dir(dir).ok())
    .into_iter()
    .flatten()
    .filter_map(|e| {
        e.ok()?
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
    })
    .collect();
    names.sort();
    names
}

/// A path given on the command line: a preset file, or the name of a bundled
/// one (`denoising` → `presets/denoising.toml`).
pub fn find(name: &str) -> PathBuf {
    let direct = PathBuf::from(name);
    if direct.exists() {
        return direct;
    }
    for base in [
        PathBuf::from("."),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    ] {
        let candidate = base.join("presets").join(format!("{name}.toml"));
        if candidate.exists() {
            return candidate;
        }
        let candidate = base.join(name);
        if candidate.exists() {
            return candidate;
        }
    }
    direct
}
