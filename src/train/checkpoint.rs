//! Checkpoints: everything a run depends on (weights, optimiser state, RNG
//! states, step, epoch, the data order, every model's current settings, the
//! session's log and the place in the preset's timeline), so that a resumed
//! run takes the very same steps. `w` in the lab, `aelab train --save`, and
//! the autosave on a signal write one; `--resume FILE` reads it.
//!
//! The file is binary and versioned: the 8 bytes `AELABCKP`, the format as a
//! little-endian u32, then the [`Checkpoint`] in postcard (f32 as its 4
//! bytes: exact, and about a quarter of decimal text). It is written to a
//! temporary file and renamed, so a crash never leaves half a checkpoint.

use super::blowup::Watch;
use super::slot::EpochSum;
use crate::optim::{Lbfgs, OptimizerState};
use crate::settings::{ModelConfig, Timed};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file name ending of a checkpoint.
pub const EXTENSION: &str = "ckpt";
const MAGIC: &[u8; 8] = b"AELABCKP";
/// Bumped whenever [`Checkpoint`] changes shape. Format 1 was a JSON file of
/// weights only; format 2 had no VAE settings (latent, β, warm-up, KL sums).
pub const FORMAT: u32 = 3;

/// A checkpoint that cannot be written, or read back into this run.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{file}: cannot write: {error}")]
    Write { file: String, error: std::io::Error },
    #[error("{file}: cannot read: {error}")]
    Read { file: String, error: std::io::Error },
    #[error("{file}: not an aelab checkpoint ({what})")]
    NotACheckpoint { file: String, what: String },
    #[error("{file}: a checkpoint of format {found}, but this aelab reads format {FORMAT}{hint}")]
    Version {
        file: String,
        found: u32,
        hint: &'static str,
    },
    #[error("{file}: the checkpoint is damaged or cut short: {error}")]
    Damaged {
        file: String,
        error: postcard::Error,
    },
    #[error("{file}: {message}")]
    Mismatch { file: String, message: String },
}

/// Everything a run depends on, as saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The preset's origin (a path or a bundled name) and its `--set` items:
    /// `--resume FILE` without a preset loads these.
    pub preset: String,
    pub sets: Vec<String>,
    pub run: RunState,
    pub models: Vec<ModelState>,
}

/// The trainer's own state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub seed: u64,
    pub step: u64,
    pub epoch: u64,
    /// This epoch's order of training samples and where the next batch starts.
    pub order: Vec<u32>,
    pub cursor: u64,
    /// The batch-order RNG (ChaCha12: key, stream and word position).
    pub shuffle: Vec<u8>,
    pub timeline_at: u64,
    pub log: Vec<Timed>,
}

/// One model's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelState {
    /// The settings it has now, changes made live included.
    pub config: ModelConfig,
    pub version: u32,
    /// θ = [W1, b1, (W2), b2], as `Params` lays it out.
    pub theta: Vec<f32>,
    pub optimizer: SavedOptimizer,
    /// The corruption-noise RNG.
    pub noise: Vec<u8>,
    pub epoch_sum: EpochSum,
    pub val_recon: Option<f32>,
    /// What the blow-up watch has seen.
    pub watch: Watch,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SavedOptimizer {
    FirstOrder(OptimizerState<f32>),
    Lbfgs(Lbfgs<f32>),
}

impl Checkpoint {
    /// Writes the checkpoint atomically.
    pub fn write(&self, path: &Path) -> Result<(), CheckpointError> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(FORMAT.to_le_bytes());
        let bytes = postcard::to_extend(self, bytes).expect("a checkpoint always encodes");
        crate::files::write_atomic(path, &bytes).map_err(|error| CheckpointError::Write {
            file: path.display().to_string(),
            error,
        })
    }

    /// Reads a checkpoint, telling a foreign, old or damaged file apart.
    pub fn read(path: &Path) -> Result<Checkpoint, CheckpointError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|error| CheckpointError::Read {
            file: file.clone(),
            error,
        })?;
        Self::decode(&file, &bytes)
    }

    /// The checkpoint in `bytes`; `file` names it in errors.
    pub fn decode(file: &str, bytes: &[u8]) -> Result<Checkpoint, CheckpointError> {
        let file = file.to_string();
        if bytes.first() == Some(&b'{') {
            return Err(CheckpointError::Version {
                file,
                found: 1,
                hint: " (format 1 held the weights only, as JSON; open its preset and save again with w)",
            });
        }
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return Err(CheckpointError::NotACheckpoint {
                file,
                what: "it does not start with AELABCKP".into(),
            });
        };
        let (format, body) = rest
            .split_at_checked(4)
            .ok_or(CheckpointError::NotACheckpoint {
                file: file.clone(),
                what: "it ends inside its header".into(),
            })?;
        let found = u32::from_le_bytes(format.try_into().expect("4 bytes"));
        if found != FORMAT {
            return Err(CheckpointError::Version {
                file,
                found,
                hint: "",
            });
        }
        match postcard::take_from_bytes::<Checkpoint>(body) {
            Ok((checkpoint, [])) => Ok(checkpoint),
            Ok((_, extra)) => Err(CheckpointError::NotACheckpoint {
                file,
                what: format!("{} bytes after its end", extra.len()),
            }),
            Err(error) => Err(CheckpointError::Damaged { file, error }),
        }
    }
}

/// `aelab-checkpoint-step<N>.ckpt`: the name `w` and `--save` use.
pub fn file_name(step: u64) -> String {
    format!("aelab-checkpoint-step{step}.{EXTENSION}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            preset: "presets/demo.toml".into(),
            sets: vec!["train.lr=0.5".into()],
            run: RunState {
                seed: 7,
                step: 3,
                epoch: 1,
                order: vec![2, 0, 1],
                cursor: 1,
                shuffle: vec![9; 49],
                timeline_at: 0,
                log: Vec::new(),
            },
            models: Vec::new(),
        }
    }

    #[test]
    fn a_checkpoint_round_trips_and_bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.ckpt");
        checkpoint().write(&path).unwrap();
        assert_eq!(Checkpoint::read(&path).unwrap(), checkpoint());
        let bytes = std::fs::read(&path).unwrap();
        let err = |b: &[u8]| Checkpoint::decode("c.ckpt", b).unwrap_err().to_string();
        assert!(err(&bytes[..bytes.len() - 3]).contains("damaged or cut short"));
        assert!(err(b"{\"preset\":1}").contains("format 1"));
        assert!(err(b"PK\x03\x04").contains("does not start with AELABCKP"));
        let mut newer = bytes.clone();
        newer[8] = 9;
        assert!(err(&newer).contains("format 9, but this aelab reads format 3"));
        let mut longer = bytes;
        longer.push(0);
        assert!(err(&longer).contains("1 bytes after its end"));
    }
}
