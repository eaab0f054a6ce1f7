//! `aelab data PATH_OR_PRESET` as a user runs it: what it prints for good
//! data, and one line on stderr with a non-zero exit for bad data.

mod common;

use common::{assert_mentions, npy, png, write};
use std::process::Command;

/// `aelab data` on bad input: exit status non-zero and one line on stderr.
#[test]
fn aelab_data_prints_one_line_and_fails_on_bad_data() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    png(&dir.path().join("small.png"), 3, 3);
    let bad = [
        write(
            dir.path(),
            "bad.npy",
            &npy("<c16", "(1, 1)", false, &[0; 16]),
        ),
        write(dir.path(), "ragged.csv", b"1,2,3\n4,5\n"),
        write(
            dir.path(),
            "x-images-idx3-ubyte",
            b"\0\0\x08\x01\0\0\0\x01\x05",
        ),
        write(dir.path(), "corrupt.png", b"not a png"),
        empty,
    ];
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_aelab"))
            .args(args)
            .output()
            .unwrap()
    };
    for path in &bad {
        let out = run(&["data", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{path:?} should fail");
        assert_eq!(stderr.lines().count(), 1, "{path:?}: {stderr}");
        assert!(
            stderr.contains(path.file_name().unwrap().to_str().unwrap()),
            "{stderr}"
        );
    }
    let small = dir.path().join("small.png");
    let out = run(&["data", small.to_str().unwrap(), "--set", "data.patch=8"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert_mentions(&stderr, &["small.png", "3x3", "data.patch = 8"]);

    let out = run(&["data", "data/mnist"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert_mentions(
        &stdout,
        &["samples 10000", "shape 28x28", "labels 10 classes", "0:980"],
    );
}

fn stdout_of(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aelab"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn aelab_data_reads_presets_and_infers_sources_from_paths() {
    let out = stdout_of(&["data", "natural-images", "--set", "data.patches=100"]);
    assert_mentions(
        &out,
        &[
            "samples 100",
            "shape 8x8",
            "preprocess cs294a",
            "min 0.1000",
        ],
    );
    let out = stdout_of(&["data", "toy-manifold"]);
    assert_mentions(&out, &["source toy", "shape 1x20", "tangents"]);

    let dir = tempfile::tempdir().unwrap();
    let body: Vec<u8> = (0..12).collect();
    let path = write(dir.path(), "x.npy", &npy("|u1", "(3, 2, 2)", false, &body));
    let out = stdout_of(&["data", path.to_str().unwrap()]);
    assert_mentions(&out, &["source npy", "samples 3", "shape 2x2"]);
    let path = write(dir.path(), "t.csv", b"a,b,label\n1,2,0\n3,4,1\n");
    assert_mentions(
        &stdout_of(&["data", path.to_str().unwrap()]),
        &["source csv", "labels 2 classes"],
    );
    png(&dir.path().join("one.png"), 6, 4);
    let out = stdout_of(&["data", dir.path().to_str().unwrap()]);
    assert_mentions(
        &out,
        &["source images", "(1 image, 4x6)", "samples 1", "shape 4x6"],
    );
}
