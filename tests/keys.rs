//! Keys reach their actions and commands, the help lists every binding, and
//! snapshots are absorbed as the design says (stale runs dropped, every loss point kept).

use aelab::model::{CorruptionKind, Variant};
use aelab::settings::{Change, Event};
use aelab::train::Command;
use aelab::ui::keys::{KEYMAP, label, lookup};
use aelab::ui::{Action, App, ColorDepth, DrawMode, UiOptions, fixture, render_text};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

fn app() -> App {
    let mut app = App::new(UiOptions {
        ascii: false,
        colors: ColorDepth::Ansi256,
    });
    app.absorb(fixture::snapshot(0, 0..10));
    app
}

/// The key event a terminal sends for a binding (capitals come with SHIFT).
fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    let shift = matches!(code, KeyCode::Char(c) if c.is_ascii_uppercase());
    KeyEvent::new(
        code,
        if shift {
            modifiers | KeyModifiers::SHIFT
        } else {
            modifiers
        },
    )
}

fn set(model: usize, change: Change) -> Command {
    Command::Event(Event::Change {
        model: Some(model),
        change,
    })
}

/// What each action asks of the trainer, from the fixture (model 0: vanilla,
/// no corruption, lr 1e-3, running).
fn expected_commands(action: Action) -> Vec<Command> {
    match action {
        Action::TogglePause => vec![Command::SetRunning(false)],
        Action::StepOnce => vec![Command::StepOnce],
        Action::NextVariant => vec![set(0, Change::Variant(Variant::Denoising))],
        Action::PrevVariant => vec![set(0, Change::Variant(Variant::KSparse))],
        Action::CorruptionUp => vec![
            set(0, Change::CorruptKind(CorruptionKind::Mask)),
            set(0, Change::CorruptLevel(0.05)),
        ],
        Action::NextCorruptionKind => vec![set(0, Change::CorruptKind(CorruptionKind::Mask))],
        Action::LrDown => vec![set(0, Change::Lr(5e-4))],
        Action::LrUp => vec![set(0, Change::Lr(2e-3))],
        // The seed is drawn afresh: checked apart.
        Action::Reset => vec![],
        Action::Probe => vec![Command::Probe],
        Action::SaveCheckpoint => vec![Command::SaveCheckpoint],
        Action::RecordTimeline => vec![Command::SaveTimeline],
        _ => vec![],
    }
}

#[test]
fn every_keymap_row_reaches_its_action_and_command() {
    for b in KEYMAP {
        let event = press(b.key, b.modifiers);
        assert_eq!(lookup(&event), Some(b.action), "{}", label(b));
        let mut a = app();
        let commands = a.handle_key(event);
        if b.action == Action::Reset {
            assert!(
                matches!(commands[..], [Command::Event(Event::Reset { .. })]),
                "{commands:?}"
            );
        } else {
            assert_eq!(commands, expected_commands(b.action), "{}", label(b));
        }
        assert!(!a.message().is_empty());
    }
}

#[test]
fn view_keys_change_what_is_shown() {
    let mut a = app();
    let key = |a: &mut App, c: char| a.handle_key(press(KeyCode::Char(c), KeyModifiers::NONE));
    key(&mut a, 'm');
    assert_eq!(a.draw_mode(), DrawMode::Braille);
    key(&mut a, 'l');
    assert!(a.log_scale());
    aelab::ui::frame::fit(&mut a, 120, 40);
    key(&mut a, 'n');
    assert!(
        a.cursor() > 0,
        "next page moves the cursor to the page's first unit"
    );
    key(&mut a, 'p');
    assert_eq!(a.cursor(), 0);
    a.handle_key(press(KeyCode::Right, KeyModifiers::NONE));
    assert_eq!(a.cursor(), 1);
    a.handle_key(press(KeyCode::Tab, KeyModifiers::NONE));
    assert_eq!(a.focus(), 1);
    assert_eq!(a.message(), "focus on model dae");
    // The focused model is the one steered: dae masks at 0.25, so + gives 0.30.
    assert_eq!(key(&mut a, '+'), vec![set(1, Change::CorruptLevel(0.3))]);
    key(&mut a, '?');
    assert!(a.help_visible());
    a.handle_key(press(KeyCode::Esc, KeyModifiers::NONE));
    assert!(!a.help_visible());
    a.handle_key(press(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(a.should_quit());
}

#[test]
fn corruption_levels_clamp_for_q_but_not_for_sigma() {
    let mut a = app();
    a.update(Action::FocusNext);
    for _ in 0..30 {
        a.update(Action::CorruptionUp);
    }
    let config = |a: &App| a.config(1).unwrap().corrupt;
    assert_eq!(config(&a).level, 1.0);
    a.update(Action::NextCorruptionKind); // mask → gaussian
    assert_eq!(config(&a).kind, CorruptionKind::Gaussian);
    a.update(Action::CorruptionUp);
    assert!((config(&a).level - 1.05).abs() < 1e-9);
    assert!(a.message().contains("σ=1.05"), "{}", a.message());
}

#[test]
fn help_overlay_lists_every_row() {
    let mut a = app();
    a.update(Action::ToggleHelp);
    for (w, h) in [(120, 40), (80, 24)] {
        let text = render_text(&a, w, h);
        for b in KEYMAP {
            let row = format!("{:>7}  {}", label(b), b.help);
            assert!(text.contains(&row), "{w}x{h} lacks {row:?}\n{text}");
        }
    }
}

#[test]
fn release_and_repeat_events_do_nothing() {
    for b in KEYMAP {
        for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
            let mut a = app();
            let before = render_text(&a, 120, 40);
            let mut event = press(b.key, b.modifiers);
            event.kind = kind;
            assert_eq!(a.handle_key(event), vec![]);
            assert_eq!(render_text(&a, 120, 40), before, "{} {kind:?}", label(b));
            assert!(!a.should_quit());
        }
    }
}

#[test]
fn snapshots_of_a_run_before_the_reset_are_dropped() {
    let mut a = app();
    assert_eq!(a.run_id(), 0);
    assert!(matches!(
        a.update(Action::Reset)[..],
        [Command::Event(Event::Reset { .. })]
    ));
    assert_eq!(a.run_id(), 1);
    a.absorb(fixture::snapshot(0, 10..20));
    assert_eq!(
        a.snapshot().unwrap().step,
        10,
        "the stale picture is not shown"
    );
    assert_eq!(
        a.series(0).unwrap().loss.seen(),
        0,
        "nor are its loss points kept"
    );
    a.absorb(fixture::snapshot(1, 0..5));
    assert_eq!(a.snapshot().unwrap().run_id, 1);
    assert_eq!(a.series(0).unwrap().loss.seen(), 5);
}

#[test]
fn every_loss_point_of_queued_snapshots_is_kept() {
    let mut a = App::new(UiOptions::default());
    for steps in [0..10, 10..25, 25..26, 26..40] {
        a.absorb(fixture::snapshot(0, steps));
    }
    for model in 0..2 {
        let series = a.series(model).unwrap();
        let steps: Vec<u64> = series.loss.recent().map(|p| p.step).collect();
        assert_eq!(steps, (0..40).collect::<Vec<_>>());
    }
    assert_eq!(a.snapshot().unwrap().step, 40, "pictures: the newest wins");
}

/// After `v` the panes name the model's new variant; the objective's best
/// and the curve's scale start afresh where J changed, and the curve marks it.
#[test]
fn labels_follow_the_model_and_a_new_objective_starts_a_new_best() {
    let mut a = app();
    a.update(Action::NextVariant);
    let text = render_text(&a, 120, 40);
    assert!(text.contains("loss vanilla: denoising"), "{text}");
    let mut s = fixture::snapshot(0, 10..20);
    for p in &mut s.models[0].losses {
        if p.step >= 15 {
            p.version = 1;
            p.total += 100.0;
        }
    }
    a.absorb(s);
    let series = a.series(0).unwrap();
    assert_eq!(series.changes, vec![15]);
    assert!(series.best.unwrap() > 100.0, "the best is of the new J");
    let text = render_text(&a, 120, 40);
    assert!(text.contains('▾'), "{text}");
}
