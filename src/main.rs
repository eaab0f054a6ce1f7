//! The `aelab` command line: one function per subcommand.

use aelab::cli;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "aelab", version, about = "A terminal lab for autoencoders")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The preset for the lab (a file, or a name in presets/); default: vanilla vs denoising on MNIST.
    preset: Option<String>,
    /// Plain ASCII drawing: no braille, no block glyphs.
    #[arg(long, global = true)]
    ascii: bool,
    /// Train on this data file or folder (.npy, .csv, IDX, images), its format
    /// inferred from the name: short for --set data.source=… --set data.path=…
    #[arg(long, value_name = "PATH", global = true)]
    data: Option<String>,
    /// Continue the run saved in a checkpoint (`w` in the lab, `train --save`,
    /// or an autosave); without a preset, the checkpoint's own (lab and train).
    #[arg(long, value_name = "FILE", global = true)]
    resume: Option<PathBuf>,
    /// Override any preset key, e.g. --set corrupt.level=0.5 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", global = true)]
    sets: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Train headless: a line per epoch, and a JSON object per epoch with --jsonl.
    Train {
        /// The preset (a file, or a bundled name); optional with --resume.
        #[arg(required_unless_present = "resume")]
        preset: Option<String>,
        /// Epochs to train (after --resume: more epochs); default: the preset's.
        #[arg(long)]
        epochs: Option<usize>,
        /// Write a JSON object per epoch and model to this file.
        #[arg(long, value_name = "FILE")]
        jsonl: Option<PathBuf>,
        /// Write a checkpoint of the run here at the end (and on a signal).
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
    },
    /// Analytic vs numerical gradients; last line max_rel_error=…
    Gradcheck { preset: String },
    /// Linear autoencoder vs PCA: errors and principal angles.
    Pca { preset: String },
    /// Train N steps headless and write the frame the lab would show, as text.
    Render {
        preset: String,
        #[arg(long, default_value_t = 200)]
        steps: u64,
        #[arg(long, default_value = "120x40")]
        size: String,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Training throughput on the fixed workloads; last line samples_per_s=… final_loss=…
    Bench {
        /// One workload (ae-784-256, ae-784-256-denoising, -sparse, -contractive,
        /// digits-64-25, demo, demo-one); default: all, as a table.
        #[arg(long)]
        workload: Option<String>,
        /// Epochs instead of the workload's own.
        #[arg(long)]
        epochs: Option<usize>,
        /// Threads for the matrix products (default: every core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Softmax classifiers on the hidden codes and on the raw pixels.
    Probe {
        preset: String,
        #[arg(long)]
        epochs: Option<usize>,
    },
    /// What the loader sees in a data file, folder or preset: count, shape, values, labels, samples.
    Data { path_or_preset: String },
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Some(path) = &cli.data {
        match cli::data::data_overrides(path) {
            // --set items given after --data still win.
            Ok(sets) => cli.sets.splice(0..0, sets).for_each(drop),
            Err(e) => {
                eprintln!("aelab: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    let result = match &cli.command {
        Some(Command::Train {
            preset,
            epochs,
            jsonl,
            save,
        }) => cli::train::run(cli::train::Options {
            preset: preset.as_deref(),
            sets: &cli.sets,
            epochs: *epochs,
            jsonl: jsonl.as_deref(),
            resume: cli.resume.as_deref(),
            save: save.as_deref(),
        }),
        Some(Command::Gradcheck { preset }) => cli::gradcheck::run(preset, &cli.sets),
        Some(Command::Bench {
            workload,
            epochs,
            threads,
        }) => cli::bench::run(workload.as_deref(), *epochs, *threads),
        Some(Command::Render {
            preset,
            steps,
            size,
            out,
        }) => cli::render::run(preset, &cli.sets, *steps, size, out.as_deref(), cli.ascii),
        Some(Command::Pca { preset }) => cli::pca::run(preset, &cli.sets),
        Some(Command::Probe { preset, epochs }) => cli::probe::run(preset, &cli.sets, *epochs),
        Some(Command::Data { path_or_preset }) => cli::data::run(path_or_preset, &cli.sets),
        None => cli::lab::run(
            cli.preset.as_deref(),
            &cli.sets,
            cli.ascii,
            cli.resume.as_deref(),
        ),
    };
    match result {
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
