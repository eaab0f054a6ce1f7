//! Property-based fuzzing of the parsers a user's files go through: IDX, CSV,
//! `.npy`, presets and checkpoints. Arbitrary bytes, and valid files with a few bytes
//! changed or cut short, must give Ok or a clear Err — never a panic.
//! PROPTEST_CASES=100000 cargo test --test fuzz_parsers runs it longer.

use aelab::data::Dataset;
use aelab::data::parsers::{LabelColumn, parse_csv, parse_idx_images, parse_idx_labels, parse_npy};
use aelab::preset::Preset;
use aelab::train::{Checkpoint, Trainer};
use proptest::prelude::*;
use std::sync::OnceLock;

mod common;
use std::path::Path;

/// Few enough cases that the suite stays fast; override with PROPTEST_CASES.
fn config() -> ProptestConfig {
    common::proptest_config(256)
}

/// Up to 8 byte overwrites and an optional cut, positions taken modulo the length.
fn mutations() -> impl Strategy<Value = (Vec<(usize, u8)>, Option<usize>)> {
    (
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        prop::option::of(any::<usize>()),
    )
}

fn mutate(mut bytes: Vec<u8>, (edits, cut): &(Vec<(usize, u8)>, Option<usize>)) -> Vec<u8> {
    if !bytes.is_empty() {
        for &(at, b) in edits {
            let n = bytes.len();
            bytes[at % n] = b;
        }
    }
    if let Some(at) = cut {
        bytes.truncate(at % (bytes.len() + 1));
    }
    bytes
}

fn idx_images() -> Vec<u8> {
    let mut b: Vec<u8> = [0x803u32, 3, 4, 5]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect();
    b.extend((0..60).map(|i| i as u8));
    b
}

fn idx_labels() -> Vec<u8> {
    let mut b: Vec<u8> = [0x801u32, 4].iter().flat_map(|w| w.to_be_bytes()).collect();
    b.extend([1, 2, 3, 4]);
    b
}

fn npy() -> Vec<u8> {
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend((header.len() as u16).to_le_bytes());
    b.extend(header.as_bytes());
    b.extend((0..6).flat_map(|i| (i as f32).to_le_bytes()));
    b
}

const SMALL: &str = "seed = 2\nvariant = \"denoising\"\n[model]\nhidden = 3\n[train]\nbatch = 16\n[data]\nsource = \"mnist\"\nlimit = 40\nvalidation = 0.2\n";

/// A small run's data, loaded once: every case restores into a fresh trainer.
fn small_data() -> &'static (Dataset, Dataset) {
    static DATA: OnceLock<(Dataset, Dataset)> = OnceLock::new();
    DATA.get_or_init(|| {
        let preset = Preset::parse("small.toml", SMALL, &[]).unwrap();
        aelab::data::load(&preset.data)
            .unwrap()
            .split(0.2, preset.seed)
    })
}

fn small_trainer() -> Trainer {
    let (train, val) = small_data().clone();
    Trainer::new(Preset::parse("small.toml", SMALL, &[]).unwrap(), train, val).unwrap()
}

/// A checkpoint of the small run after a few steps, as a file holds it.
fn checkpoint() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut t = small_trainer();
        for _ in 0..3 {
            t.step().unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.ckpt");
        t.save_checkpoint(&path).unwrap();
        std::fs::read(path).unwrap()
    })
}

/// Decodes, and if that works, restores into a trainer and takes a step.
fn resume_from(bytes: &[u8]) {
    if let Ok(c) = Checkpoint::decode("fuzz.ckpt", bytes) {
        let mut t = small_trainer();
        if t.restore(c, "fuzz.ckpt").is_ok() {
            let _ = t.step();
        }
    }
}

const CSV: &str = "a,b,label\n0.5,1e3,7\n-2,3.25,1\n\n4,5,0\n";

fn presets() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    texts.sort();
    texts
}

fn all_parsers(bytes: &[u8]) {
    let p = Path::new("fuzz");
    let _ = parse_idx_images(p, bytes);
    let _ = parse_idx_labels(p, bytes);
    let _ = parse_csv(p, bytes.to_vec(), LabelColumn::Last);
    let _ = parse_csv(p, bytes.to_vec(), LabelColumn::IfHeaderSaysSo);
    let _ = parse_npy(p, bytes);
    let _ = Checkpoint::decode("fuzz", bytes);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        all_parsers(&bytes);
    }

    #[test]
    fn mutated_idx_never_panics(m in mutations()) {
        let p = Path::new("fuzz");
        let _ = parse_idx_images(p, &mutate(idx_images(), &m));
        let _ = parse_idx_labels(p, &mutate(idx_labels(), &m));
    }

    #[test]
    fn mutated_csv_never_panics(m in mutations()) {
        all_parsers(&mutate(CSV.as_bytes().to_vec(), &m));
    }

    #[test]
    fn mutated_npy_never_panics(m in mutations()) {
        let _ = parse_npy(Path::new("fuzz"), &mutate(npy(), &m));
    }

    #[test]
    fn mutated_checkpoints_never_panic(m in mutations()) {
        resume_from(&mutate(checkpoint().to_vec(), &m));
    }

    #[test]
    fn arbitrary_preset_text_never_panics(text in "\\PC{0,200}") {
        let _ = Preset::parse("fuzz.toml", &text, &[]);
    }

    #[test]
    fn mutated_presets_never_panic(which in any::<prop::sample::Index>(), m in mutations()) {
        let texts = presets();
        let text = which.get(&texts);
        let bytes = mutate(text.as_bytes().to_vec(), &m);
        let text = String::from_utf8_lossy(&bytes);
        let _ = Preset::parse("fuzz.toml", &text, &[]);
    }

    #[test]
    fn arbitrary_overrides_never_panic(key in "[a-z._]{0,20}", value in "\\PC{0,20}") {
        let _ = Preset::parse("fuzz.toml", "", &[format!("{key}={value}")]);
    }
}

/// The valid inputs the mutations start from do parse, so the fuzzing starts
/// from the interesting side of every check.
#[test]
fn the_seeds_are_valid() {
    let p = Path::new("fuzz");
    let c = Checkpoint::decode("c.ckpt", checkpoint()).unwrap();
    assert_eq!(
        small_trainer().restore(c, "c.ckpt").map(|_| ()).ok(),
        Some(())
    );
    assert_eq!(parse_idx_images(p, &idx_images()).unwrap().0, 3);
    assert_eq!(parse_idx_labels(p, &idx_labels()).unwrap().len(), 4);
    assert_eq!(
        parse_csv(p, CSV.into(), LabelColumn::IfHeaderSaysSo)
            .unwrap()
            .rows,
        3
    );
    assert_eq!(parse_npy(p, &npy()).unwrap().shape, vec![2, 3]);
    for text in presets() {
        Preset::parse("seed.toml", &text, &[]).unwrap();
    }
}
