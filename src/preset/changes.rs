//! The file side of a change: a `key = value` of a preset (a `--set`, a
//! `[[timeline]]` entry) to a typed [`Change`] and back, and `[[timeline]]`
//! entries to [`Timed`] events and back. TOML ends here.

use super::PresetError;
use super::overrides::as_written;
use super::source::{Source, friendly, names_or};
use crate::settings::{Change, Event, Timed};
use serde::de::DeserializeOwned;
use toml::{Table, Value};

/// The keys a change may name, for the message when one is misspelt.
const KEYS: &str = "variant, corrupt.kind, corrupt.level, train.lr, train.optimizer, model.encoder, model.decoder, model.loss, model.tied, model.hidden, regularize.weight_decay, regularize.sparsity (.rho, .beta), regularize.l1, regularize.k_sparse, regularize.contractive";

/// The changes `key = value` stands for (a table such as `corrupt = { … }`
/// stands for one change per key in it).
pub fn parse(key: &str, value: &Value) -> Result<Vec<Change>, String> {
    if let (Value::Table(t), false) = (value, key == "regularize.sparsity") {
        let mut out = Vec::new();
        for (k, v) in t {
            out.extend(parse(&format!("{key}.{k}"), v)?);
        }
        return Ok(out);
    }
    let change = match key {
        "variant" => Change::Variant(typed(value)?),
        "corrupt.kind" => Change::CorruptKind(typed(value)?),
        "corrupt.level" => Change::CorruptLevel(number(value)?),
        "train.lr" => Change::Lr(number(value)?),
        "train.optimizer" => Change::Optimizer(typed(value)?),
        "model.encoder" => Change::Encoder(typed(value)?),
        "model.decoder" => Change::Decoder(typed(value)?),
        "model.loss" => Change::Loss(typed(value)?),
        "model.tied" => Change::Tied(typed(value)?),
        "model.hidden" => Change::Hidden(typed(value)?),
        "regularize.weight_decay" => Change::WeightDecay(number(value)?),
        "regularize.sparsity" => Change::Sparsity(Some(typed(value)?)),
        "regularize.sparsity.rho" => Change::SparsityRho(number(value)?),
        "regularize.sparsity.beta" => Change::SparsityBeta(number(value)?),
        "regularize.l1" => Change::L1(number(value)?),
        "regularize.k_sparse" => Change::KSparse(typed(value)?),
        "regularize.contractive" => Change::Contractive(number(value)?),
        "train.batch" | "train.epochs" => {
            return Err(format!(
                "{key} is shared by every model and fixed for the run: set it in the preset"
            ));
        }
        "label" | "model.label" => return Err("a model's label is fixed when it loads".into()),
        _ => return Err(format!("unknown key `{key}`: expected one of {KEYS}")),
    };
    Ok(vec![change])
}

/// `value` as a `T`. A scalar that is not one is read again as a string
/// only for the message: where a name is expected, that error lists the
/// names (serde's own says "unit variant, expected string only").
fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    let read = |v: Value| v.try_into::<T>().map_err(|e| friendly(e.message()));
    read(value.clone()).map_err(|first| match as_written(value, None).map(read) {
        Some(Err(second)) => names_or(first, second),
        _ => first,
    })
}

/// A float, or an integer read as one (`level = 1`).
fn number(value: &Value) -> Result<f64, String> {
    match value {
        Value::Float(v) => Ok(*v),
        Value::Integer(v) => Ok(*v as f64),
        other => Err(format!("expected a number, got {}", other.type_str())),
    }
}

/// The `key = value` a change is written as.
pub fn to_toml(change: &Change) -> (String, Value) {
    let s = |name: &str| Value::String(name.into());
    let value = match *change {
        Change::Variant(v) => s(v.name()),
        Change::CorruptKind(k) => s(k.name()),
        Change::Optimizer(o) => s(o.name()),
        Change::Encoder(a) | Change::Decoder(a) => s(a.name()),
        Change::Loss(l) => s(l.name()),
        Change::Tied(b) => Value::Boolean(b),
        Change::Hidden(n) | Change::KSparse(n) => Value::Integer(n as i64),
        Change::Sparsity(Some(sp)) => {
            let mut t = Table::new();
            t.insert("rho".into(), Value::Float(sp.rho));
            t.insert("beta".into(), Value::Float(sp.beta));
            Value::Table(t)
        }
        // β = 0 is how a file turns KL sparsity off.
        Change::Sparsity(None) => {
            let mut t = Table::new();
            t.insert("rho".into(), Value::Float(0.05));
            t.insert("beta".into(), Value::Float(0.0));
            Value::Table(t)
        }
        Change::CorruptLevel(v)
        | Change::Lr(v)
        | Change::WeightDecay(v)
        | Change::SparsityRho(v)
        | Change::SparsityBeta(v)
        | Change::L1(v)
        | Change::Contractive(v) => Value::Float(v),
    };
    (change.key().to_string(), value)
}

/// The `[[timeline]]` entries of a preset as events, in the order they
/// happen: by step, and after a `reset` the steps of the new run.
pub fn timeline(source: &Source, labels: &[String]) -> Result<Vec<Timed>, PresetError> {
    let Some(Value::Array(entries)) = source.table.get("timeline") else {
        return Ok(Vec::new());
    };
    let mut segments: Vec<Vec<Timed>> = vec![Vec::new()];
    for (i, entry) in entries.iter().enumerate() {
        let Value::Table(t) = entry else { continue };
        let step = t
            .get("step")
            .and_then(Value::as_integer)
            .unwrap_or(0)
            .max(0) as u64;
        let here = |key: &str| {
            let line = source.line_of(&format!("timeline.{i}.{key}"));
            let at = line.map_or(String::new(), |l| format!(":{l}"));
            format!("{}{at}: [[timeline]] at step {step}: {key}", source.file)
        };
        let error = |key: &str, message: String| PresetError::Invalid {
            origin: here(key),
            message,
        };
        let model = match t.get("model").and_then(Value::as_str) {
            None => None,
            Some(label) => Some(labels.iter().position(|l| l == label).ok_or_else(|| {
                error(
                    "model",
                    format!("no model labelled \"{label}\"; labels are {labels:?}"),
                )
            })?),
        };
        match (t.get("set"), t.get("reset")) {
            (Some(Value::Table(set)), None) => {
                for (key, value) in set {
                    for change in parse(key, value).map_err(|m| error(key, m))? {
                        let event = Event::Change { model, change };
                        segments
                            .last_mut()
                            .expect("one segment")
                            .push(Timed { step, event });
                    }
                }
            }
            (None, Some(Value::Table(reset))) => {
                let seed = reset.get("seed").and_then(Value::as_integer).unwrap_or(0) as u64;
                let event = Event::Reset { seed };
                segments
                    .last_mut()
                    .expect("one segment")
                    .push(Timed { step, event });
                segments.push(Vec::new());
            }
            _ => {
                return Err(error(
                    "set",
                    "an entry holds either set = { key = value, … } or reset = { seed = … }".into(),
                ));
            }
        }
    }
    // Hand-written entries may come in any order within a run; a reset ends one.
    for segment in &mut segments {
        segment.sort_by_key(|t| t.step);
    }
    Ok(segments.into_iter().flatten().collect())
}

/// `[[timeline]]` text for events; `labels` name the models of entries aimed at one.
pub fn timeline_text(events: &[Timed], labels: &[String]) -> String {
    let mut out = String::new();
    for Timed { step, event } in events {
        out.push_str(&format!("\n[[timeline]]\nstep = {step}\n"));
        match event {
            Event::Change { model, change } => {
                if let Some(label) = model.and_then(|i| labels.get(i)) {
                    out.push_str(&format!("model = {}\n", Value::String(label.clone())));
                }
                let (key, value) = to_toml(change);
                out.push_str(&format!("set = {{ {} = {value} }}\n", Value::String(key)));
            }
            Event::Reset { seed } => out.push_str(&format!("reset = {{ seed = {seed} }}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CorruptionKind, Variant};

    #[test]
    fn every_change_reads_back_as_itself() {
        let changes = [
            Change::Variant(Variant::KSparse),
            Change::CorruptKind(CorruptionKind::SaltPepper),
            Change::CorruptLevel(0.35),
            Change::Lr(3e-4),
            Change::Tied(true),
            Change::KSparse(12),
            Change::Sparsity(Some(crate::model::Sparsity {
                rho: 0.1,
                beta: 2.0,
            })),
        ];
        for c in changes {
            let (key, value) = to_toml(&c);
            assert_eq!(parse(&key, &value).unwrap(), vec![c]);
        }
    }

    /// A number where a name belongs gets the names, not serde's "unit variant".
    #[test]
    fn a_number_for_a_name_lists_the_names() {
        let err = parse("train.optimizer", &Value::Integer(1)).unwrap_err();
        assert_eq!(
            err,
            "unknown variant `1`, expected one of `sgd`, `momentum`, `adam`, `lbfgs`"
        );
        let err = parse("model.loss", &Value::Boolean(true)).unwrap_err();
        assert_eq!(err, "unknown variant `true`, expected `mse` or `bce`");
        let err = parse("model.hidden", &Value::String("abc".into())).unwrap_err();
        assert_eq!(err, "invalid type: string \"abc\", expected a whole number");
    }

    #[test]
    fn misspelt_and_shared_keys_say_what_is_allowed() {
        let e = parse("corrupt.levl", &Value::Float(0.3)).unwrap_err();
        assert!(e.contains("corrupt.level"), "{e}");
        let e = parse("train.batch", &Value::Integer(3)).unwrap_err();
        assert!(e.contains("shared"), "{e}");
        let e = parse("variant", &Value::String("spares".into())).unwrap_err();
        assert!(e.contains("sparse"), "{e}");
    }
}
