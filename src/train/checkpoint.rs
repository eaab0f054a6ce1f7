//! Checkpoints: every model's weights as JSON (`w` in the lab), and loading
//! them back into a trainer of the same preset (`--resume FILE`).

use crate::model::{Arch, Params};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A checkpoint that cannot be written or read back into this preset's models.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{file}: cannot write: {error}")]
    Write { file: String, error: std::io::Error },
    #[error("{file}: cannot read: {error}")]
    Read { file: String, error: std::io::Error },
    #[error("{file}: not an aelab checkpoint: {error}")]
    Format {
        file: String,
        error: serde_json::Error,
    },
    #[error("{file}: no model labelled \"{label}\" (it has {labels:?})")]
    NoModel {
        file: String,
        label: String,
        labels: Vec<String>,
    },
    #[error("{file}: model \"{label}\" is {found}, but the preset's is {expected}")]
    Shape {
        file: String,
        label: String,
        found: String,
        expected: String,
    },
}

/// "784→64 (tied: false)".
fn shape(a: Arch) -> String {
    format!("{}→{} (tied: {})", a.inputs, a.hidden, a.tied)
}

#[derive(Serialize, Deserialize)]
struct ModelWeights {
    label: String,
    inputs: usize,
    hidden: usize,
    tied: bool,
    /// θ = [W1, b1, (W2), b2], as `Params` lays it out.
    theta: Vec<f32>,
}

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    preset: String,
    step: u64,
    models: Vec<ModelWeights>,
}

/// Writes the models' weights, labelled, with the step they were taken at.
pub fn save(
    path: &Path,
    preset: &str,
    step: u64,
    models: &[(String, &Params<f32>)],
) -> Result<(), CheckpointError> {
    let checkpoint = Checkpoint {
        preset: preset.to_string(),
        step,
        models: models
            .iter()
            .map(|(label, p)| ModelWeights {
                label: label.clone(),
                inputs: p.arch.inputs,
                hidden: p.arch.hidden,
                tied: p.arch.tied,
                theta: p.theta.clone(),
            })
            .collect(),
    };
    let file = path.display().to_string();
    let text = serde_json::to_string(&checkpoint).map_err(|error| CheckpointError::Format {
        file: file.clone(),
        error,
    })?;
    std::fs::write(path, text).map_err(|error| CheckpointError::Write { file, error })
}

/// The weights of the model labelled `label` in the checkpoint at `path`,
/// which must have the shape `arch`.
pub fn load(path: &Path, label: &str, arch: Arch) -> Result<Params<f32>, CheckpointError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| CheckpointError::Read {
        file: file.clone(),
        error,
    })?;
    let checkpoint: Checkpoint =
        serde_json::from_str(&text).map_err(|error| CheckpointError::Format {
            file: file.clone(),
            error,
        })?;
    let labels: Vec<String> = checkpoint.models.iter().map(|m| m.label.clone()).collect();
    let Some(m) = checkpoint.models.iter().find(|m| m.label == label) else {
        return Err(CheckpointError::NoModel {
            file,
            label: label.into(),
            labels,
        });
    };
    let found = Arch {
        inputs: m.inputs,
        hidden: m.hidden,
        tied: m.tied,
    };
    if found != arch || m.theta.len() != arch.len() {
        return Err(CheckpointError::Shape {
            file,
            label: label.into(),
            found: shape(found),
            expected: shape(arch),
        });
    }
    Ok(Params {
        arch,
        theta: m.theta.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_round_trip_and_a_wrong_shape_is_named() {
        let arch = Arch {
            inputs: 3,
            hidden: 2,
            tied: false,
        };
        let params = Params {
            arch,
            theta: (0..arch.len()).map(|i| i as f32 * 0.5).collect(),
        };
        let path =
            std::env::temp_dir().join(format!("aelab-checkpoint-test-{}.json", std::process::id()));
        save(&path, "t.toml", 7, &[("dae".into(), &params)]).unwrap();
        assert_eq!(load(&path, "dae", arch).unwrap(), params);
        let err = load(&path, "dae", Arch { hidden: 4, ..arch })
            .unwrap_err()
            .to_string();
        assert!(err.contains("3→2") && err.contains("3→4"), "{err}");
        let err = load(&path, "nope", arch).unwrap_err().to_string();
        assert!(err.contains("\"dae\""), "{err}");
        std::fs::remove_file(path).ok();
    }
}
