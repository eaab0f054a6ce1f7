//! Helpers shared by the tests: data specs, expected messages, small
//! PNG and `.npy` files written by hand, and the proptest settings.
#![allow(dead_code)] // each test file uses some of them

use aelab::data::{DataSpec, Source, load};
use image::{GrayImage, Luma};
use std::path::{Path, PathBuf};

pub fn spec(source: Source, path: &Path) -> DataSpec {
    DataSpec {
        source,
        path: Some(path.to_path_buf()),
        ..DataSpec::default()
    }
}

pub fn message(spec: &DataSpec) -> String {
    match load(spec) {
        Ok(d) => panic!("expected an error, loaded {} samples", d.len()),
        Err(e) => e.to_string(),
    }
}

pub fn assert_mentions(msg: &str, fragments: &[&str]) {
    for f in fragments {
        assert!(msg.contains(f), "message {msg:?} should mention {f:?}");
    }
}

/// A grey gradient image saved as PNG.
pub fn png(path: &Path, width: u32, height: u32) {
    GrayImage::from_fn(width, height, |x, y| Luma([((x * 7 + y * 13) % 256) as u8]))
        .save(path)
        .unwrap();
}

/// A `.npy` file as numpy writes it (version 1, header padded to 64 bytes).
pub fn npy(descr: &str, shape: &str, fortran: bool, body: &[u8]) -> Vec<u8> {
    let order = if fortran { "True" } else { "False" };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header.as_bytes());
    out.extend(body);
    out
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `default` proptest cases, or PROPTEST_CASES; no failure files written.
pub fn proptest_config(default: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(default),
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}
