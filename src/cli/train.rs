//! `aelab train PRESET`: headless training, a line per epoch on stdout and a
//! JSON object per epoch and model in `--jsonl`; last line `final_loss=…`.
//! A signal saves the run (`--save FILE`, else the autosave) and exits.

use super::start;
use crate::progress::Progress;
use crate::signals::{Ended, Signals};
use crate::train::{ModelReport, Trainer, autosave};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// What `aelab train` was asked to do.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// The preset; `None` with `resume`: the one the checkpoint names.
    pub preset: Option<&'a str>,
    pub sets: &'a [String],
    /// Epochs to train (more, after a resume); default: the preset's (what is left of them).
    pub epochs: Option<usize>,
    pub jsonl: Option<&'a Path>,
    pub resume: Option<&'a Path>,
    /// Where to write a checkpoint at the end (and on a signal).
    pub save: Option<&'a Path>,
}

pub fn run(o: Options) -> Result<()> {
    if let Some(preset) = o
        .preset
        .map(|p| super::load_preset(p, o.sets))
        .transpose()?
        && preset.stack.is_some()
    {
        if o.resume.is_some() || o.save.is_some() || o.jsonl.is_some() {
            anyhow::bail!(
                "--resume, --save and --jsonl are not available for a stacked preset yet"
            );
        }
        return super::stacked::train(preset, o.epochs);
    }
    let signals = Signals::install().context("cannot catch signals")?;
    let (mut trainer, resumed) = start(o.preset, o.sets, o.resume)?;
    let preset = trainer.preset().clone();
    let done = trainer.epoch();
    let epochs = o.epochs.unwrap_or(preset.epochs.saturating_sub(done));
    if epochs == 0 {
        match o.epochs {
            Some(_) => anyhow::bail!("--epochs 0: nothing to train (give at least 1)"),
            None => anyhow::bail!(
                "the run is at epoch {done}: the preset's {} epochs are done (give --epochs N to train further)",
                preset.epochs
            ),
        }
    }
    let (train, val) = (trainer.train_set(), trainer.val_set());
    let mut progress = Progress::bar_only("epochs", epochs as u64);
    progress.println(&format!(
        "{}: {} — {} train / {} val samples of {} inputs, {} model(s), {} epochs",
        preset.origin,
        preset.name,
        train.len(),
        val.len(),
        train.inputs(),
        preset.models.len(),
        epochs
    ));
    if let Some(resumed) = resumed {
        progress.println(&resumed);
    }
    let mut jsonl = match o.jsonl {
        Some(path) => Some(Jsonl::create(path)?),
        None => None,
    };
    let samples = trainer.train_set().len();
    let mut final_loss = f64::NAN;
    for epoch in 0..epochs {
        let started = Instant::now();
        let Some(reports) = trainer.run_epoch_until(|| signals.caught().is_some())? else {
            let by = signals.caught().expect("stopped by a signal");
            let saved = save(&trainer, o.save);
            return Err(Ended {
                by,
                message: format!("{} at step {}: {saved}", by.name(), trainer.step_count()),
            }
            .into());
        };
        let samples_per_s = samples as f64 / started.elapsed().as_secs_f64().max(1e-9);
        for (i, r) in reports.iter().enumerate() {
            print_report(&progress, &trainer, r, samples_per_s);
            if i == 0 {
                final_loss = r.loss;
            }
            if let Some(out) = jsonl.as_mut() {
                out.row(r, &trainer, i, samples_per_s)?;
            }
        }
        if let Some(out) = jsonl.as_mut() {
            out.flush();
        }
        progress.set(epoch as u64 + 1);
    }
    if let Some(path) = o.save {
        trainer.save_checkpoint(path)?;
        progress.println(&format!(
            "run saved to {} (continue: aelab train --resume {})",
            path.display(),
            path.display()
        ));
    }
    progress.finish();
    println_quietly(&format!("final_loss={final_loss}"));
    Ok(())
}

/// A closed standard output (`… | head`) is not an error.
fn println_quietly(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Saves the run on a signal, to `--save` or else the autosave; says where.
fn save(trainer: &Trainer, to: Option<&Path>) -> String {
    let saved = match to {
        Some(path) => trainer
            .save_checkpoint(path)
            .map(|()| path.to_path_buf())
            .map_err(|e| e.to_string()),
        None => autosave::save(trainer),
    };
    match saved {
        Ok(path) => format!(
            "saved to {} (continue: aelab train --resume {})",
            path.display(),
            path.display()
        ),
        Err(e) => format!("could not save the run: {e}"),
    }
}

fn print_report(progress: &Progress, trainer: &Trainer, r: &ModelReport, samples_per_s: f64) {
    // Without a validation split these are not measured: "-", not NaN.
    let val = |v: f64, digits: usize| {
        if v.is_nan() {
            "-".to_string()
        } else {
            format!("{v:.digits$}")
        }
    };
    progress.println(&format!(
        "epoch {:>3} step {:>6} {:<12} loss={:.6} recon={:.6} val_recon={} rho_hat={} jacobian_fro2={} samples/s={:.0}",
        trainer.epoch(),
        trainer.step_count(),
        r.label,
        r.loss,
        r.recon,
        val(r.val_recon, 6),
        val(r.rho_hat_mean, 4),
        val(r.jacobian_fro2, 4),
        samples_per_s
    ));
    if let (Some(kl), Some(elbo), Some(val_kl)) = (r.kl, r.val_neg_elbo, r.val_kl) {
        progress.println(&format!(
            "          {:<12} kl={kl:.4} val_neg_elbo={elbo:.4} (reconstruction {:.4} + KL {val_kl:.4} per sample)",
            r.label,
            elbo - val_kl
        ));
    }
    if !r.recon_gain_0_01.is_nan() {
        progress.println(&format!(
            "          {:<12} reconstruction gain |dx_hat|/|delta| at sigma 0.1: {:.4}, at 0.01: {:.4}",
            r.label, r.recon_gain_0_1, r.recon_gain_0_01
        ));
    }
    if let Some(locality) = r.locality {
        progress.println(&format!(
            "          {:<12} filter locality {locality:.3} (energy share in the strongest window)",
            r.label
        ));
    }
    if let (Some(along), Some(across)) = (r.jacobian_along, r.jacobian_across) {
        progress.println(&format!(
            "          {:<12} encoder Jacobian: along the curve {along:.4}, across it {across:.4} (ratio {:.2})",
            r.label,
            along / across
        ));
    }
}

/// The `--jsonl` file: a row per epoch and model, flushed every epoch. A
/// write that fails (a full disk) is said once; training goes on.
struct Jsonl {
    path: String,
    out: Option<std::io::BufWriter<std::fs::File>>,
}

impl Jsonl {
    fn create(path: &Path) -> Result<Jsonl> {
        let file = std::fs::File::create(path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        Ok(Jsonl {
            path: path.display().to_string(),
            out: Some(std::io::BufWriter::new(file)),
        })
    }

    fn row(
        &mut self,
        r: &ModelReport,
        trainer: &Trainer,
        model: usize,
        samples_per_s: f64,
    ) -> Result<()> {
        let mut line = serde_json::to_value(r)?;
        let obj = line.as_object_mut().expect("a report is an object");
        obj.insert("epoch".into(), trainer.epoch().into());
        obj.insert("step".into(), trainer.step_count().into());
        obj.insert("model".into(), model.into());
        obj.insert("samples_per_s".into(), samples_per_s.into());
        if let Some(out) = self.out.as_mut() {
            let written = writeln!(out, "{line}");
            self.check(written);
        }
        Ok(())
    }

    fn flush(&mut self) {
        if let Some(out) = self.out.as_mut() {
            let flushed = out.flush();
            self.check(flushed);
        }
    }

    fn check(&mut self, result: std::io::Result<()>) {
        if let Err(e) = result {
            let _ = writeln!(
                std::io::stderr(),
                "aelab: {}: cannot write ({e}); training goes on without it",
                self.path
            );
            self.out = None;
        }
    }
}
