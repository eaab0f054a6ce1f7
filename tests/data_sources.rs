//! The data sources added for natural images and the user's own files:
//! photographs (patches and folders), `.npy`, the toy curve, preprocessing
//! and the full-MNIST folder layout.

mod common;

use aelab::data::{DataSpec, Preprocess, Source, load, load_seeded};
use common::{assert_mentions, message, npy, png, spec, write};
use ndarray::Axis;

fn patches(n: usize, preprocess: Preprocess, seed: u64) -> aelab::data::Dataset {
    let spec = DataSpec {
        source: Source::Images,
        patches: n,
        preprocess: Some(preprocess),
        ..DataSpec::default()
    };
    load_seeded(&spec, seed).unwrap()
}

#[test]
fn bundled_photographs_give_seeded_8x8_patches() {
    let a = patches(500, Preprocess::Unit, 7);
    assert_eq!((a.len(), a.inputs(), a.shape), (500, 64, (8, 8)));
    assert!(a.x.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(
        a,
        patches(500, Preprocess::Unit, 7),
        "same seed, same patches"
    );
    assert_ne!(
        a.x,
        patches(500, Preprocess::Unit, 8).x,
        "another seed, other patches"
    );
}

#[test]
fn cs294a_patches_lie_in_the_sigmoid_range() {
    let d = patches(2000, Preprocess::Cs294a, 1);
    let min = d.x.fold(f32::INFINITY, |a, &b| a.min(b));
    let max = d.x.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    assert!(min >= 0.1 - 1e-6 && max <= 0.9 + 1e-6, "{min}..{max}");
    // Clipping at ±3σ leaves most values inside, and the mean near 0.5.
    let mean = d.x.mean().unwrap();
    assert!((mean - 0.5).abs() < 0.01, "{mean}");
}

#[test]
fn mean_removal_centres_every_patch() {
    let d = patches(200, Preprocess::Mean, 1);
    for m in d.x.mean_axis(Axis(1)).unwrap() {
        assert!(m.abs() < 1e-5, "{m}");
    }
}

/// The covariance of whitened data is U diag(λ/(λ+ε)) Uᵀ: the identity up to ε.
#[test]
fn zca_and_pca_whitened_patches_have_identity_covariance() {
    for how in [Preprocess::ZcaWhiten, Preprocess::PcaWhiten] {
        let d = patches(5000, how, 3);
        let x = d.x.mapv(f64::from);
        let cov = x.t().dot(&x) / x.nrows() as f64;
        let mut worst: f64 = 0.0;
        for ((i, j), v) in cov.indexed_iter() {
            let target = if i == j { 1.0 } else { 0.0 };
            worst = worst.max((v - target).abs());
        }
        assert!(
            worst < 0.005 && cov.iter().all(|v| v.is_finite()),
            "{how:?}: covariance off the identity by {worst}"
        );
    }
}

#[test]
fn an_image_smaller_than_the_patch_names_the_file_and_both_sizes() {
    let dir = tempfile::tempdir().unwrap();
    png(&dir.path().join("big.png"), 20, 20);
    png(&dir.path().join("tiny.png"), 5, 4);
    let msg = message(&spec(Source::Images, dir.path()));
    assert_mentions(&msg, &["tiny.png", "5x4", "data.patch = 8"]);
}

#[test]
fn an_unreadable_image_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "broken.png", b"\x89PNG\r\n\x1a\nnot really");
    let msg = message(&spec(Source::Images, &path));
    assert_mentions(&msg, &["broken.png", "cannot read the image"]);
    let path = write(dir.path(), "text.jpg", b"hello");
    assert_mentions(&message(&spec(Source::Images, &path)), &["text.jpg"]);
}

#[test]
fn a_folder_with_no_images_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", b"no pictures here");
    let msg = message(&spec(Source::Images, dir.path()));
    assert_mentions(
        &msg,
        &[&dir.path().display().to_string(), "no images", "png"],
    );
}

#[test]
fn a_folder_of_images_gives_resized_samples_labelled_by_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    for (class, sizes) in [("cat", [(10, 12), (20, 24)]), ("dog", [(5, 6), (10, 12)])] {
        std::fs::create_dir(dir.path().join(class)).unwrap();
        for (i, (w, h)) in sizes.into_iter().enumerate() {
            png(&dir.path().join(class).join(format!("{i}.png")), w, h);
        }
    }
    let mut s = spec(Source::Images, dir.path());
    s.patch = Some(0);
    let d = load(&s).unwrap();
    assert_eq!((d.len(), d.shape), (4, (12, 10)), "the first image's size");
    assert_eq!(d.labels, Some(vec![0, 0, 1, 1]));
    s.patch = None;
    s.size = Some([3, 4]);
    let d = load(&s).unwrap();
    assert_eq!((d.len(), d.shape, d.inputs()), (4, (3, 4), 12));
    assert!(d.x.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn npy_round_trips_float_byte_and_fortran_arrays() {
    let dir = tempfile::tempdir().unwrap();
    let values: Vec<f32> = (0..6).map(|i| i as f32 * 0.5).collect();
    let f4: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let path = write(dir.path(), "a.npy", &npy("<f4", "(2, 3)", false, &f4));
    let raw = DataSpec {
        preprocess: Some(Preprocess::Raw),
        ..spec(Source::Npy, &path)
    };
    let d = load(&raw).unwrap();
    assert_eq!((d.len(), d.shape), (2, (1, 3)));
    assert_eq!(d.x.iter().copied().collect::<Vec<_>>(), values);
    // By default ("unit") values beyond [0, 1] are mapped there by one affine map.
    let d = load(&spec(Source::Npy, &path)).unwrap();
    assert_eq!(d.x.row(1).to_vec(), vec![0.6, 0.8, 1.0]);

    // Fortran order: column-major on disk, row-major in memory.
    let f8: Vec<u8> = [0.0f64, 3.0, 1.0, 4.0, 2.0, 5.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let path = write(dir.path(), "f.npy", &npy("<f8", "(2, 3)", true, &f8));
    let d = load(&DataSpec {
        path: Some(path),
        ..raw.clone()
    })
    .unwrap();
    assert_eq!(d.x.row(0).to_vec(), vec![0.0, 1.0, 2.0]);

    // uint8 images (n, rows, cols): scaled by 1/255, shape kept.
    let bytes: Vec<u8> = (0..2 * 2 * 3).map(|i| (i * 20) as u8).collect();
    let path = write(dir.path(), "u.npy", &npy("|u1", "(2, 2, 3)", false, &bytes));
    let d = load(&spec(Source::Npy, &path)).unwrap();
    assert_eq!((d.len(), d.shape), (2, (2, 3)));
    assert!((d.x[[1, 5]] - 220.0 / 255.0).abs() < 1e-6);
}

#[test]
fn bad_npy_files_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &[&str]); 5] = [
        (
            "empty.npy",
            npy("<f4", "(0, 5)", false, &[]),
            &["empty.npy", "empty"],
        ),
        (
            "int.npy",
            npy("<i8", "(1, 1)", false, &[0; 8]),
            &["int.npy", "'<i8'", "float32"],
        ),
        (
            "flat.npy",
            npy("<f4", "(2,)", false, &[0; 8]),
            &["flat.npy", "1-D", "2-D"],
        ),
        (
            "short.npy",
            npy("<f4", "(2, 2)", false, &[0; 8]),
            &["short.npy", "16 bytes", "has 8"],
        ),
        (
            "junk.npy",
            b"PK\x03\x04 a zip file".to_vec(),
            &["junk.npy", "not a .npy file"],
        ),
    ];
    for (name, bytes, fragments) in cases {
        let path = write(dir.path(), name, &bytes);
        assert_mentions(&message(&spec(Source::Npy, &path)), fragments);
    }
    let path = write(dir.path(), "zero.npy", b"");
    assert_mentions(&message(&spec(Source::Npy, &path)), &["zero.npy", "empty"]);
}

fn idx(magic: u32, dims: &[u32]) -> Vec<u8> {
    let mut b: Vec<u8> = std::iter::once(magic)
        .chain(dims.iter().copied())
        .flat_map(|w| w.to_be_bytes())
        .collect();
    b.extend((0..dims.iter().product::<u32>()).map(|i| (i % 10) as u8));
    b
}

/// The full MNIST download: train-* and t10k-* side by side; the folder means train.
#[test]
fn a_full_mnist_folder_loads_the_training_split_with_its_labels() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "train-images-idx3-ubyte",
        &idx(0x803, &[6, 2, 2]),
    );
    write(dir.path(), "train-labels-idx1-ubyte", &idx(0x801, &[6]));
    write(
        dir.path(),
        "t10k-images-idx3-ubyte",
        &idx(0x803, &[3, 2, 2]),
    );
    write(dir.path(), "t10k-labels-idx1-ubyte", &idx(0x801, &[3]));
    let d = load(&spec(Source::Mnist, dir.path())).unwrap();
    assert_eq!((d.name.as_str(), d.len()), ("mnist (train)", 6));
    assert_eq!(d.labels.unwrap().len(), 6);

    // The dotted names of some copies work the same.
    let dotted = tempfile::tempdir().unwrap();
    write(
        dotted.path(),
        "train-images.idx3-ubyte",
        &idx(0x803, &[2, 2, 2]),
    );
    write(dotted.path(), "train-labels.idx1-ubyte", &idx(0x801, &[2]));
    let d = load(&spec(Source::Idx, dotted.path())).unwrap();
    assert_eq!((d.len(), d.labels.map(|l| l.len())), (2, Some(2)));

    write(dir.path(), "train-labels-idx1-ubyte", &idx(0x801, &[5]));
    let msg = message(&spec(Source::Idx, dir.path()));
    assert_mentions(&msg, &["train-labels-idx1-ubyte", "5 labels", "6 images"]);
}

#[test]
fn toy_curve_tangents_are_unit_vectors_and_seeded() {
    let s = DataSpec {
        source: Source::Toy,
        samples: 300,
        dim: 12,
        ..DataSpec::default()
    };
    let d = load_seeded(&s, 5).unwrap();
    assert_eq!((d.len(), d.shape), (300, (1, 12)));
    assert!(d.x.iter().all(|v| (0.0..=1.0).contains(v)));
    let t = d.tangents.as_ref().expect("toy data has tangents");
    assert_eq!(t.dim(), (300, 12));
    for row in t.rows() {
        assert!((row.dot(&row) - 1.0).abs() < 1e-5);
    }
    assert_eq!(d, load_seeded(&s, 5).unwrap());
    // Tangents follow a split, and a linear preprocessing keeps them unit.
    let (train, _) = d.split(0.2, 1);
    assert_eq!(train.tangents.as_ref().unwrap().nrows(), train.len());
    let zca = load_seeded(
        &DataSpec {
            preprocess: Some(Preprocess::ZcaWhiten),
            ..s
        },
        5,
    )
    .unwrap();
    for row in zca.tangents.unwrap().rows() {
        assert!((row.dot(&row) - 1.0).abs() < 1e-4);
    }
}
