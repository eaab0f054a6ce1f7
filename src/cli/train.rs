//! `aelab train PRESET`: headless training, a line per epoch on stdout and a
//! JSON object per epoch and model in `--jsonl`; last line `final_loss=…`.

use super::{load_data, load_preset};
use crate::progress::Progress;
use crate::train::Trainer;
use anyhow::{Context, Result};
use std::io::Write;
use std::time::Instant;

pub fn run(
    preset: &str,
    sets: &[String],
    epochs: Option<usize>,
    jsonl: Option<&std::path::Path>,
    resume: Option<&std::path::Path>,
) -> Result<()> {
    let preset = load_preset(preset, sets)?;
    let epochs = epochs.unwrap_or(preset.epochs);
    if epochs == 0 {
        anyhow::bail!("--epochs 0: nothing to train (give at least 1)");
    }
    let (train, val) = load_data(&preset)?;
    println!(
        "{}: {} — {} train / {} val samples of {} inputs, {} model(s), {} epochs",
        preset.origin,
        preset.name,
        train.len(),
        val.len(),
        train.inputs(),
        preset.models.len(),
        epochs
    );
    let mut out = match jsonl {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => None,
    };
    let samples = train.len();
    let mut trainer = Trainer::new(preset, train, val)?;
    if let Some(path) = resume {
        trainer.resume(path).map_err(anyhow::Error::msg)?;
    }
    let mut final_loss = f64::NAN;
    let mut progress = Progress::bar_only("epochs", epochs as u64);
    for _ in 0..epochs {
        let started = Instant::now();
        let reports = trainer.run_epoch()?;
        let seconds = started.elapsed().as_secs_f64();
        let samples_per_s = samples as f64 / seconds.max(1e-9);
        for (i, r) in reports.iter().enumerate() {
            progress.println(&format!(
                "epoch {:>3} step {:>6} {:<12} loss={:.6} recon={:.6} val_recon={:.6} rho_hat={:.4} jacobian_fro2={:.4} samples/s={:.0}",
                trainer.epoch(),
                trainer.step_count(),
                r.label,
                r.loss,
                r.recon,
                r.val_recon,
                r.rho_hat_mean,
                r.jacobian_fro2,
                samples_per_s
            ));
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
            if i == 0 {
                final_loss = r.loss;
            }
            if let Some(out) = out.as_mut() {
                let mut line = serde_json::to_value(r)?;
                let obj = line.as_object_mut().expect("a report is an object");
                obj.insert("epoch".into(), trainer.epoch().into());
                obj.insert("step".into(), trainer.step_count().into());
                obj.insert("model".into(), i.into());
                obj.insert("samples_per_s".into(), samples_per_s.into());
                writeln!(out, "{line}")?;
            }
        }
        progress.set(trainer.epoch() as u64);
    }
    progress.finish();
    if let Some(mut out) = out {
        out.flush()?;
    }
    println!("final_loss={final_loss}");
    Ok(())
}
