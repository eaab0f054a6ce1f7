//! The one key table: it serves key lookup, the `?` overlay and the tests.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One row of the key table.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub key: KeyCode,
    /// Only CONTROL is compared: SHIFT comes and goes with `V` and `+`
    /// depending on the terminal and layout.
    pub modifiers: KeyModifiers,
    pub action: Action,
    pub help: &'static str,
}

const fn key(c: char, action: Action, help: &'static str) -> Binding {
    Binding {
        key: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
        action,
        help,
    }
}

const fn code(key: KeyCode, action: Action, help: &'static str) -> Binding {
    Binding {
        key,
        modifiers: KeyModifiers::NONE,
        action,
        help,
    }
}

pub const KEYMAP: &[Binding] = &[
    key(' ', Action::TogglePause, "pause / resume training"),
    key('s', Action::StepOnce, "one step (pauses)"),
    key('v', Action::NextVariant, "next variant"),
    key('V', Action::PrevVariant, "previous variant"),
    key('+', Action::CorruptionUp, "corruption level +0.05"),
    key('=', Action::CorruptionUp, "corruption +0.05 (as +)"),
    key('-', Action::CorruptionDown, "corruption level -0.05"),
    key('c', Action::NextCorruptionKind, "next corruption kind"),
    key('[', Action::LrDown, "learning rate / 2"),
    key(']', Action::LrUp, "learning rate x 2"),
    key('r', Action::Reset, "new run (new seed, weights)"),
    key('m', Action::NextDrawMode, "filters: blocks/braille/ascii"),
    key('n', Action::NextPage, "next page of filters"),
    key('p', Action::PrevPage, "previous page of filters"),
    code(KeyCode::Left, Action::CursorLeft, "filter cursor left"),
    code(KeyCode::Right, Action::CursorRight, "filter cursor right"),
    code(KeyCode::Up, Action::CursorUp, "filter cursor up"),
    code(KeyCode::Down, Action::CursorDown, "filter cursor down"),
    key('l', Action::ToggleLogScale, "loss scale: linear / log"),
    key('z', Action::ToggleCodes, "filters / code space"),
    key('x', Action::CodeAxisX, "code space: next unit on x"),
    key('y', Action::CodeAxisY, "code space: next unit on y"),
    key('o', Action::CodePca, "code space: principal comps"),
    code(
        KeyCode::Enter,
        Action::ToggleZoom,
        "enlarge the cursor's filter",
    ),
    key('w', Action::SaveCheckpoint, "save the run (checkpoint)"),
    key('S', Action::Screenshot, "save this frame as text"),
    key('R', Action::RecordTimeline, "save the session to replay"),
    key('P', Action::Probe, "probe: classify codes, pixels"),
    code(KeyCode::Tab, Action::FocusNext, "focus next model"),
    key('?', Action::ToggleHelp, "this help"),
    code(KeyCode::Esc, Action::CloseHelp, "close help"),
    key('q', Action::Quit, "quit"),
    Binding {
        key: KeyCode::Char('c'),
        modifiers: KeyModifiers::CONTROL,
        action: Action::Quit,
        help: "quit",
    },
];

/// The action of a key press; releases and repeats do nothing.
pub fn lookup(event: &KeyEvent) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = event.modifiers & KeyModifiers::CONTROL;
    KEYMAP
        .iter()
        .find(|b| b.key == event.code && b.modifiers & KeyModifiers::CONTROL == ctrl)
        .map(|b| b.action)
}

/// How a binding's key is written in the help overlay (ASCII only).
pub fn label(binding: &Binding) -> String {
    let name = match binding.key {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Esc => "Esc".into(),
        other => format!("{other:?}"),
    };
    if binding.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help overlay's column holds 29 characters of help text.
    #[test]
    fn every_help_text_fits_the_overlay_column() {
        for b in KEYMAP {
            assert!(
                b.help.chars().count() <= 29,
                "{}: {:?} is too long",
                label(b),
                b.help
            );
        }
    }

    #[test]
    fn no_two_rows_claim_the_same_key() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                assert!(
                    a.key != b.key || a.modifiers != b.modifiers,
                    "{} twice",
                    label(a)
                );
            }
        }
    }
}
