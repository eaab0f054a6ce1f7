//! `aelab anomalies`: the bundled preset (trained briefly) ranks digits it
//! never saw above the held-out ones it knows, a file of noise is scored
//! as another data set, and bad input is refused by name.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn aelab(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aelab"))
        // Away from the checkout: the preset and MNIST come from the binary.
        .current_dir(dir)
        .args(args)
        .output()
        .expect("aelab runs")
}

fn stdout(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The value of the last line `auc=…`.
fn auc(text: &str) -> f64 {
    let last = text.lines().last().expect("some output");
    last.strip_prefix("auc=")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("last line {last:?} is not auc=<number>\n{text}"))
}

/// A 28x28 float32 `.npy` of `count` uniform-noise images.
fn noise(dir: &Path, count: usize) -> std::path::PathBuf {
    let mut state = 7u32;
    let body: Vec<u8> = (0..count * 784)
        .flat_map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((state >> 8) as f32 / (1u32 << 24) as f32).to_le_bytes()
        })
        .collect();
    let shape = format!("({count}, 28, 28)");
    common::write(dir, "noise.npy", &common::npy("<f4", &shape, false, &body))
}

#[test]
fn the_bundled_preset_scores_unseen_digits_above_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("worst.png");
    let out = aelab(
        dir.path(),
        &[
            "anomalies",
            "anomalies",
            "--epochs",
            "2",
            "--set",
            "data.limit=4000",
            "--worst",
            "5",
            "--png",
            png.to_str().unwrap(),
        ],
    );
    let text = stdout(&out);
    let value = auc(&text);
    assert!(value > 0.6 && value <= 1.0, "{text}");
    assert!(
        text.contains("samples of the other classes 5 6 7 8 9"),
        "{text}"
    );
    assert!(text.contains("#5 "), "five worst drawn: {text}");
    let image = image::open(&png).expect("a PNG").to_rgb8();
    assert!(image.width() > 200 && image.height() > 100);
}

#[test]
fn a_file_without_labels_is_another_data_set() {
    let dir = tempfile::tempdir().unwrap();
    let file = noise(dir.path(), 50);
    let args = [
        "anomalies",
        "anomalies",
        "--epochs",
        "2",
        "--set",
        "data.limit=4000",
        "--worst",
        "2",
        "--data",
        file.to_str().unwrap(),
    ];
    let text = stdout(&aelab(dir.path(), &args));
    assert!(text.contains("all abnormal"), "{text}");
    assert!(auc(&text) > 0.9, "noise is far from any digit: {text}");
}

#[test]
fn without_classes_it_only_ranks_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "anomalies",
        "vanilla",
        "--epochs",
        "1",
        "--set",
        "data.limit=500",
    ];
    let text = stdout(&aelab(dir.path(), &args));
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("ranking only") && last.contains("data.classes"),
        "{text}"
    );
    assert!(!text.contains("auc="), "{text}");
}

#[test]
fn bad_input_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let small = common::write(
        dir.path(),
        "small.npy",
        &common::npy("<f4", "(3, 8, 8)", false, &[0u8; 3 * 64 * 4]),
    );
    let cases: [(Vec<&str>, &[&str]); 4] = [
        (
            vec!["anomalies", "--data", small.to_str().unwrap()],
            &["small.npy", "64 inputs (8x8)", "784 (28x28"],
        ),
        (
            vec!["anomalies", "--set", "data.classes=[3, 12]"],
            &["data.classes", "class 12", "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"],
        ),
        (
            vec!["anomalies", "--set", "data.classes=[]"],
            &["data.classes", "at least one class"],
        ),
        (
            vec![
                "train",
                "vanilla",
                "--data",
                small.to_str().unwrap(),
                "--set",
                "data.classes=[0]",
            ],
            &["data.classes", "has no labels"],
        ),
    ];
    for (args, fragments) in cases {
        let out = aelab(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} was accepted");
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(message.starts_with("aelab: "), "{args:?}: {message}");
        common::assert_mentions(&message, fragments);
    }
}
