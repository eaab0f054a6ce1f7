//! The command log as a replayable timeline: the preset's text with every
//! change since the last reset appended as `[[timeline]]` entries, applied
//! at exactly the step they were applied at live.

use super::Command;

/// The preset `text` with the `Set` commands of `log` (since its last reset)
/// appended; `labels` names the models for entries aimed at one of them.
/// `overrides` are the `--set` items the run was started with: replaying needs them too.
pub fn recorded(
    text: &str,
    overrides: &[String],
    log: &[(u64, Command)],
    labels: &[String],
) -> String {
    let since_reset = log
        .iter()
        .rposition(|(_, c)| *c == Command::Reset)
        .map_or(0, |i| i + 1);
    let mut out = text.trim_end().to_string();
    out.push_str(
        "\n\n# Recorded by aelab: the changes made while it ran, at the step they took effect.\n",
    );
    if !overrides.is_empty() {
        let sets: Vec<String> = overrides.iter().map(|o| format!("--set {o}")).collect();
        out.push_str(&format!(
            "# The run was started with {}: replay with the same.\n",
            sets.join(" ")
        ));
    }
    for (step, command) in &log[since_reset..] {
        let Command::Set { model, key, value } = command else {
            continue;
        };
        out.push_str(&format!("\n[[timeline]]\nstep = {step}\n"));
        if let Some(label) = model.and_then(|i| labels.get(i)) {
            out.push_str(&format!("model = {}\n", toml::Value::String(label.clone())));
        }
        out.push_str(&format!(
            "set = {{ {} = {value} }}\n",
            toml::Value::String(key.clone())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Value;

    #[test]
    fn only_changes_since_the_last_reset_are_recorded() {
        let set = |v: f64| Command::Set {
            model: Some(1),
            key: "corrupt.level".into(),
            value: Value::Float(v),
        };
        let log = vec![
            (3, set(0.1)),
            (4, Command::Reset),
            (9, Command::SetRunning(false)),
            (12, set(0.4)),
        ];
        let text = recorded("seed = 1\n", &[], &log, &["a".into(), "dae".into()]);
        assert!(!text.contains("0.1"), "{text}");
        assert!(
            text.contains(
                "[[timeline]]\nstep = 12\nmodel = \"dae\"\nset = { \"corrupt.level\" = 0.4 }"
            ),
            "{text}"
        );
    }
}
