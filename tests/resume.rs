//! Nothing lost: a checkpoint continues its run bit for bit (any optimiser,
//! corruption, live changes, mid-epoch), `aelab train` 2 + 2 epochs equals 4,
//! a wrong checkpoint is refused by name, a blow-up stops with its message.

use aelab::data;
use aelab::preset::Preset;
use aelab::settings::{Change, Event};
use aelab::train::{Checkpoint, Command, LossPoint, Trainer};
use std::path::Path;
use std::process::Command as Process;

const DATA: &str = "\n[data]\nsource = \"mnist\"\nlimit = 300\nvalidation = 0.2\n";

fn trainer(text: &str) -> Trainer {
    let preset = Preset::parse("test.toml", &format!("{text}{DATA}"), &[]).unwrap();
    let (train, val) = data::load(&preset.data)
        .unwrap()
        .split(preset.data.validation, preset.seed);
    Trainer::new(preset, train, val).unwrap()
}

/// Every model's loss points of the next `n` steps.
fn steps(t: &mut Trainer, n: usize) -> Vec<Vec<LossPoint>> {
    for _ in 0..n {
        t.step().unwrap();
    }
    t.snapshot().models.into_iter().map(|m| m.losses).collect()
}

#[test]
fn a_restored_checkpoint_takes_the_same_steps_as_the_run_it_came_from() {
    let presets = [
        // Adam, two models on the same batches, one with masking noise.
        "seed = 3\nvariant = \"vanilla\"\n[model]\nhidden = 16\n[train]\nbatch = 32\n[[compare]]\nlabel = \"dae\"\nvariant = \"denoising\"\n",
        // Momentum with gaussian noise and a sparsity penalty.
        "seed = 4\nvariant = \"sparse\"\n[model]\nhidden = 12\n[train]\noptimizer = \"momentum\"\nlr = 0.05\nbatch = 50\n[corrupt]\nkind = \"gaussian\"\nlevel = 0.1\n",
        // Plain SGD, contractive.
        "seed = 5\nvariant = \"contractive\"\n[model]\nhidden = 10\n[train]\noptimizer = \"sgd\"\nlr = 0.1\nbatch = 40\n",
        // L-BFGS: its curvature pairs are state too.
        "seed = 6\nvariant = \"vanilla\"\n[model]\nhidden = 8\n[train]\noptimizer = \"lbfgs\"\n",
    ];
    for text in presets {
        let mut straight = trainer(text);
        let mut first = trainer(text);
        // Mid-epoch, after a live change: the change must come back too.
        steps(&mut straight, 5);
        steps(&mut first, 5);
        let lr = Change::Lr(0.003);
        for t in [&mut straight, &mut first] {
            t.apply(Command::Event(Event::Change {
                model: Some(0),
                change: lr,
            }));
        }
        steps(&mut straight, 2);
        steps(&mut first, 2);
        let bytes = {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("run.ckpt");
            first.save_checkpoint(&path).unwrap();
            std::fs::read(path).unwrap()
        };
        let checkpoint = Checkpoint::decode("run.ckpt", &bytes).unwrap();
        let mut resumed = trainer(text);
        let said = resumed.restore(checkpoint, "run.ckpt").unwrap();
        assert!(said.contains("step 7"), "{said}");
        assert_eq!(resumed.configs(), straight.configs(), "{text}");
        assert_eq!(resumed.log(), straight.log());
        let expected = steps(&mut straight, 12);
        let got = steps(&mut resumed, 12);
        // The straight run's snapshot also holds its first 7 steps.
        let tail = |points: &Vec<LossPoint>| points[points.len() - 12..].to_vec();
        let expected: Vec<_> = expected.iter().map(tail).collect();
        assert_eq!(got, expected, "{text}");
        assert_eq!(resumed.step_count(), straight.step_count());
        assert_eq!(resumed.epoch(), straight.epoch());
    }
}

#[test]
fn a_checkpoint_of_other_models_or_data_is_refused_by_name() {
    let mut a = trainer("variant = \"vanilla\"\n[model]\nhidden = 16\n");
    steps(&mut a, 2);
    let err =
        |t: &mut Trainer, c: &Checkpoint| t.restore(c.clone(), "a.ckpt").unwrap_err().to_string();
    let c = a.checkpoint();
    let mut wider = trainer("variant = \"vanilla\"\n[model]\nhidden = 20\n");
    let mut other = trainer("variant = \"vanilla\"\nlabel = \"mine\"\n[model]\nhidden = 16\n");
    let msg = err(&mut wider, &c);
    assert!(
        msg.starts_with("a.ckpt: model \"vanilla\" has 16 hidden units") && msg.contains("has 20"),
        "{msg}"
    );
    let msg = err(&mut other, &c);
    assert!(
        msg.contains("[\"vanilla\"]") && msg.contains("[\"mine\"]"),
        "{msg}"
    );
    let preset = Preset::parse(
        "test.toml",
        "variant = \"vanilla\"\n[model]\nhidden = 16\n[data]\nsource = \"mnist\"\nlimit = 200\n",
        &[],
    )
    .unwrap();
    let (train, val) = data::load(&preset.data).unwrap().split(0.0, 1);
    let mut smaller = Trainer::new(preset, train, val).unwrap();
    let msg = err(&mut smaller, &c);
    assert!(
        msg.contains("240 training samples") && msg.contains("has 200"),
        "{msg}"
    );
    // Refused means untouched.
    assert_eq!(smaller.step_count(), 0);
}

fn aelab(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_aelab"))
        .args(args)
        .current_dir(dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .output()
        .unwrap()
}

/// The JSONL rows without their timing (the one field a rerun changes).
fn rows(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("samples_per_s");
            v
        })
        .collect()
}

#[test]
fn train_two_epochs_saved_and_two_resumed_equal_four_straight() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let preset = format!("{}/presets/denoising.toml", env!("CARGO_MANIFEST_DIR"));
    let limit = "data.limit=400";
    let run = |args: &[&str]| {
        let out = aelab(d, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&[
        "train",
        &preset,
        "--set",
        limit,
        "--epochs",
        "4",
        "--jsonl",
        "four.jsonl",
    ]);
    let saved = run(&[
        "train", &preset, "--set", limit, "--epochs", "2", "--jsonl", "a.jsonl", "--save",
        "run.ckpt",
    ]);
    assert!(
        saved.contains("continue: aelab train --resume run.ckpt"),
        "{saved}"
    );
    // As the hint says: no preset needed, the checkpoint names it.
    let resumed = run(&[
        "train", "--resume", "run.ckpt", "--epochs", "2", "--jsonl", "b.jsonl",
    ]);
    assert!(resumed.contains("resumed run.ckpt: step"), "{resumed}");
    let mut two_and_two = rows(&d.join("a.jsonl"));
    two_and_two.extend(rows(&d.join("b.jsonl")));
    assert_eq!(two_and_two, rows(&d.join("four.jsonl")));
    // The lab's hint, `aelab --resume FILE`, without a terminal trains headless from it.
    let out = aelab(d, &["--resume", "run.ckpt", "--set", "train.epochs=3"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("epoch   3"), "{text}");
}

#[test]
fn a_blow_up_stops_training_with_what_happened_and_keeps_the_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let preset = format!("{}/tests/bad_runs/blow-up.toml", env!("CARGO_MANIFEST_DIR"));
    let out = aelab(dir.path(), &["train", &preset, "--jsonl", "rows.jsonl"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("model \"vanilla\" is blowing up in step")
            && err.contains("its weights grew")
            && err.contains("lower train.lr"),
        "{err}"
    );
    // The epoch before the blow-up is in the file.
    assert_eq!(rows(&dir.path().join("rows.jsonl")).len(), 1, "{err}");
}

#[test]
fn an_unwritable_save_is_one_line_and_the_jsonl_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("file"), "not a folder").unwrap();
    let preset = format!("{}/presets/vanilla.toml", env!("CARGO_MANIFEST_DIR"));
    let out = aelab(
        d,
        &[
            "train",
            &preset,
            "--set",
            "data.limit=200",
            "--epochs",
            "1",
            "--jsonl",
            "rows.jsonl",
            "--save",
            "file/run.ckpt",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("file/run.ckpt: cannot write"), "{err}");
    assert_eq!(rows(&d.join("rows.jsonl")).len(), 1);
}
