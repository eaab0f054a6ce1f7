//! `--set key=value`: reading the item, and setting a dotted key in a table.

use super::PresetError;
use toml::{Table, Value};

/// `key=value`: the value is read as TOML, or taken as a string when it is
/// not TOML (so `--set model.encoder=tanh` needs no quotes); with it, the
/// value's text as written (for a second reading, [`as_written`]).
pub fn parse_override(item: &str) -> Result<(String, Value, String), PresetError> {
    let Some((key, value)) = item.split_once('=') else {
        return Err(PresetError::Invalid {
            origin: format!("--set {item}"),
            message: "expected key=value, e.g. --set corrupt.level=0.5".into(),
        });
    };
    let text = value.trim();
    Ok((key.trim().to_string(), parse_value(text), text.to_string()))
}

/// A value as TOML, or as a plain string.
pub fn parse_value(text: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// A scalar value that is not a string (`1`, `true`, `0.5`, a date) as a
/// string for a second reading: `text`, the value as the user wrote it, or
/// else TOML's printing of it (`0.10` prints as `0.1`: only for messages).
pub fn as_written(value: &Value, text: Option<&str>) -> Option<Value> {
    match value {
        Value::String(_) | Value::Array(_) | Value::Table(_) => None,
        v => Some(Value::String(
            text.map_or_else(|| v.to_string(), str::to_string),
        )),
    }
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
pub fn merge(into: &mut Table, from: &Table) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Value::Table(a)), Value::Table(b)) => merge(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}
