//! A preset's text, parsed once: the TOML table with the `--set` overrides
//! merged in, and where each key was written, so that every message names
//! `file:line: key` or the `--set` item that put the value there.

use super::PresetError;
use super::overrides::{as_written, parse_override, set_dotted};
use super::schema::RawFile;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Table;
use toml::de::{DeTable, DeValue, Deserializer};

pub struct Source {
    pub file: String,
    pub text: String,
    /// The file's table with the overrides applied.
    pub table: Table,
    /// `--set` items as given, with the key each one sets.
    overrides: Vec<(String, String)>,
    /// 1-based line of every dotted key written in the file (`compare.1.variant` for arrays).
    lines: HashMap<String, usize>,
}

impl Source {
    /// Parses `text`, checks it against the schema (unknown keys and wrong
    /// types name their line and column), then applies the overrides one by
    /// one (a bad one is named as `--set …`).
    pub fn parse(file: &str, text: &str, overrides: &[String]) -> Result<Source, PresetError> {
        let parse_error = |e: toml::de::Error| parse_error(file, text, &e);
        let document = DeTable::parse(text).map_err(parse_error)?;
        let mut lines = HashMap::new();
        index_lines(text, "", document.get_ref(), &mut lines);
        RawFile::deserialize(Deserializer::from(document.clone())).map_err(parse_error)?;
        let mut table = Table::deserialize(Deserializer::from(document)).map_err(parse_error)?;
        let mut sets = Vec::new();
        for item in overrides {
            let (key, value, written) = parse_override(item)?;
            let blame = |message: String| PresetError::Invalid {
                origin: format!("--set {item}"),
                message,
            };
            let fits = |table: &Table| {
                toml::Value::Table(table.clone())
                    .try_into::<RawFile>()
                    .map(drop)
                    .map_err(|e| friendly(e.message()))
            };
            let with = |value| {
                let mut t = table.clone();
                set_dotted(&mut t, &key, value).map(|()| t)
            };
            let set = with(value.clone()).map_err(blame)?;
            table = match (fits(&set), as_written(&value, Some(&written))) {
                (Ok(()), _) => set,
                // `optimizer=1` or `label=0.10`: read again as the text
                // written, which a label takes as it is and a name's error
                // lists the names for.
                (Err(first), Some(text)) => {
                    let retry = with(text).map_err(blame)?;
                    match fits(&retry) {
                        Ok(()) => retry,
                        Err(second) => return Err(blame(names_or(first, second))),
                    }
                }
                (Err(first), None) => return Err(blame(first)),
            };
            sets.push((key, item.clone()));
        }
        Ok(Source {
            file: file.to_string(),
            text: text.to_string(),
            table,
            overrides: sets,
            lines,
        })
    }

    /// Where the value of `key` came from: the last `--set` that touched it,
    /// else `file:line: key` (the `[[compare]]` entry `compare` when given,
    /// as `compare.0`), else `file: key`.
    pub fn origin(&self, key: &str, compare: Option<usize>) -> String {
        let touches = |k: &str| key.starts_with(k) || k.starts_with(key);
        if let Some((_, item)) = self.overrides.iter().rev().find(|(k, _)| touches(k)) {
            return format!("--set {item}");
        }
        let written = compare
            .map(|i| format!("compare.{i}.{key}"))
            .into_iter()
            .chain([key.to_string()])
            .find_map(|k| self.line_of(&k));
        match written {
            Some(line) => format!("{}:{line}: {key}", self.file),
            None => format!("{}: {key}", self.file),
        }
    }

    /// The line of `key` or of the nearest table above it that is written.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        let mut k = key;
        loop {
            if let Some(&line) = self.lines.get(k) {
                return Some(line);
            }
            k = &k[..k.rfind('.')?];
        }
    }

    /// The `--set` items, as given.
    pub fn override_items(&self) -> Vec<String> {
        self.overrides
            .iter()
            .map(|(_, item)| item.clone())
            .collect()
    }
}

/// Records the line of every key under `prefix`.
fn index_lines(text: &str, prefix: &str, table: &DeTable, lines: &mut HashMap<String, usize>) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        lines.insert(path.clone(), line_column(text, key.span().start).0);
        match value.get_ref() {
            DeValue::Table(t) => index_lines(text, &path, t, lines),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(t) = item.get_ref() {
                        let at = format!("{path}.{i}");
                        lines.insert(at.clone(), line_column(text, item.span().start).0);
                        index_lines(text, &at, t, lines);
                    }
                }
            }
            _ => {}
        }
    }
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

/// Of a value's two readings' errors (as TOML, then as the text written),
/// the second when it lists a name's allowed values, else the first.
pub fn names_or(first: String, second: String) -> String {
    if second.contains("unknown variant") {
        second
    } else {
        first
    }
}

/// serde's type names in words a user of the lab reads. "≥ 0" is the
/// type's bound; a key with a higher minimum says so in its own check.
pub fn friendly(message: &str) -> String {
    let count = if message.contains("integer `-") {
        "a whole number ≥ 0"
    } else {
        "a whole number"
    };
    message
        .trim()
        .replace("expected usize", &format!("expected {count}"))
        .replace("expected u64", &format!("expected {count}"))
        .replace("expected f64", "expected a number")
        .replace("wanted string or table", "expected a name in quotes")
        // toml's words for a list or table where a name belongs.
        .replace(
            "invalid type: unit variant, expected string only",
            "expected a name, not a list or table",
        )
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_on_their_lines_whatever_the_table_syntax() {
        let text = "seed = 1\n[corrupt]\nlevel = 0.3\n[regularize]\nsparsity = { rho = 0.1, beta = 3 }\n[[compare]]\nvariant = \"sparse\"\n";
        let s = Source::parse("p.toml", text, &[]).unwrap();
        assert_eq!(s.origin("corrupt.level", None), "p.toml:3: corrupt.level");
        assert_eq!(s.line_of("regularize.sparsity.rho"), Some(5));
        assert_eq!(s.origin("variant", Some(0)), "p.toml:7: variant");
        assert_eq!(s.origin("train.lr", None), "p.toml: train.lr");
    }

    /// `--set` reads a value as TOML first; one the key does not take as
    /// that is read again as the text written: a label `7` is "7", and a
    /// number for a name gets the names.
    #[test]
    fn a_set_value_is_read_again_as_text_when_it_does_not_fit() {
        for (item, label) in [
            ("label=7", "7"),
            ("label=0.10", "0.10"),
            ("label=1e3", "1e3"),
        ] {
            let s = Source::parse("p.toml", "", &[item.into()]).unwrap();
            assert_eq!(s.table["label"].as_str(), Some(label), "{item}");
        }
        let err = |item: &str| match Source::parse("p.toml", "", &[item.into()]) {
            Err(PresetError::Invalid { origin, message }) => format!("{origin}: {message}"),
            Err(other) => panic!("{item}: {other}"),
            Ok(_) => panic!("{item} accepted"),
        };
        assert_eq!(
            err("train.optimizer=1"),
            "--set train.optimizer=1: unknown variant `1`, expected one of `sgd`, `momentum`, `adam`, `lbfgs`"
        );
        assert_eq!(
            err("variant=[1]"),
            "--set variant=[1]: expected a name, not a list or table"
        );
        assert_eq!(
            err("model.hidden=-3"),
            "--set model.hidden=-3: invalid value: integer `-3`, expected a whole number ≥ 0"
        );
    }

    #[test]
    fn a_name_without_quotes_in_a_file_says_so() {
        match Source::parse("p.toml", "[train]\noptimizer = 1\n", &[]) {
            Err(e) => assert_eq!(e.to_string(), "p.toml:2:13: expected a name in quotes"),
            Ok(_) => panic!("optimizer = 1 accepted"),
        }
    }

    #[test]
    fn a_value_set_on_the_command_line_is_blamed_on_set() {
        let s = Source::parse(
            "p.toml",
            "[data]\nvalidation = 0.1\n",
            &["data.validation=1.0".into()],
        )
        .unwrap();
        assert_eq!(
            s.origin("data.validation", None),
            "--set data.validation=1.0"
        );
    }
}
