//! Where a run is autosaved when a signal ends it: one file per preset in the
//! user's state folder (`$XDG_STATE_HOME/aelab`, else `~/.local/state/aelab`,
//! else the temporary folder), so the next start of the same preset, from
//! any folder, finds it.

use crate::preset::Preset;
use std::path::PathBuf;

/// The autosave file of `preset`, keyed by its name: `demo` whether it was
/// read from `presets/demo.toml` in a checkout or built into the binary.
pub fn path(preset: &Preset) -> PathBuf {
    let key: String = (crate::preset::name_of(&preset.origin).chars())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(120)
        .collect();
    folder().join(format!("{key}.autosave.{}", super::checkpoint::EXTENSION))
}

fn folder() -> PathBuf {
    let env = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_STATE_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".local").join("state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("aelab")
}

/// Saves the run as `preset`'s autosave; the file's path, or why not.
pub fn save(trainer: &super::Trainer) -> Result<PathBuf, String> {
    let path = path(trainer.preset());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot create the folder: {e}", parent.display()))?;
    }
    // The autosave before this one stays as *.prev.ckpt: a signal soon after
    // a fresh start must not leave only that start.
    if path.exists() {
        let _ = std::fs::rename(
            &path,
            path.with_extension(format!("prev.{}", super::checkpoint::EXTENSION)),
        );
    }
    trainer
        .save_checkpoint(&path)
        .map(|()| path)
        .map_err(|e| e.to_string())
}
