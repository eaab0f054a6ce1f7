//! `aelab export` and `S` write real pictures: PNG files of the right size
//! whose filter grids are not flat, for every bundled preset (trained a
//! few steps on a small slice of its data), arrays NumPy reads, and the
//! lab's frame as a PNG beside its text.

use aelab::ui::{App, ColorDepth, UiOptions, fixture};
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn aelab(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_aelab"))
        // Away from the checkout: the presets and data must come from the binary.
        .current_dir(dir)
        .args(args)
        .output()
        .expect("aelab runs");
    assert!(
        out.status.success(),
        "aelab {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The decoded picture, after checking the file is a PNG.
fn png(path: &Path) -> image::RgbImage {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(PNG_MAGIC),
        "{} is not a PNG",
        path.display()
    );
    image::load_from_memory(&bytes).unwrap().to_rgb8()
}

/// How many different colours a picture has: a flat grid of tiles has the
/// few of the lettering and the background, learned filters have many greys.
fn colours(img: &image::RgbImage) -> usize {
    img.pixels().map(|p| p.0).collect::<HashSet<_>>().len()
}

/// Small versions of each preset: a slice of the data, a few steps.
fn small(preset: &str) -> Vec<&'static str> {
    match preset {
        "natural-images" => vec!["--set", "data.patches=500"],
        "toy-manifold" => vec!["--set", "data.samples=300"],
        "pca-digits" => vec![],
        _ => vec!["--set", "data.limit=600"],
    }
}

#[test]
fn every_bundled_preset_exports_a_filter_grid_that_is_not_flat() {
    let dir = tempfile::tempdir().unwrap();
    for preset in aelab::preset::bundled() {
        let file = dir.path().join(format!("{preset}.png"));
        let mut args = vec!["export", preset.as_str(), "--steps", "3", "--filters"];
        let file_arg = file.to_str().unwrap().to_string();
        args.push(&file_arg);
        let extra = small(&preset);
        args.extend(extra.iter());
        aelab(dir.path(), &args);
        let img = png(&file);
        assert!(
            img.width() >= 100 && img.height() >= 60,
            "{preset}: {}x{}",
            img.width(),
            img.height()
        );
        assert!(
            colours(&img) > 24,
            "{preset}: a flat grid ({} colours)",
            colours(&img)
        );
    }
}

#[test]
fn demo_exports_every_picture_and_numpy_arrays() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (f, r, c, cu, w, n) = (
        p("f.png"),
        p("r.png"),
        p("c.png"),
        p("cu.png"),
        p("w.npz"),
        p("codes.npy"),
    );
    let out = aelab(
        dir.path(),
        &[
            "export",
            "demo",
            "--steps",
            "20",
            "--set",
            "data.limit=600",
            "--filters",
            &f,
            "--most-local",
            "9",
            "--recon",
            &r,
            "--codes",
            &c,
            "--curves",
            &cu,
            "--weights",
            &w,
            "--codes-npy",
            &n,
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for file in [&f, &r, &c, &cu] {
        assert!(stdout.contains(file.as_str()), "{stdout}");
        png(Path::new(file));
    }
    // Greys of the tiles; ten label colours of the scatter beside the
    // background, lettering and frame; the curves add
    // two model colours to the four of the background, lettering and grid.
    for (file, least) in [(&r, 24), (&c, 13), (&cu, 6)] {
        let n = colours(&png(Path::new(file)));
        assert!(n >= least, "{file}: {n} colours");
    }
    // Nine filters a model: 3 rows of 56-pixel tiles (a page of 100 has 10).
    let filters = png(Path::new(&f));
    assert!(filters.height() < 400, "{}", filters.height());
    // The weights, as NumPy reads them: W1 is hidden × inputs.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&w).unwrap()).unwrap();
    let mut names: Vec<String> = zip.file_names().map(String::from).collect();
    names.sort();
    assert!(names.contains(&"vanilla/W1.npy".to_string()), "{names:?}");
    assert!(names.contains(&"denoising/b2.npy".to_string()), "{names:?}");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("denoising/W1.npy").unwrap(), &mut bytes).unwrap();
    let w1 = npyz::NpyFile::new(&bytes[..]).unwrap();
    assert_eq!(w1.shape(), &[196, 784]);
    let codes = npyz::NpyFile::new(std::fs::File::open(p("codes-vanilla.npy")).unwrap()).unwrap();
    assert_eq!(codes.shape(), &[60, 196]);
    let labels = npyz::NpyFile::new(std::fs::File::open(p("codes-labels.npy")).unwrap()).unwrap();
    assert_eq!(labels.into_vec::<u8>().unwrap().len(), 60);
}

#[test]
fn a_checkpoint_exports_its_weights_and_bad_requests_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("c.ckpt");
    let preset = aelab::preset::Preset::open("vanilla", &["data.limit=300".into()]).unwrap();
    let (train, val) = aelab::cli::load_data(&preset).unwrap();
    let mut trainer = aelab::train::Trainer::new(preset, train, val).unwrap();
    trainer.step().unwrap();
    trainer.save_checkpoint(&ckpt).unwrap();
    let ckpt = ckpt.to_str().unwrap();
    let f = dir.path().join("f.png");
    aelab(
        dir.path(),
        &["export", ckpt, "--filters", f.to_str().unwrap()],
    );
    assert!(colours(&png(&f)) > 24);
    // Nothing asked, a page past the units, a checkpoint of another preset.
    for (args, expected) in [
        (vec!["export", "vanilla"], "nothing to export"),
        (
            vec![
                "export",
                "vanilla",
                "--steps",
                "1",
                "--set",
                "data.limit=100",
                "--filters",
                "x.png",
                "--page",
                "9",
            ],
            "--page 9",
        ),
        (
            vec!["export", ckpt, "--preset", "demo", "--filters", "x.png"],
            ckpt,
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_aelab"))
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // One line of error, after the training's own line if it trained.
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("aelab:")).collect();
        assert!(
            !out.status.success() && errors.len() == 1,
            "{args:?}: {err}"
        );
        assert!(errors[0].contains(expected), "{args:?}: {err}");
    }
}

/// `S` in the lab: the frame as text and as a PNG of 8 × 16 pixels a cell,
/// without the message line, under one timestamped name.
#[test]
fn the_screenshot_key_writes_a_png_beside_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(UiOptions {
        ascii: false,
        colors: ColorDepth::Ansi256,
    });
    app.absorb(fixture::snapshot(0, 0..50));
    let [text, picture] = aelab::ui::screenshot::save(&app, 120, 40, dir.path()).unwrap();
    assert_eq!(text.file_stem(), picture.file_stem());
    let name = picture.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("aelab-frame-step50-2") && name.ends_with(".png"),
        "{name}"
    );
    let img = png(&picture);
    assert_eq!((img.width(), img.height()), (120 * 8, 39 * 16));
    assert!(colours(&img) > 24, "{} colours", colours(&img));
    let text = std::fs::read_to_string(text).unwrap();
    assert_eq!(text.lines().count(), 40);
}
