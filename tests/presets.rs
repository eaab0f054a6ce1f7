//! Every bundled preset loads and passes its gradient check; every bad preset
//! in tests/bad_presets/ (one mistake each) is refused with a message that
//! names the file, the line and what is allowed.

use aelab::preset::Preset;
use std::path::Path;
use std::process::Command;

fn aelab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aelab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn presets() -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("presets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_bundled_preset_loads() {
    let all = presets();
    assert!(all.len() >= 8, "{all:?}");
    for path in all {
        Preset::load(&path, &[]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn every_bundled_preset_passes_the_gradient_check() {
    for path in presets() {
        let out = aelab(&["gradcheck", path.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {stdout}{}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let last = stdout.lines().last().unwrap();
        let value: f64 = last
            .strip_prefix("max_rel_error=")
            .unwrap()
            .parse()
            .unwrap();
        assert!(value < 1e-6, "{}: {last}", path.display());
    }
}

/// Combinations no preset ships, set from the command line.
#[test]
fn gradient_check_passes_for_combinations_set_on_the_command_line() {
    for (preset, sets) in [
        (
            "sparse",
            &[
                "model.encoder=tanh",
                "model.decoder=linear",
                "model.tied=true",
                "regularize.contractive=0.3",
            ][..],
        ),
        (
            "vanilla",
            &[
                "model.encoder=relu",
                "model.loss=bce",
                "regularize.l1=0.01",
                "corrupt.kind=salt-pepper",
            ],
        ),
        (
            "sparse",
            &[
                "model.encoder=tanh",
                "regularize.weight_decay=0.01",
                "corrupt.kind=gaussian",
                "corrupt.level=0.2",
            ],
        ),
        (
            "k-sparse",
            &[
                "model.tied=true",
                "regularize.contractive=0.1",
                "model.hidden=100",
            ],
        ),
    ] {
        let mut args = vec!["gradcheck", preset];
        let sets: Vec<String> = sets.iter().map(|s| format!("--set={s}")).collect();
        args.extend(sets.iter().map(String::as_str));
        let out = aelab(&args);
        assert!(
            out.status.success(),
            "{sets:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// (file, what the message must say) for each bad preset.
const BAD: &[(&str, &[&str])] = &[
    (
        "unknown_key.toml",
        &["unknown_key.toml:3:1", "hiden", "hidden"],
    ),
    (
        "bad_encoder.toml",
        &[
            "bad_encoder.toml:2",
            "softmax",
            "sigmoid",
            "tanh",
            "relu",
            "linear",
        ],
    ),
    (
        "sparsity_needs_sigmoid.toml",
        &[
            "sparsity_needs_sigmoid.toml:4",
            "regularize.sparsity",
            "sigmoid",
        ],
    ),
    (
        "bce_needs_sigmoid.toml",
        &["bce_needs_sigmoid.toml:3", "model.loss", "sigmoid decoder"],
    ),
    (
        "level_out_of_range.toml",
        &["level_out_of_range.toml:3", "corrupt.level", "[0, 1]"],
    ),
    (
        "lr_not_a_number.toml",
        &["lr_not_a_number.toml:2", "\"fast\"", "expected a number"],
    ),
    ("broken_toml.toml", &["broken_toml.toml:1"]),
    (
        "k_sparse_too_large.toml",
        &["k_sparse_too_large.toml:5", "k_sparse", "8 hidden units"],
    ),
];

#[test]
fn each_bad_preset_names_file_line_and_what_is_allowed() {
    for (file, fragments) in BAD {
        let path = format!("tests/bad_presets/{file}");
        let out = aelab(&["train", &path, "--epochs", "1"]);
        assert!(!out.status.success(), "{file} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.lines().count(),
            1,
            "{file}: one line expected:\n{stderr}"
        );
        for f in *fragments {
            assert!(stderr.contains(f), "{file}: message lacks {f:?}:\n{stderr}");
        }
    }
}

#[test]
fn an_unknown_set_key_is_refused_with_the_key() {
    let out = aelab(&["train", "vanilla", "--set", "model.hiden=3"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("hiden") && stderr.contains("hidden"),
        "{stderr}"
    );
}

#[test]
fn data_flag_trains_any_preset_on_a_file_whose_format_it_infers() {
    let out = aelab(&[
        "train",
        "vanilla",
        "--data",
        "data/digits/digits.csv.gz",
        "--epochs",
        "1",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("samples of 64 inputs"), "{stdout}");
    let out = aelab(&["train", "vanilla", "--data", "no/such/file.npy"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.npy"));
}

/// A bad value given with `--set` is blamed on the `--set` item, whatever
/// level of the file the key lives at: the preset's own line is fine.
#[test]
fn set_errors_name_the_set_item_for_every_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/vanilla.toml");
    for item in [
        "data.validation=1.0",
        "train.batch=0",
        "eval.corrupt.level=2",
        "corrupt.kind=mask",
        "model.hidden=0",
        "train.lr=-1",
    ] {
        let sets = [item.to_string()];
        let message = match Preset::load(&path, &sets) {
            Err(e) => e.to_string(),
            Ok(_) if item == "corrupt.kind=mask" => continue, // a valid change
            Ok(_) => panic!("{item} was accepted"),
        };
        assert!(
            message.starts_with(&format!("--set {item}")),
            "{item}: {message}"
        );
    }
}

/// `aelab NAME` opens a bundled preset unless NAME is a subcommand: no
/// bundled preset may be named like one, except `anomalies`, which is the
/// default preset of `aelab anomalies` (made for that command, not the lab;
/// `aelab presets/anomalies.toml` opens it in the lab).
#[test]
fn no_bundled_preset_is_named_like_a_subcommand() {
    let help = aelab(&["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(commands.contains(&"train"), "{help}");
    for name in aelab::preset::bundled() {
        if name == "anomalies" {
            continue;
        }
        assert!(
            !commands.contains(&name.as_str()),
            "preset {name} is also a subcommand"
        );
    }
}
