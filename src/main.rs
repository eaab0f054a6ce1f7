//! The `aelab` command line: one function per subcommand. Each option is
//! declared on the commands that use it (`Overrides`, `Resume`, `Ascii` are
//! flattened where they apply), so `--help` lists only what works there.

use aelab::cli;
use aelab::export::{Request, Selection};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aelab",
    version,
    about = "A terminal lab for autoencoders",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The preset for the lab: a .toml file, or a bundled name (`aelab presets`); default: demo, vanilla vs denoising on MNIST.
    preset: Option<String>,
    #[command(flatten)]
    ascii: Ascii,
    #[command(flatten)]
    resume: Resume,
    #[command(flatten)]
    overrides: Overrides,
}

/// The preset keys a command's models can be given from the command line.
#[derive(Args)]
struct Overrides {
    /// Train on this data file or folder (.npy, .csv, IDX, images), its format
    /// inferred from the name: short for --set data.source=… --set data.path=…
    #[arg(long, value_name = "PATH")]
    data: Option<String>,
    /// Override any preset key, e.g. --set corrupt.level=0.5 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
}

impl Overrides {
    /// The `--set` items, with those `--data` stands for first (so later `--set`s win).
    fn sets(&self) -> anyhow::Result<Vec<String>> {
        let mut sets = match &self.data {
            Some(path) => cli::data::data_overrides(path)?,
            None => Vec::new(),
        };
        sets.extend(self.sets.iter().cloned());
        Ok(sets)
    }
}

#[derive(Args)]
struct Resume {
    /// Continue the run saved in a checkpoint (`w` in the lab, `train --save`,
    /// or an autosave); without a preset, the checkpoint's own.
    #[arg(long, value_name = "FILE")]
    resume: Option<PathBuf>,
}

#[derive(Args)]
struct Ascii {
    /// Plain ASCII drawing: no braille, no block glyphs.
    #[arg(long)]
    ascii: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Train headless: a line per epoch, and a JSON object per epoch with --jsonl.
    Train {
        /// A preset file, or a bundled name (`aelab presets`); optional with --resume.
        #[arg(required_unless_present = "resume")]
        preset: Option<String>,
        /// Epochs to train (after --resume: more epochs); default: the preset's train.epochs.
        #[arg(long, value_name = "N")]
        epochs: Option<usize>,
        /// Also write one JSON object per epoch and model to this file.
        #[arg(long, value_name = "FILE")]
        jsonl: Option<PathBuf>,
        /// Write a checkpoint of the run here at the end (and on a signal).
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
        #[command(flatten)]
        resume: Resume,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Analytic vs numerical gradients; last line max_rel_error=…
    Gradcheck {
        /// A preset file, or a bundled name (`aelab presets`).
        preset: String,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Linear autoencoder vs PCA: errors and principal angles.
    Pca {
        /// A preset file, or a bundled name (`aelab presets`).
        preset: String,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Train N steps headless and write the frame the lab would show, as text.
    Render {
        /// A preset file, or a bundled name (`aelab presets`).
        preset: String,
        /// Training steps before the frame is drawn.
        #[arg(long, value_name = "N", default_value_t = 200)]
        steps: u64,
        /// The terminal size to draw, WIDTHxHEIGHT.
        #[arg(long, value_name = "WxH", default_value = "120x40")]
        size: String,
        /// The file to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        ascii: Ascii,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Train a preset (or load a checkpoint), then write pictures (PNG) and arrays (NumPy).
    Export(ExportArgs),
    /// Training throughput on the fixed workloads; last line samples_per_s=… final_loss=…
    Bench {
        /// One workload (ae-784-256, ae-784-256-denoising, -sparse, -contractive,
        /// digits-64-25, demo, demo-one); default: all, as a table.
        #[arg(long, value_name = "NAME")]
        workload: Option<String>,
        /// Epochs instead of the workload's own.
        #[arg(long, value_name = "N")]
        epochs: Option<usize>,
        /// Threads for the matrix products (default: every core).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// Softmax classifiers on the hidden codes and on the raw pixels.
    Probe {
        /// A preset file, or a bundled name (`aelab presets`).
        preset: String,
        /// Epochs to train the autoencoders (default: the preset's train.epochs).
        #[arg(long, value_name = "N")]
        epochs: Option<usize>,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Anomaly detection: train on the preset's normal classes, rank samples by
    /// reconstruction error, show the worst; last line auc=… (the base model's).
    Anomalies {
        /// A preset file, or a bundled name (`aelab presets`); its data.classes are the normal ones.
        #[arg(default_value = "anomalies")]
        preset: String,
        /// Score this file or folder's samples (format from the name) instead of the
        /// held-out ones: split by the preset's data.classes if it has labels, else
        /// all abnormal (another data set) against the held-out normal samples;
        /// labelled but the preset has no data.classes: a ranking only, no AUC.
        #[arg(long, value_name = "PATH")]
        data: Option<String>,
        /// Epochs to train (default: the preset's train.epochs).
        #[arg(long, value_name = "N")]
        epochs: Option<usize>,
        /// How many of the worst reconstructed samples to show.
        #[arg(long, value_name = "N", default_value_t = 12)]
        worst: usize,
        /// Also draw each model's worst samples beside their reconstructions (PNG).
        #[arg(long, value_name = "FILE.png")]
        png: Option<PathBuf>,
        /// Override any preset key, e.g. --set data.classes=[0] (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        #[command(flatten)]
        ascii: Ascii,
    },
    /// What the loader sees in a data file, folder or preset: count, shape, values, labels, samples.
    Data {
        /// A data file or folder, or a preset whose [data] to load.
        path_or_preset: String,
        /// Override any preset key, e.g. --set data.limit=100 (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// The bundled presets, one line each.
    Presets,
    /// Print a shell completion script, e.g. `aelab completions bash > /etc/bash_completion.d/aelab`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct ExportArgs {
    /// A preset (a .toml file or a bundled name) to train, or a checkpoint saved with `w` in the lab.
    source: String,
    /// The preset a checkpoint's models belong to (default: demo, the lab's).
    #[arg(long, value_name = "PRESET")]
    preset: Option<String>,
    /// Steps to train first (default: the preset's epochs; from a checkpoint: none).
    #[arg(long, value_name = "N")]
    steps: Option<u64>,
    /// The filters W1[j]/‖W1[j]‖ of every model as a grid (PNG).
    #[arg(long, value_name = "FILE.png")]
    filters: Option<PathBuf>,
    /// In the filter grid, only the N most local filters, most local first.
    #[arg(long, value_name = "N", conflicts_with = "page")]
    most_local: Option<usize>,
    /// In the filter grid, page P of 100 units (the first is 0).
    #[arg(long, value_name = "P")]
    page: Option<usize>,
    /// Validation samples: originals | corrupted | each model's reconstruction (PNG).
    #[arg(long, value_name = "FILE.png")]
    recon: Option<PathBuf>,
    /// The code space of every model, coloured by label, with a legend (PNG).
    #[arg(long, value_name = "FILE.png")]
    codes: Option<PathBuf>,
    /// Objective and validation error of every model over the steps (PNG).
    #[arg(long, value_name = "FILE.png")]
    curves: Option<PathBuf>,
    /// Every model's W1, b1, W2, b2 for NumPy (`np.load(f)["vanilla/W1"]`).
    #[arg(long, value_name = "FILE.npz")]
    weights: Option<PathBuf>,
    /// The validation samples' codes (samples × hidden, float32); several models: FILE-<label>.npy each; labels in FILE-labels.npy.
    #[arg(long, value_name = "FILE.npy")]
    codes_npy: Option<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
}

impl ExportArgs {
    fn request(&self) -> Request {
        Request {
            filters: self.filters.clone(),
            selection: match (self.most_local, self.page) {
                (Some(n), _) => Selection::MostLocal(n),
                (None, p) => Selection::Page(p.unwrap_or(0)),
            },
            recon: self.recon.clone(),
            codes: self.codes.clone(),
            curves: self.curves.clone(),
            weights: self.weights.clone(),
            codes_npy: self.codes_npy.clone(),
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Train {
            preset,
            epochs,
            jsonl,
            save,
            resume,
            overrides,
        }) => cli::train::run(cli::train::Options {
            preset: preset.as_deref(),
            sets: &overrides.sets()?,
            epochs,
            jsonl: jsonl.as_deref(),
            resume: resume.resume.as_deref(),
            save: save.as_deref(),
        }),
        Some(Command::Gradcheck { preset, overrides }) => {
            cli::gradcheck::run(&preset, &overrides.sets()?)
        }
        Some(Command::Bench {
            workload,
            epochs,
            threads,
        }) => cli::bench::run(workload.as_deref(), epochs, threads),
        Some(Command::Render {
            preset,
            steps,
            size,
            out,
            ascii,
            overrides,
        }) => cli::render::run(
            &preset,
            &overrides.sets()?,
            steps,
            &size,
            out.as_deref(),
            ascii.ascii,
        ),
        Some(Command::Export(args)) => cli::export::run(
            cli::export::Options {
                source: &args.source,
                preset: args.preset.as_deref(),
                steps: args.steps,
                request: args.request(),
            },
            &args.overrides.sets()?,
        ),
        Some(Command::Pca { preset, overrides }) => cli::pca::run(&preset, &overrides.sets()?),
        Some(Command::Probe {
            preset,
            epochs,
            overrides,
        }) => cli::probe::run(&preset, &overrides.sets()?, epochs),
        Some(Command::Anomalies {
            preset,
            data,
            epochs,
            worst,
            png,
            sets,
            ascii,
        }) => cli::anomalies::run(
            cli::anomalies::Options {
                preset: &preset,
                data: data.as_deref(),
                epochs,
                worst,
                png: png.as_deref(),
                ascii: ascii.ascii,
            },
            &sets,
        ),
        Some(Command::Data {
            path_or_preset,
            sets,
        }) => cli::data::run(&path_or_preset, &sets),
        Some(Command::Presets) => cli::presets::run(),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "aelab", &mut std::io::stdout());
            Ok(())
        }
        None => cli::lab::run(
            cli.preset.as_deref(),
            &cli.overrides.sets()?,
            cli.ascii.ascii,
            cli.resume.resume.as_deref(),
        ),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: after a hang-up stderr may be gone, and that must not panic.
            let _ = writeln!(std::io::stderr(), "aelab: {e:#}");
            match e.downcast_ref::<aelab::signals::Ended>() {
                Some(ended) => ExitCode::from(ended.by.code()),
                None => ExitCode::FAILURE,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Options exist only where they act: --resume on the lab and train,
    /// --ascii on the lab and render.
    #[test]
    fn options_appear_only_on_the_commands_that_use_them() {
        let parses = |args: &[&str]| Cli::try_parse_from(args).is_ok();
        assert!(parses(&["aelab", "--resume", "c.json"]));
        assert!(parses(&["aelab", "train", "sparse", "--resume", "c.json"]));
        assert!(parses(&["aelab", "train", "--resume", "c.ckpt"]));
        assert!(!parses(&["aelab", "train"]));
        assert!(!parses(&["aelab", "render", "demo", "--resume", "c.ckpt"]));
        assert!(!parses(&["aelab", "data", "sparse", "--resume", "c.json"]));
        assert!(parses(&["aelab", "render", "demo", "--ascii"]));
        assert!(!parses(&["aelab", "train", "sparse", "--ascii"]));
        assert!(!parses(&["aelab", "bench", "--set", "model.hidden=3"]));
    }

    /// Every argument and option of every command says what it is for.
    #[test]
    fn every_argument_has_help() {
        fn check(cmd: &clap::Command, path: &str) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(arg.get_help().is_some(), "{path} {id} has no help");
            }
            for sub in cmd.get_subcommands() {
                assert!(
                    sub.get_about().is_some(),
                    "{path} {} has no about",
                    sub.get_name()
                );
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        check(&Cli::command(), "aelab");
    }
}
