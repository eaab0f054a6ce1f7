//! Steering as the lab does it: keys become typed changes relative to what
//! the user sees (none lost in a burst), every change and reset is logged at
//! its step, and the recorded session replays step for step.

use aelab::data;
use aelab::model::CorruptionKind;
use aelab::preset::Preset;
use aelab::settings::rules::{MAX_LR, MIN_LR};
use aelab::settings::{Change, Event, Timed};
use aelab::train::{Command, LossPoint, Trainer};
use aelab::ui::{Action, App, UiOptions};
use proptest::prelude::*;

mod common;

const DATA: &str = "\n[data]\nsource = \"mnist\"\nlimit = 600\nvalidation = 0.2\n";
const DEMO: &str = "seed = 5\nvariant = \"vanilla\"\n[model]\nhidden = 32\n[train]\nlr = 0.01\nbatch = 32\n[[compare]]\nlabel = \"dae\"\nvariant = \"denoising\"\n";

fn trainer_of(preset: Preset) -> Trainer {
    let (train, val) = data::load(&preset.data)
        .unwrap()
        .split(preset.data.validation, preset.seed);
    Trainer::new(preset, train, val).unwrap()
}

/// A small MNIST preset: 600 samples, so a step is quick.
fn trainer(text: &str) -> Trainer {
    trainer_of(Preset::parse("test.toml", &format!("{text}{DATA}"), &[]).unwrap())
}

fn change(model: Option<usize>, change: Change) -> Command {
    Command::Event(Event::Change { model, change })
}

#[test]
fn a_change_is_applied_and_logged_at_the_step_it_was_sent_for() {
    let mut t = trainer("variant = \"denoising\"\n");
    for _ in 0..5 {
        t.step().unwrap();
    }
    t.apply(change(None, Change::CorruptLevel(0.5)));
    assert_eq!(
        t.log(),
        [Timed {
            step: 5,
            event: Event::Change {
                model: None,
                change: Change::CorruptLevel(0.5)
            }
        }]
    );
    assert_eq!(t.configs()[0].corrupt.level, 0.5);
    t.step().unwrap();
    let snapshot = t.snapshot();
    assert_eq!(snapshot.models[0].config.corrupt.level, 0.5);
    // Every step's loss point is reported, none lost.
    let steps: Vec<u64> = snapshot.models[0].losses.iter().map(|p| p.step).collect();
    assert_eq!(steps, (0..6).collect::<Vec<_>>());
}

#[test]
fn a_refused_change_changes_nothing_is_not_logged_and_says_why() {
    let mut t = trainer("[[compare]]\nvariant = \"denoising\"\n");
    t.apply(change(
        Some(1),
        Change::Optimizer(aelab::optim::OptimizerKind::Lbfgs),
    ));
    t.apply(change(Some(0), Change::CorruptLevel(0.3)));
    assert_eq!(t.configs()[1].optimizer, aelab::optim::OptimizerKind::Adam);
    assert!(t.log().is_empty());
    let message = t.snapshot().message.unwrap();
    assert!(
        message.contains("corrupt.level") && message.contains("corrupt.kind"),
        "{message}"
    );
}

#[test]
fn a_timeline_entry_applies_at_exactly_its_step() {
    let text = "variant = \"denoising\"\n[[timeline]]\nstep = 3\nset = { \"corrupt.level\" = 0.6, \"train.lr\" = 0.002 }\n";
    let run = || {
        let mut t = trainer(text);
        let mut levels = Vec::new();
        for _ in 0..6 {
            t.step().unwrap();
            levels.push(t.configs()[0].corrupt.level);
        }
        (levels, t.snapshot().models[0].losses.clone())
    };
    let (levels, losses) = run();
    assert_eq!(levels, [0.25, 0.25, 0.25, 0.6, 0.6, 0.6]);
    assert_eq!(run().1, losses);
}

/// `r` is a new run from a new seed: other weights than before, the same as
/// any run from that seed, and the settings in force are kept.
#[test]
fn a_reset_draws_weights_from_its_seed_and_keeps_the_settings() {
    let mut t = trainer("");
    let first = t.params(0).clone();
    t.step().unwrap();
    t.apply(change(None, Change::Lr(0.02)));
    t.apply(Command::Event(Event::Reset { seed: 77 }));
    assert_ne!(t.params(0), &first);
    assert_eq!((t.run_id(), t.step_count(), t.seed()), (1, 0, 77));
    assert_eq!(t.configs()[0].lr, 0.02);
    let fresh = trainer("seed = 77\n");
    assert_eq!(t.params(0), fresh.params(0));
}

/// Old sessions (recorded before changes were typed) load and replay as
/// they did: the losses per epoch that the earlier aelab printed for this
/// file, to within the rounding of a different matrix-product backend.
#[test]
fn a_timeline_recorded_by_the_earlier_format_replays_as_before() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/timelines");
    let mut t = trainer_of(Preset::load(&dir.join("recorded-v1.toml"), &[]).unwrap());
    let expected = std::fs::read_to_string(dir.join("recorded-v1.jsonl")).unwrap();
    let expected: Vec<serde_json::Value> = expected
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut got = Vec::new();
    for _ in 0..3 {
        got.extend(t.run_epoch().unwrap());
    }
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g.label, e["label"].as_str().unwrap());
        for (name, value) in [("loss", g.loss), ("val_recon", g.val_recon)] {
            let want = e[name].as_f64().unwrap();
            assert!(
                (value - want).abs() <= 1e-3 * want.abs(),
                "{} {name}: {value} vs {want}",
                g.label
            );
        }
    }
    let c = t.configs();
    assert_eq!(c[0].variant, aelab::model::Variant::Sparse);
    assert_eq!((c[0].lr, c[1].lr), (0.005, 0.02));
    assert_eq!(c[1].corrupt.kind, CorruptionKind::Gaussian);
    assert_eq!(c[1].corrupt.level, 0.15);
}

/// An app fed by `t`'s snapshots.
fn app_on(t: &mut Trainer) -> App {
    let mut app = App::new(UiOptions::default());
    app.absorb(t.snapshot());
    app
}

/// 100 key presses in one burst, before the trainer has said anything back,
/// land where 100 slow ones would: each builds on the ones still in flight.
#[test]
fn a_burst_of_keys_loses_no_press() {
    let mut t = trainer(DEMO);
    let mut app = app_on(&mut t);
    let burst = |app: &mut App, action: Action, n: usize| -> Vec<Command> {
        (0..n).flat_map(|_| app.update(action)).collect()
    };
    let ups = burst(&mut app, Action::CorruptionUp, 100);
    assert_eq!(app.config(0).unwrap().corrupt.level, 1.0);
    let faster = burst(&mut app, Action::LrUp, 100);
    assert_eq!(app.config(0).unwrap().lr, MAX_LR);
    // The trainer applies them all; its snapshot agrees with what was shown.
    for c in ups.into_iter().chain(faster) {
        t.apply(c);
    }
    app.absorb(t.snapshot());
    let shown = app.config(0).unwrap().clone();
    assert_eq!(&shown, t.configs()[0]);
    assert_eq!(
        (shown.corrupt.kind, shown.corrupt.level),
        (CorruptionKind::Mask, 1.0)
    );
    for c in burst(&mut app, Action::CorruptionDown, 100)
        .into_iter()
        .chain(burst(&mut app, Action::LrDown, 100))
    {
        t.apply(c);
    }
    assert_eq!(app.config(0).unwrap().corrupt.level, 0.0);
    assert_eq!(app.config(0).unwrap().lr, MIN_LR);
    app.absorb(t.snapshot());
    assert_eq!(app.config(0).unwrap(), t.configs()[0]);
    // A full cycle of kinds or variants in a burst comes back where it began.
    let before = app.config(1).unwrap().clone();
    app.update(Action::FocusNext);
    let kinds = burst(&mut app, Action::NextCorruptionKind, 4);
    assert_eq!(app.config(1).unwrap().corrupt.kind, before.corrupt.kind);
    let variants = burst(&mut app, Action::NextVariant, 7);
    assert_eq!(app.config(1).unwrap().variant, before.variant);
    for c in kinds.into_iter().chain(variants) {
        t.apply(c);
    }
    app.absorb(t.snapshot());
    assert_eq!(app.config(1).unwrap(), t.configs()[1]);
}

/// Keys and the worker's clock, as the lab interleaves them.
#[derive(Clone, Debug)]
enum Op {
    Key(Action),
    /// The worker's loop turning n times (a step each while running).
    Turns(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u8..12).prop_map(Op::Turns),
        1 => Just(Op::Key(Action::NextVariant)),
        1 => Just(Op::Key(Action::PrevVariant)),
        1 => Just(Op::Key(Action::CorruptionUp)),
        1 => Just(Op::Key(Action::CorruptionDown)),
        1 => Just(Op::Key(Action::NextCorruptionKind)),
        1 => Just(Op::Key(Action::LrUp)),
        1 => Just(Op::Key(Action::LrDown)),
        1 => Just(Op::Key(Action::Reset)),
        1 => Just(Op::Key(Action::FocusNext)),
        1 => Just(Op::Key(Action::TogglePause)),
        1 => Just(Op::Key(Action::StepOnce)),
    ]
}

/// Every loss point of a session: (run, model, point).
type Points = Vec<(u64, usize, LossPoint)>;

fn collect(t: &mut Trainer, app: Option<&mut App>, into: &mut Points) {
    let s = t.snapshot();
    for (i, m) in s.models.iter().enumerate() {
        into.extend(m.losses.iter().map(|p| (s.run_id, i, *p)));
    }
    if let Some(app) = app {
        app.absorb(s);
    }
}

/// Each case trains a few dozen steps; PROPTEST_CASES asks for more.
fn config() -> ProptestConfig {
    common::proptest_config(16)
}

proptest! {
    #![proptest_config(config())]

    /// Any session of keys, written out by `R`, replays to the same loss at
    /// every step of every run, and ends with the same settings.
    #[test]
    fn a_recorded_session_replays_every_step(ops in prop::collection::vec(op(), 1..40)) {
        let mut live = trainer(DEMO);
        let mut app = app_on(&mut live);
        let mut points = Points::new();
        for op in ops {
            match op {
                Op::Key(action) => {
                    for c in app.update(action) {
                        live.apply(c);
                    }
                }
                Op::Turns(n) => {
                    for _ in 0..n {
                        if live.wants_step() {
                            // A divergence pauses, as in the lab; the replay meets it too.
                            let _ = live.step();
                            collect(&mut live, Some(&mut app), &mut points);
                        }
                    }
                }
            }
        }
        let recorded = live.preset().recorded(live.log());
        let mut replay = trainer_of(Preset::parse("session.toml", &recorded, &[]).unwrap());
        let mut again = Points::new();
        loop {
            replay.apply_timeline();
            if replay.step_count() >= live.step_count() && !replay.resets_ahead() {
                break;
            }
            let _ = replay.step();
            collect(&mut replay, None, &mut again);
        }
        prop_assert_eq!(again.len(), points.len());
        prop_assert!(again == points, "losses differ\n{}", recorded);
        prop_assert_eq!(replay.configs(), live.configs());
        prop_assert_eq!(replay.seed(), live.seed());
    }
}

/// The lab's frame at a step of a session (paused, `S`) is the frame
/// `aelab render` draws from the recorded session at that step, though the
/// lab saw a snapshot after every step and render one at the end.
#[test]
fn a_recorded_session_renders_the_frame_the_lab_showed() {
    let mut live = trainer(DEMO);
    let mut app = app_on(&mut live);
    let press = |app: &mut App, live: &mut Trainer, action| {
        for c in app.update(action) {
            live.apply(c);
        }
    };
    press(&mut app, &mut live, Action::TogglePause);
    for action in [
        Action::NextVariant,
        Action::NextVariant,
        Action::CorruptionUp,
        Action::Reset,
        Action::LrUp,
    ] {
        press(&mut app, &mut live, action);
    }
    for _ in 0..25 {
        press(&mut app, &mut live, Action::StepOnce);
        live.step().unwrap();
        app.absorb(live.snapshot());
    }
    let shown = aelab::ui::render_text(&app.for_text(), 120, 40);
    let recorded = live.preset().recorded(live.log());
    let replay = trainer_of(Preset::parse("session.toml", &recorded, &[]).unwrap());
    let drawn = aelab::cli::render::frame_after(replay, 25, (120, 40), false).unwrap();
    assert_eq!(shown, drawn);
}
