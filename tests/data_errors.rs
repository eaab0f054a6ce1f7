//! Loading the bundled data, and the messages a user sees for broken files.
//! Bad files are generated in a temp dir, raw and gzipped.

use aelab::data::{DataSpec, Source, load};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

fn spec(source: Source, path: &Path) -> DataSpec {
    DataSpec {
        source,
        path: Some(path.to_path_buf()),
        ..DataSpec::default()
    }
}

/// The error message loading `spec` gives; panics if it loads.
fn message(spec: &DataSpec) -> String {
    match load(spec) {
        Ok(d) => panic!("expected an error, loaded {} samples", d.len()),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(msg: &str, fragments: &[&str]) {
    for f in fragments {
        assert!(msg.contains(f), "message {msg:?} should mention {f:?}");
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn idx_images(n: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut b = [0x0803u32, n, rows, cols]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect::<Vec<_>>();
    b.extend((0..n * rows * cols).map(|i| (i % 256) as u8));
    b
}

fn idx_labels(n: u32) -> Vec<u8> {
    let mut b = [0x0801u32, n]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect::<Vec<_>>();
    b.extend((0..n).map(|i| (i % 10) as u8));
    b
}

/// Write `bytes` as `name` (raw) and `name.gz` (gzipped); return both paths.
fn write_both(dir: &Path, name: &str, bytes: &[u8]) -> [PathBuf; 2] {
    let raw = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    std::fs::write(&raw, bytes).unwrap();
    std::fs::write(&gz, gzip(bytes)).unwrap();
    [raw, gz]
}

#[test]
fn bundled_mnist_loads_the_real_test_set() {
    let d = load(&DataSpec::default()).unwrap();
    assert_eq!(d.name, "mnist (t10k)");
    assert_eq!((d.len(), d.inputs(), d.shape), (10_000, 784, (28, 28)));
    let labels = d.labels.as_ref().unwrap();
    assert_eq!(labels.len(), 10_000);
    assert!(labels.iter().all(|&l| l < 10));
    assert_eq!(labels[0], 7, "the first t10k label is a 7");
    assert!(d.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert_eq!(d.x.fold(0.0f32, |a, &b| a.max(b)), 1.0);
}

#[test]
fn bundled_digits_load_as_8x8_with_labels() {
    let d = load(&DataSpec {
        source: Source::Digits,
        ..DataSpec::default()
    })
    .unwrap();
    assert_eq!((d.len(), d.inputs(), d.shape), (1797, 64, (8, 8)));
    let labels = d.labels.as_ref().unwrap();
    assert!(labels.iter().all(|&l| l < 10));
    assert_eq!(&labels[..3], &[0, 1, 2]);
    assert!(d.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
}

#[test]
fn limit_keeps_the_first_samples_of_the_file() {
    let d = load(&DataSpec {
        limit: Some(5),
        ..DataSpec::default()
    })
    .unwrap();
    assert_eq!(d.len(), 5);
    assert_eq!(d.labels.unwrap()[0], 7);
}

#[test]
fn idx_source_reads_a_file_and_finds_its_labels_raw_or_gzipped() {
    let dir = tempfile::tempdir().unwrap();
    write_both(dir.path(), "toy-labels-idx1-ubyte", &idx_labels(3));
    for images in write_both(dir.path(), "toy-images-idx3-ubyte", &idx_images(3, 2, 5)) {
        let d = load(&spec(Source::Idx, &images)).unwrap();
        assert_eq!((d.len(), d.shape), (3, (2, 5)));
        assert_eq!(d.labels, Some(vec![0, 1, 2]));
        assert_eq!(d.x[[0, 1]], 1.0 / 255.0);
    }
}

#[test]
fn truncated_idx_names_the_file_and_expected_and_found_lengths() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = idx_images(4, 3, 3); // 16 + 36 = 52 bytes
    bytes.truncate(40);
    for path in write_both(dir.path(), "cut-images-idx3-ubyte", &bytes) {
        let msg = message(&spec(Source::Idx, &path));
        assert_mentions(
            &msg,
            &[
                &path.display().to_string(),
                "truncated",
                "expected 52 bytes",
                "found 40",
            ],
        );
    }
}

#[test]
fn idx_header_cut_short_is_truncated_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short-images-idx3-ubyte");
    std::fs::write(&path, [0, 0, 8, 3, 0, 0]).unwrap();
    assert_mentions(
        &message(&spec(Source::Idx, &path)),
        &["truncated", "expected 16 bytes", "found 6"],
    );
}

#[test]
fn wrong_magic_names_the_file_and_the_magic_found_and_expected() {
    let dir = tempfile::tempdir().unwrap();
    // A labels file where images are expected.
    for path in write_both(dir.path(), "swapped-images-idx3-ubyte", &idx_labels(4)) {
        let msg = message(&spec(Source::Idx, &path));
        assert_mentions(
            &msg,
            &[
                &path.display().to_string(),
                "magic",
                "0x00000801",
                "expected 0x00000803",
            ],
        );
    }
}

#[test]
fn images_and_labels_count_mismatch_names_both_counts() {
    let dir = tempfile::tempdir().unwrap();
    let [images, _] = write_both(dir.path(), "odd-images-idx3-ubyte", &idx_images(4, 2, 2));
    write_both(dir.path(), "odd-labels-idx1-ubyte", &idx_labels(3));
    let msg = message(&spec(Source::Idx, &images));
    assert_mentions(
        &msg,
        &[
            "odd-labels-idx1-ubyte",
            "3 labels",
            "odd-images-idx3-ubyte",
            "4 images",
        ],
    );
}

#[test]
fn empty_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("empty-images-idx3-ubyte");
    let csv = dir.path().join("empty.csv");
    let gz = dir.path().join("empty.csv.gz");
    std::fs::write(&idx, b"").unwrap();
    std::fs::write(&csv, b"").unwrap();
    std::fs::write(&gz, gzip(b"")).unwrap();
    for (source, path) in [(Source::Idx, &idx), (Source::Csv, &csv), (Source::Csv, &gz)] {
        assert_mentions(
            &message(&spec(source, path)),
            &[&path.display().to_string(), "empty"],
        );
    }
}

#[test]
fn ragged_csv_row_names_the_line_and_column_counts() {
    let dir = tempfile::tempdir().unwrap();
    for path in write_both(dir.path(), "ragged.csv", b"a,b,c\n1,2,3\n4,5\n") {
        let msg = message(&spec(Source::Csv, &path));
        assert_mentions(
            &msg,
            &[
                &path.display().to_string(),
                "line 3",
                "has 2 columns",
                "expected 3",
            ],
        );
    }
}

#[test]
fn non_numeric_csv_field_names_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for path in write_both(dir.path(), "words.csv", b"1,2,3\n4,five,6\n") {
        let msg = message(&spec(Source::Csv, &path));
        assert_mentions(
            &msg,
            &[
                &path.display().to_string(),
                "line 2, column 2",
                "`five`",
                "not a finite number",
            ],
        );
    }
    let nan = dir.path().join("nan.csv");
    std::fs::write(&nan, "0.5,NaN\n").unwrap();
    assert_mentions(
        &message(&spec(Source::Csv, &nan)),
        &["line 1, column 2", "`NaN`"],
    );
}

#[test]
fn csv_with_a_label_header_is_scaled_and_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("four.csv");
    std::fs::write(&path, "p1,p2,p3,p4,label\n0,2,4,8,1\n\n8,8,0,0,3\n").unwrap();
    let d = load(&spec(Source::Csv, &path)).unwrap();
    assert_eq!((d.len(), d.inputs(), d.shape), (2, 4, (2, 2)));
    assert_eq!(d.labels, Some(vec![1, 3]));
    assert_eq!(d.x.row(0).to_vec(), vec![0.0, 0.25, 0.5, 1.0]);
}

#[test]
fn missing_path_is_named() {
    let msg = message(&spec(
        Source::Idx,
        Path::new("no/such/train-images-idx3-ubyte"),
    ));
    assert_mentions(&msg, &["no/such/train-images-idx3-ubyte", "does not exist"]);
    let msg = message(&DataSpec {
        source: Source::Csv,
        ..DataSpec::default()
    });
    assert_mentions(&msg, &["csv", "needs data.path"]);
}

#[test]
fn folder_with_two_images_files_asks_for_one() {
    let dir = tempfile::tempdir().unwrap();
    write_both(dir.path(), "a-images-idx3-ubyte", &idx_images(1, 1, 1));
    let msg = message(&spec(Source::Idx, dir.path()));
    assert_mentions(&msg, &["2 `*images-idx3*` files", "set data.path to one"]);
}

#[test]
fn bad_validation_and_zero_limit_are_refused() {
    let msg = message(&DataSpec {
        validation: 1.0,
        ..DataSpec::default()
    });
    assert_mentions(&msg, &["data.validation = 1", "[0, 1)"]);
    assert_mentions(
        &message(&DataSpec {
            limit: Some(0),
            ..DataSpec::default()
        }),
        &["data.limit = 0"],
    );
}

#[test]
fn spec_parses_from_toml_with_defaults_and_rejects_unknown_keys() {
    let s: DataSpec = toml::from_str("source = \"digits\"\nlimit = 100").unwrap();
    assert_eq!(
        s,
        DataSpec {
            source: Source::Digits,
            limit: Some(100),
            ..DataSpec::default()
        }
    );
    assert!(toml::from_str::<DataSpec>("sorce = \"mnist\"").is_err());
}
