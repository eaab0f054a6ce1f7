//! Presets: the TOML schema of DESIGN.md, `--set key=value` overrides, the
//! variant defaults, and validation. Errors name the file, line, key and what
//! is allowed.
//!
//! Resolution order for one model: built-in defaults ← the variant's defaults
//! ← the preset's keys ← its `[[compare]]` entry ← `--set` ← runtime changes.

use crate::data::DataSpec;
use crate::model::{
    Activation, Arch, Corruption, CorruptionKind, Loss, Objective, Penalties, Sparsity, Variant,
};
use crate::optim::OptimizerKind;
use serde::Deserialize;
use std::path::{Path, PathBuf};
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

/// Where a value came from: `file:line: key` or `--set key`.
fn origin(file: &str, text: &str, key: &str) -> String {
    match locate(text, key) {
        Some(line) => format!("{file}:{line}: {key}"),
        None => format!("{file}: {key}"),
    }
}

/// The resolved settings of one model: what the trainer runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelConfig {
    pub label: String,
    pub variant: Variant,
    pub hidden: usize,
    pub encoder: Activation,
    pub decoder: Activation,
    pub tied: bool,
    pub loss: Loss,
    pub penalties: Penalties,
    pub corrupt: Corruption,
    pub optimizer: OptimizerKind,
    pub lr: f64,
}

impl ModelConfig {
    pub fn objective(&self) -> Objective {
        Objective {
            encoder: self.encoder,
            decoder: self.decoder,
            loss: self.loss,
            penalties: self.penalties,
        }
    }

    pub fn arch(&self, inputs: usize) -> Arch {
        Arch {
            inputs,
            hidden: self.hidden,
            tied: self.tied,
        }
    }
}

/// A change applied at exactly `step` when a preset is replayed.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEntry {
    pub step: u64,
    /// The model it applies to (index into `Preset::models`), or all.
    pub model: Option<usize>,
    pub set: Vec<(String, Value)>,
}

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
    /// The base model first, then one per `[[compare]]` entry.
    pub models: Vec<ModelConfig>,
    pub timeline: Vec<TimelineEntry>,
    /// The model tables before resolution, for runtime changes.
    model_tables: Vec<Table>,
    text: String,
    /// The `--set` overrides it was loaded with.
    overrides: Vec<String>,
}

// ---- the file as written: every key optional, unknown keys refused ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // model keys are read again per model from the table
struct RawFile {
    name: Option<String>,
    seed: Option<u64>,
    variant: Option<Variant>,
    data: Option<DataSpec>,
    model: Option<RawArch>,
    regularize: Option<RawRegularize>,
    corrupt: Option<RawCorrupt>,
    train: Option<RawTrain>,
    eval: Option<RawEval>,
    compare: Option<Vec<RawModel>>,
    timeline: Option<Vec<RawTimeline>>,
}

/// The keys one model is made of (the base preset's, or a `[[compare]]` entry's).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawModel {
    label: Option<String>,
    variant: Option<Variant>,
    model: Option<RawArch>,
    regularize: Option<RawRegularize>,
    corrupt: Option<RawCorrupt>,
    train: Option<RawTrain>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawArch {
    hidden: Option<usize>,
    encoder: Option<Activation>,
    decoder: Option<Activation>,
    tied: Option<bool>,
    loss: Option<Loss>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRegularize {
    weight_decay: Option<f64>,
    sparsity: Option<Sparsity>,
    l1: Option<f64>,
    k_sparse: Option<usize>,
    contractive: Option<f64>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct RawCorrupt {
    kind: Option<CorruptionKind>,
    level: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTrain {
    optimizer: Option<OptimizerKind>,
    lr: Option<f64>,
    batch: Option<usize>,
    epochs: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEval {
    corrupt: Option<RawCorrupt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // `set` is read again from the table to keep its key order
struct RawTimeline {
    step: u64,
    model: Option<String>,
    set: Table,
}

/// Keys of the file that belong to every model (copied into each model's table).
const MODEL_KEYS: [&str; 5] = ["variant", "model", "regularize", "corrupt", "train"];

/// Defaults where neither the variant nor the preset says otherwise.
const DEFAULT_HIDDEN: usize = 64;
const DEFAULT_LR: f64 = 1e-3;
const DEFAULT_BATCH: usize = 64;
const DEFAULT_EPOCHS: usize = 10;
const DEFAULT_SEED: u64 = 42;

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

    /// Parses preset text; `file` names it in messages.
    pub fn parse(file: &str, text: &str, overrides: &[String]) -> Result<Preset, PresetError> {
        // First pass on the text alone, so errors carry line and column.
        toml::from_str::<RawFile>(text).map_err(|e| parse_error(file, text, &e))?;
        let mut table: Table = toml::from_str(text).map_err(|e| parse_error(file, text, &e))?;
        for item in overrides {
            let (key, value) = parse_override(item)?;
            set_dotted(&mut table, &key, value).map_err(|message| PresetError::Invalid {
                origin: format!("--set {key}"),
                message,
            })?;
        }
        let raw: RawFile = match Value::Table(table).try_into() {
            Ok(raw) => raw,
            Err(e) => return Err(blame_override(file, text, overrides, &e)),
        };
        let table: Table = toml::from_str(text).map_err(|e| parse_error(file, text, &e))?;
        let table = overrides.iter().try_fold(table, |mut t, item| {
            let (key, value) = parse_override(item)?;
            set_dotted(&mut t, &key, value).map_err(|message| PresetError::Invalid {
                origin: format!("--set {key}"),
                message,
            })?;
            Ok::<_, PresetError>(t)
        })?;

        let seed = raw.seed.unwrap_or(DEFAULT_SEED);
        let data = raw.data.unwrap_or_default();
        if !(0.0..1.0).contains(&data.validation) {
            return Err(invalid(
                file,
                text,
                "data.validation",
                format!("must be in [0, 1), got {}", data.validation),
            ));
        }
        let base_train = raw.train.unwrap_or_default();
        let batch = base_train.batch.unwrap_or(DEFAULT_BATCH);
        let epochs = base_train.epochs.unwrap_or(DEFAULT_EPOCHS);
        if batch == 0 {
            return Err(invalid(
                file,
                text,
                "train.batch",
                "must be at least 1".into(),
            ));
        }
        let eval_corrupt = resolve_corrupt(
            raw.eval.and_then(|e| e.corrupt).unwrap_or_default(),
            Corruption::NONE,
        )
        .map_err(|m| invalid(file, text, "eval.corrupt", m))?;
        check_corrupt(&eval_corrupt).map_err(|m| invalid(file, text, "eval.corrupt", m))?;

        // One table per model: the file's model keys, then a compare entry on top.
        let mut base = Table::new();
        for key in MODEL_KEYS {
            if let Some(v) = table.get(key) {
                base.insert(key.to_string(), v.clone());
            }
        }
        let mut model_tables = vec![base.clone()];
        if let Some(Value::Array(entries)) = table.get("compare") {
            for entry in entries {
                let mut merged = base.clone();
                if let Value::Table(t) = entry {
                    merge(&mut merged, t);
                }
                model_tables.push(merged);
            }
        }
        let mut preset = Preset {
            origin: file.to_string(),
            name: raw.name.unwrap_or_else(|| file.to_string()),
            seed,
            data,
            batch,
            epochs,
            eval_corrupt,
            models: Vec::new(),
            timeline: Vec::new(),
            model_tables,
            text: text.to_string(),
            overrides: overrides.to_vec(),
        };
        for i in 0..preset.model_tables.len() {
            let mut model = preset.resolve_model(i, &[])?;
            // Fix the label now, unique, so it names the model for good: a
            // later change of variant must not rename it.
            if preset.models.iter().any(|m| m.label == model.label) {
                model.label = format!("{}-{}", model.label, i + 1);
            }
            preset.model_tables[i].insert("label".into(), Value::String(model.label.clone()));
            if i > 0
                && (model.optimizer == OptimizerKind::Lbfgs)
                    != (preset.models[0].optimizer == OptimizerKind::Lbfgs)
            {
                return Err(invalid(
                    file,
                    text,
                    "compare",
                    "every model must use L-BFGS, or none: they share the batches".into(),
                ));
            }
            preset.models.push(model);
        }
        preset.timeline = parse_timeline(file, text, &table, &preset.models)?;
        // A typo in a timeline entry is found now, not when its step comes.
        // (Whether a change makes sense is judged when it is applied, as in
        // the lab: a refused change is a message there, not a broken file.)
        for entry in &preset.timeline {
            for (key, value) in &entry.set {
                let mut table = preset.model_tables[entry.model.unwrap_or(0)].clone();
                set_dotted(&mut table, key, value.clone())
                    .and_then(|()| {
                        Value::Table(table)
                            .try_into::<RawModel>()
                            .map_err(|e| friendly(e.message()))
                    })
                    .map_err(|message| PresetError::Invalid {
                        origin: format!("{file}: [[timeline]] at step {}: {key}", entry.step),
                        message,
                    })?;
            }
        }
        Ok(preset)
    }

    /// Resolves model `i` with extra `key = value` changes on top (runtime
    /// keys, timeline entries). Batch-level keys are not model keys.
    pub fn resolve_model(
        &self,
        i: usize,
        changes: &[(String, Value)],
    ) -> Result<ModelConfig, PresetError> {
        let file = self.origin.as_str();
        let mut table = self.model_tables[i].clone();
        for (key, value) in changes {
            set_dotted(&mut table, key, value.clone()).map_err(|message| PresetError::Invalid {
                origin: key.clone(),
                message,
            })?;
        }
        let raw: RawModel = Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| PresetError::Invalid {
                origin: format!("{file}: model {i}"),
                message: e.message().to_string(),
            })?;
        let variant = raw.variant.unwrap_or(Variant::Vanilla);
        let d = variant.defaults();
        let arch = raw.model.unwrap_or_default();
        let reg = raw.regularize.unwrap_or_default();
        let train = raw.train.unwrap_or_default();
        let label = raw.label.unwrap_or_else(|| variant.name().to_string());
        let mut penalties = Penalties {
            weight_decay: reg.weight_decay.unwrap_or(d.penalties.weight_decay),
            sparsity: reg.sparsity.or(d.penalties.sparsity),
            l1: reg.l1.unwrap_or(d.penalties.l1),
            k_sparse: reg.k_sparse.unwrap_or(d.penalties.k_sparse),
            contractive: reg.contractive.unwrap_or(d.penalties.contractive),
        };
        // β = 0 turns the KL term off.
        if penalties.sparsity.is_some_and(|s| s.beta == 0.0) {
            penalties.sparsity = None;
        }
        let config = ModelConfig {
            label,
            variant,
            hidden: arch.hidden.unwrap_or(DEFAULT_HIDDEN),
            encoder: arch.encoder.unwrap_or(Activation::Sigmoid),
            decoder: arch.decoder.unwrap_or(Activation::Sigmoid),
            tied: arch.tied.unwrap_or(d.tied),
            loss: arch.loss.unwrap_or(Loss::Mse),
            penalties,
            corrupt: resolve_corrupt(raw.corrupt.unwrap_or_default(), d.corrupt).map_err(
                |message| PresetError::Invalid {
                    origin: format!("{file}: corrupt.level"),
                    message,
                },
            )?,
            optimizer: train.optimizer.unwrap_or(OptimizerKind::Adam),
            lr: train.lr.unwrap_or(DEFAULT_LR),
        };
        validate(&config).map_err(|(key, message)| {
            let touches = |k: &str| key.starts_with(k) || k.starts_with(key);
            let from_change = changes.iter().any(|(k, _)| touches(k));
            let from_set = self
                .overrides
                .iter()
                .find(|o| touches(o.split('=').next().unwrap_or("").trim()));
            let origin = match (from_change, from_set) {
                (true, _) => key.to_string(),
                (false, Some(item)) => format!("--set {item}"),
                (false, None) => origin(file, &self.text, key),
            };
            PresetError::Invalid {
                origin,
                message: format!("{message} (model \"{}\")", config.label),
            }
        })?;
        Ok(config)
    }

    /// The preset's text as loaded (before `--set`).
    pub fn source_text(&self) -> &str {
        &self.text
    }

    /// The `--set key=value` overrides it was loaded with.
    pub fn overrides(&self) -> &[String] {
        &self.overrides
    }

    /// A built-in preset (the default demo), parsed like a file.
    pub fn builtin(name: &str, text: &str, overrides: &[String]) -> Result<Preset, PresetError> {
        Self::parse(&format!("built-in preset {name}"), text, overrides)
    }
}

fn invalid(file: &str, text: &str, key: &str, message: String) -> PresetError {
    PresetError::Invalid {
        origin: origin(file, text, key),
        message,
    }
}

/// The corruption from a `[corrupt]` table over the variant's default. A
/// level alone keeps the default kind; on a model without corruption that
/// is refused rather than silently turning denoising on.
fn resolve_corrupt(raw: RawCorrupt, default: Corruption) -> Result<Corruption, String> {
    match (raw.kind, raw.level) {
        (None, None) => Ok(default),
        (Some(kind), level) => {
            // A kind without a level takes the lecture's level for it.
            let fallback = if kind == default.kind {
                default.level
            } else {
                default_level(kind)
            };
            Ok(Corruption {
                kind,
                level: level.unwrap_or(fallback),
            })
        }
        (None, Some(level)) if default.kind == CorruptionKind::None && level != 0.0 => {
            Err(format!(
                "level {level} given but the corruption kind is none: set corrupt.kind too (mask, gaussian or salt-pepper)"
            ))
        }
        (None, Some(level)) => Ok(Corruption {
            kind: default.kind,
            level,
        }),
    }
}

/// The level a corruption kind starts at when none is given.
pub fn default_level(kind: CorruptionKind) -> f64 {
    match kind {
        CorruptionKind::None => 0.0,
        CorruptionKind::Mask | CorruptionKind::SaltPepper => 0.25,
        CorruptionKind::Gaussian => 0.1,
    }
}

fn check_corrupt(c: &Corruption) -> Result<(), String> {
    let bounded = matches!(c.kind, CorruptionKind::Mask | CorruptionKind::SaltPepper);
    if !c.level.is_finite() || c.level < 0.0 || (bounded && c.level > 1.0) {
        let allowed = if bounded {
            "a probability in [0, 1]"
        } else {
            "σ ≥ 0"
        };
        return Err(format!(
            "level {} for {} corruption: expected {allowed}",
            c.level,
            c.kind.name()
        ));
    }
    Ok(())
}

/// The combinations that make no sense, refused with the reason; the key named first.
fn validate(c: &ModelConfig) -> Result<(), (&'static str, String)> {
    if c.hidden == 0 {
        return Err(("model.hidden", "must be at least 1".into()));
    }
    if c.loss == Loss::Bce && c.decoder != Activation::Sigmoid {
        return Err((
            "model.loss",
            format!(
                "bce needs a sigmoid decoder (outputs in (0, 1)), got decoder = \"{}\"",
                c.decoder.name()
            ),
        ));
    }
    if let Some(s) = c.penalties.sparsity {
        if !(s.rho > 0.0 && s.rho < 1.0) {
            return Err((
                "regularize.sparsity",
                format!("rho must be in (0, 1), got {}", s.rho),
            ));
        }
        if !(s.beta >= 0.0 && s.beta.is_finite()) {
            return Err((
                "regularize.sparsity",
                format!("beta must be ≥ 0, got {}", s.beta),
            ));
        }
        if !matches!(c.encoder, Activation::Sigmoid | Activation::Tanh) {
            return Err((
                "regularize.sparsity",
                format!(
                    "KL sparsity needs codes in (0, 1): use encoder = \"sigmoid\" or \"tanh\", not \"{}\"",
                    c.encoder.name()
                ),
            ));
        }
    }
    for (key, v) in [
        ("regularize.weight_decay", c.penalties.weight_decay),
        ("regularize.l1", c.penalties.l1),
        ("regularize.contractive", c.penalties.contractive),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err((key, format!("must be a number ≥ 0, got {v}")));
        }
    }
    if c.penalties.k_sparse > c.hidden {
        return Err((
            "regularize.k_sparse",
            format!(
                "keeps k = {} codes but the model has only {} hidden units",
                c.penalties.k_sparse, c.hidden
            ),
        ));
    }
    check_corrupt(&c.corrupt).map_err(|m| ("corrupt.level", m))?;
    if !(c.lr > 0.0 && c.lr.is_finite()) {
        return Err(("train.lr", format!("must be a number > 0, got {}", c.lr)));
    }
    Ok(())
}

fn parse_timeline(
    file: &str,
    text: &str,
    table: &Table,
    models: &[ModelConfig],
) -> Result<Vec<TimelineEntry>, PresetError> {
    let Some(Value::Array(entries)) = table.get("timeline") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries {
        let Value::Table(t) = entry else { continue };
        let step = t
            .get("step")
            .and_then(Value::as_integer)
            .unwrap_or(0)
            .max(0) as u64;
        let model =
            match t.get("model").and_then(Value::as_str) {
                None => None,
                Some(label) => Some(models.iter().position(|m| m.label == label).ok_or_else(
                    || {
                        let labels: Vec<&str> = models.iter().map(|m| m.label.as_str()).collect();
                        invalid(
                            file,
                            text,
                            "timeline.model",
                            format!("no model labelled \"{label}\"; labels are {labels:?}"),
                        )
                    },
                )?),
            };
        let set = match t.get("set") {
            Some(Value::Table(s)) => s.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => Vec::new(),
        };
        out.push(TimelineEntry { step, model, set });
    }
    out.sort_by_key(|e| e.step);
    Ok(out)
}

/// `key=value`: the value is read as TOML, or taken as a string when it is
/// not TOML (so `--set model.encoder=tanh` needs no quotes).
pub fn parse_override(item: &str) -> Result<(String, Value), PresetError> {
    let Some((key, value)) = item.split_once('=') else {
        return Err(PresetError::Invalid {
            origin: format!("--set {item}"),
            message: "expected key=value, e.g. --set corrupt.level=0.5".into(),
        });
    };
    Ok((key.trim().to_string(), parse_value(value.trim())))
}

/// A value as TOML, or as a plain string.
pub fn parse_value(text: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Adds a runtime change (`key = value`) to a model's list of changes, with
/// the rules that make one change imply others: a new variant brings its own
/// regularisers, corruption and tying (earlier changes of those are dropped),
/// and a new corruption kind starts from its own level.
pub fn push_change(changes: &mut Vec<(String, Value)>, key: &str, value: Value) {
    if key == "corrupt.kind" {
        changes.retain(|(k, _)| k != "corrupt.level");
    }
    if key == "variant" {
        changes.retain(|(k, _)| {
            !(k.starts_with("regularize") || k.starts_with("corrupt") || k == "model.tied")
        });
    }
    changes.retain(|(k, _)| k != key);
    changes.push((key.to_string(), value));
}

/// Sets `a.b.c = value` in a table, creating the tables on the way.
pub fn set_dotted(table: &mut Table, key: &str, value: Value) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err("empty key part: expected a dotted key like corrupt.level".into());
    }
    let (last, path) = parts.split_last().expect("split yields at least one part");
    let mut at = table;
    for part in path {
        let entry = at
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        at = match entry {
            Value::Table(t) => t,
            _ => return Err(format!("`{part}` is a value, not a table")),
        };
    }
    at.insert(last.to_string(), value);
    Ok(())
}

/// Deep merge: tables merge key by key, anything else is replaced.
fn merge(into: &mut Table, from: &Table) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Value::Table(a)), Value::Table(b)) => merge(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

/// The first `--set` item that makes the preset fail to deserialize, named in the error.
fn blame_override(
    file: &str,
    text: &str,
    overrides: &[String],
    e: &toml::de::Error,
) -> PresetError {
    let mut table: Table = toml::from_str(text).unwrap_or_default();
    for item in overrides {
        if let Ok((key, value)) = parse_override(item)
            && set_dotted(&mut table, &key, value).is_ok()
            && let Err(e) = Value::Table(table.clone()).try_into::<RawFile>()
        {
            return PresetError::Invalid {
                origin: format!("--set {item}"),
                message: friendly(e.message()),
            };
        }
    }
    PresetError::Invalid {
        origin: format!("{file} with --set"),
        message: friendly(e.message()),
    }
}

/// serde's type names in words a user of the lab reads.
fn friendly(message: &str) -> String {
    message
        .trim()
        .replace("expected usize", "expected a whole number ≥ 0")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
}

fn parse_error(file: &str, text: &str, e: &toml::de::Error) -> PresetError {
    let (line, column) = e.span().map_or((0, 0), |s| line_column(text, s.start));
    PresetError::Parse {
        file: file.to_string(),
        line,
        column,
        message: friendly(e.message()),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The line where a dotted key is written (`[corrupt] level = …`, `corrupt.level = …`
/// or an inline `sparsity = { … }`), if it can be found.
fn locate(text: &str, key: &str) -> Option<usize> {
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
            section = header.trim().to_string();
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.trim().to_string();
            continue;
        }
        let Some((lhs, _)) = line.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim().trim_matches('"');
        let full = if section.is_empty() {
            lhs.to_string()
        } else {
            format!("{section}.{lhs}")
        };
        if full == key || key.starts_with(&format!("{full}.")) || (lhs == key && section.is_empty())
        {
            return Some(i + 1);
        }
        if section.is_empty() && key.split('.').next() == Some(lhs) && !key.contains('.') {
            return Some(i + 1);
        }
    }
    None
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
