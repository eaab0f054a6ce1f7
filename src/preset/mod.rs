//! Presets: the TOML schema of DESIGN.md, `--set key=value` overrides, the
//! variant defaults, validation and `[[timeline]]` entries. Errors name the
//! file, line and key (or the `--set` item) and what is allowed.
//!
//! The text is parsed once (`source.rs`, with the line of every key); models
//! are resolved in `resolve.rs`; timeline entries become typed events in
//! `changes.rs`. Nothing of TOML outlives `Preset::parse`.

mod changes;
mod find;
mod overrides;
mod resolve;
mod schema;
mod source;
mod stack;

use changes::timeline_text;
pub use find::{BUNDLED, BUNDLED_ORIGIN, bundled, bundled_text, find, name_of, summary};
pub use stack::Stack;

use crate::data::DataSpec;
use crate::model::Corruption;
use crate::optim::OptimizerKind;
use crate::settings::{ModelConfig, Timed, config::check_corruption};
use schema::{MODEL_KEYS, RawFile};
use source::Source;
use std::path::Path;
use toml::{Table, Value};

/// A preset that failed to load, parse or validate.
#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    #[error("{file}: cannot read the preset: {error}{hint}")]
    Read {
        file: String,
        error: std::io::Error,
        hint: String,
    },
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

const DEFAULT_BATCH: usize = 64;
const DEFAULT_EPOCHS: usize = 10;
const DEFAULT_SEED: u64 = 42;

/// A loaded, validated preset.
#[derive(Clone, Debug)]
pub struct Preset {
    /// The file name (or "built-in …") used in messages.
    pub origin: String,
    pub name: String,
    pub seed: u64,
    pub data: DataSpec,
    /// Minibatch size shared by every model (the same batches for all).
    pub batch: usize,
    pub epochs: usize,
    /// How validation inputs are corrupted for `val_recon`.
    pub eval_corrupt: Corruption,
    /// The base model first, then one per `[[compare]]` entry; labels unique.
    pub models: Vec<ModelConfig>,
    /// What happens at which step when the preset runs, in order.
    pub timeline: Vec<Timed>,
    /// `[stack]`: more layers above the base model, trained greedily.
    pub stack: Option<Stack>,
    /// The `--set` items it was loaded with (a checkpoint names them, so that
    /// `--resume` alone rebuilds the same preset).
    pub sets: Vec<String>,
    /// The preset as text, without its timeline, for a recorded session to build on.
    record_base: String,
}

impl Preset {
    /// Loads a preset file and applies `--set` overrides.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Preset, PresetError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| {
            let hint = if error.kind() == std::io::ErrorKind::NotFound {
                format!(
                    " (a preset is a .toml file or one of the bundled: {})",
                    bundled().join(", ")
                )
            } else {
                String::new()
            };
            PresetError::Read {
                file: file.clone(),
                error,
                hint,
            }
        })?;
        Self::parse(&file, &text, overrides)
    }

    /// A preset by command-line name: a file on disk (`find`), else the
    /// bundled preset of that name, else the file's read error.
    pub fn open(name: &str, overrides: &[String]) -> Result<Preset, PresetError> {
        let path = find(name);
        match bundled_text(name) {
            Some(text) if !path.exists() => {
                Self::builtin(name.trim_end_matches(".toml"), text, overrides)
            }
            _ => Self::load(&path, overrides),
        }
    }

    /// A built-in preset (the default demo), parsed like a file.
    pub fn builtin(name: &str, text: &str, overrides: &[String]) -> Result<Preset, PresetError> {
        Self::parse(&format!("{BUNDLED_ORIGIN}{name}"), text, overrides)
    }

    /// Parses preset text; `file` names it in messages.
    pub fn parse(file: &str, text: &str, overrides: &[String]) -> Result<Preset, PresetError> {
        let source = Source::parse(file, text, overrides)?;
        let raw: RawFile =
            Value::Table(source.table.clone())
                .try_into()
                .map_err(|e: toml::de::Error| PresetError::Invalid {
                    origin: file.to_string(),
                    message: e.message().to_string(),
                })?;
        let invalid = |key: &str, message: String| PresetError::Invalid {
            origin: source.origin(key, None),
            message,
        };
        let data = raw.data.unwrap_or_default();
        if !(0.0..1.0).contains(&data.validation) {
            return Err(invalid(
                "data.validation",
                format!("must be in [0, 1), got {}", data.validation),
            ));
        }
        let train = raw.train.unwrap_or_default();
        let batch = train.batch.unwrap_or(DEFAULT_BATCH);
        if batch == 0 {
            return Err(invalid("train.batch", "must be at least 1".into()));
        }
        let eval_corrupt = resolve::corruption(
            raw.eval.and_then(|e| e.corrupt).unwrap_or_default(),
            Corruption::NONE,
        )
        .and_then(|c| check_corruption(&c).map(|()| c))
        .map_err(|m| invalid("eval.corrupt", m))?;
        let models = models(&source)?;
        let labels: Vec<String> = models.iter().map(|m| m.label.clone()).collect();
        let timeline = changes::timeline(&source, &labels)?;
        let epochs = train.epochs.unwrap_or(DEFAULT_EPOCHS);
        let stack = stack::resolve(&source, raw.stack, &models, epochs)?;
        Ok(Preset {
            origin: file.to_string(),
            name: raw.name.unwrap_or_else(|| file.to_string()),
            seed: raw.seed.unwrap_or(DEFAULT_SEED),
            data,
            batch,
            epochs,
            eval_corrupt,
            models,
            timeline,
            stack,
            sets: overrides.to_vec(),
            record_base: record_base(&source),
        })
    }

    /// The preset with `log` (every event of a session) as its timeline: a
    /// file that replays the session step for step.
    pub fn recorded(&self, log: &[Timed]) -> String {
        let labels: Vec<String> = self.models.iter().map(|m| m.label.clone()).collect();
        format!(
            "{}\n\n# Recorded by aelab: every change and reset of the session, at the step it took effect.\n{}",
            self.record_base.trim_end(),
            timeline_text(log, &labels)
        )
    }
}

/// One table per model: the file's model keys, then a `[[compare]]` entry on
/// top; each resolved, with a label that is unique and fixed from now on.
fn models(source: &Source) -> Result<Vec<ModelConfig>, PresetError> {
    let mut base = Table::new();
    for key in MODEL_KEYS {
        if let Some(v) = source.table.get(key) {
            base.insert(key.to_string(), v.clone());
        }
    }
    let mut tables = vec![base.clone()];
    if let Some(Value::Array(entries)) = source.table.get("compare") {
        for entry in entries {
            let mut merged = base.clone();
            if let Value::Table(t) = entry {
                overrides::merge(&mut merged, t);
            }
            tables.push(merged);
        }
    }
    // The base model's own label is not inherited by the others.
    if let Some(label) = source.table.get("label") {
        tables[0].insert("label".into(), label.clone());
    }
    let mut models: Vec<ModelConfig> = Vec::new();
    for (i, table) in tables.into_iter().enumerate() {
        let mut model = resolve::model(source, table, i)?;
        if models.iter().any(|m| m.label == model.label) {
            model.label = format!("{}-{}", model.label, i + 1);
        }
        let lbfgs = |m: &ModelConfig| m.optimizer == OptimizerKind::Lbfgs;
        if i > 0 && lbfgs(&model) != lbfgs(&models[0]) {
            return Err(PresetError::Invalid {
                origin: source.origin("train.optimizer", Some(i - 1)),
                message: "every model must use L-BFGS, or none: they share the batches".into(),
            });
        }
        models.push(model);
    }
    Ok(models)
}

/// The text a recorded session starts from: the file as written when it has
/// neither overrides nor a timeline of its own (comments kept); otherwise the
/// table as it ran, without its timeline (the session's log replaces it).
fn record_base(source: &Source) -> String {
    let overrides = source.override_items();
    if overrides.is_empty() && !source.table.contains_key("timeline") {
        return source.text.clone();
    }
    let mut table = source.table.clone();
    table.remove("timeline");
    let sets: Vec<String> = overrides.iter().map(|o| format!("--set {o}")).collect();
    let with = if sets.is_empty() {
        String::new()
    } else {
        format!(" with {}", sets.join(" "))
    };
    format!(
        "# Recorded by aelab from {}{with}: the preset as it ran; its own\n# timeline is part of the session's below.\n{}",
        source.file,
        toml::to_string(&table).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, CorruptionKind, Sparsity};

    #[test]
    fn the_variant_sets_defaults_and_the_preset_overrides_them() {
        let p = Preset::parse(
            "t.toml",
            "variant = \"denoising\"\n[corrupt]\nlevel = 0.4\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            p.models[0].corrupt,
            Corruption {
                kind: CorruptionKind::Mask,
                level: 0.4
            }
        );
        let p = Preset::parse("t.toml", "variant = \"sparse\"\n", &[]).unwrap();
        assert_eq!(
            p.models[0].penalties.sparsity,
            Some(Sparsity {
                rho: 0.05,
                beta: 3.0
            })
        );
    }

    #[test]
    fn set_overrides_any_key_and_reads_bare_words_as_strings() {
        let p = Preset::parse(
            "t.toml",
            "variant = \"denoising\"\n",
            &["model.encoder=tanh".into(), "corrupt.level=0.5".into()],
        )
        .unwrap();
        assert_eq!(p.models[0].encoder, Activation::Tanh);
        assert_eq!(p.models[0].corrupt.level, 0.5);
    }

    /// A level alone must not turn corruption on silently.
    #[test]
    fn a_corruption_level_without_a_kind_is_refused_on_a_clean_model() {
        let err = Preset::parse("t.toml", "", &["corrupt.level=0.5".into()])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--set corrupt.level=0.5") || err.contains("corrupt.kind"),
            "{err}"
        );
    }

    /// A recorded timeline is a sequence: a level set after a variant that
    /// brings corruption loads, though the level alone would not on vanilla.
    #[test]
    fn timeline_entries_are_checked_for_typos_not_judged_alone() {
        let text = "[[timeline]]\nstep = 3\nset = { variant = \"denoising\" }\n[[timeline]]\nstep = 5\nset = { \"corrupt.level\" = 0.3 }\n";
        Preset::parse("t.toml", text, &[]).unwrap();
        let typo = "[[timeline]]\nstep = 5\nset = { \"corrupt.levl\" = 0.3 }\n";
        let err = Preset::parse("t.toml", typo, &[]).unwrap_err().to_string();
        assert!(
            err.contains("step 5") && err.contains("levl") && err.contains("level"),
            "{err}"
        );
    }

    #[test]
    fn compare_entries_inherit_the_base_keys() {
        let text = "[model]\nhidden = 10\n[[compare]]\nlabel = \"dae\"\nvariant = \"denoising\"\n";
        let p = Preset::parse("t.toml", text, &[]).unwrap();
        assert_eq!(p.models.len(), 2);
        assert_eq!(p.models[1].hidden, 10);
        assert_eq!(p.models[1].label, "dae");
        assert_eq!(p.models[1].corrupt.kind, CorruptionKind::Mask);
    }

    #[test]
    fn an_unknown_key_names_file_line_and_the_allowed_keys() {
        let err = Preset::parse("p.toml", "seed = 1\n[model]\nhiden = 3\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.toml:3:1:"), "{err}");
        assert!(err.contains("hiden") && err.contains("hidden"), "{err}");
    }

    #[test]
    fn a_nonsense_combination_names_the_line_and_the_reason() {
        let text =
            "[model]\nencoder = \"relu\"\n[regularize]\nsparsity = { rho = 0.05, beta = 3.0 }\n";
        let err = Preset::parse("p.toml", text, &[]).unwrap_err().to_string();
        assert!(err.starts_with("p.toml:4: regularize.sparsity"), "{err}");
        assert!(err.contains("sigmoid"), "{err}");
    }
}
