//! The commands on a stacked preset (`[stack]`): `train` says which layer
//! is training, `probe` measures every layer's codes, `gradcheck` adds the
//! layers above the first and the fine-tuning gradient.

use super::load_data;
use crate::analysis::gradcheck::{BlockCheck, check, check_stack};
use crate::analysis::probe::{ITERATIONS, probe_features};
use crate::model::Params;
use crate::model::stack::{DeepObjective, StackArch, StackParams};
use crate::preset::Preset;
use crate::progress::Progress;
use crate::train::stack::{Report, StackRun};
use anyhow::Result;
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Trains every layer in turn, then the fine-tuning; a line per epoch,
/// last line `final_loss=…` (the last epoch's objective).
pub fn train(mut preset: Preset, epochs: Option<usize>) -> Result<()> {
    let stack = preset.stack.as_mut().expect("a stacked preset");
    if let Some(n) = epochs {
        stack.epochs = n;
    }
    let total = (stack.layers.len() * stack.epochs + stack.fine_tune) as u64;
    let (train, val) = load_data(&preset)?;
    let mut progress = Progress::bar_only("epochs", total);
    progress.println(&format!(
        "{}: {} — {} train / {} val samples of {} inputs, layers {} ({} epochs each), fine-tune {} epochs",
        preset.origin,
        preset.name,
        train.len(),
        val.len(),
        train.inputs(),
        preset.stack.as_ref().map_or(String::new(), describe),
        stack_epochs(&preset),
        preset.stack.as_ref().map_or(0, |s| s.fine_tune),
    ));
    let mut run = StackRun::new(preset, train, val)?;
    let (mut done, mut final_loss) = (0, f64::NAN);
    while let Some(report) = run.run_epoch()? {
        final_loss = say_report(&progress, &run, &report);
        done += 1;
        progress.set(done);
    }
    progress.finish();
    super::say!("final_loss={final_loss}");
    Ok(())
}

fn stack_epochs(preset: &Preset) -> usize {
    preset.stack.as_ref().map_or(0, |s| s.epochs)
}

/// "784→196→64" without the inputs: "196→64".
fn describe(stack: &crate::preset::Stack) -> String {
    let sizes: Vec<String> = stack.layers.iter().map(|n| n.to_string()).collect();
    sizes.join("→")
}

/// Prints an epoch's line (and, when all layers are trained, the whole
/// stack's error); returns the epoch's objective.
fn say_report(progress: &Progress, run: &StackRun, report: &Report) -> f64 {
    let val = |v: f64| {
        if v.is_nan() {
            "-".to_string()
        } else {
            format!("{v:.6}")
        }
    };
    let layers = run.stack().layers.len();
    match report {
        Report::Layer {
            layer,
            epoch,
            step,
            report: r,
        } => {
            progress.println(&format!(
                "layer {}/{layers} epoch {epoch:>3} step {step:>6} loss={:.6} recon={:.6} val_recon={} rho_hat={:.4}",
                layer + 1,
                r.loss,
                r.recon,
                val(r.val_recon),
                r.rho_hat_mean
            ));
            if *layer + 1 == layers && *epoch == run.stack().epochs {
                progress.println(&format!(
                    "stack after greedy training: val_recon={} (inputs through every encoder and back)",
                    val(run.val_recon().unwrap_or(f64::NAN))
                ));
            }
            r.loss
        }
        Report::FineTune {
            epoch,
            terms,
            val_recon,
        } => {
            // loss is J (reconstruction + weight decay), as in the layers' lines.
            progress.println(&format!(
                "fine-tune epoch {epoch:>3} loss={:.6} weight_decay={:.6} val_recon={}",
                terms.total(),
                terms.weight_decay,
                val(*val_recon)
            ));
            terms.total()
        }
    }
}

/// Validation accuracies of softmax classifiers on the raw inputs and on
/// each layer's codes, greedy and (if the preset fine-tunes) fine-tuned.
pub fn probe(mut preset: Preset, epochs: Option<usize>) -> Result<Vec<(String, usize, f64)>> {
    let stack = preset.stack.as_mut().expect("a stacked preset");
    if let Some(n) = epochs {
        stack.epochs = n;
    }
    let total = (stack.layers.len() * stack.epochs + stack.fine_tune) as u64;
    let (train, val) = load_data(&preset)?;
    let mut run = StackRun::new(preset, train.clone(), val.clone())?;
    let mut progress = Progress::new("stack", total);
    let mut done = 0;
    while run.run_epoch()?.is_some() {
        done += 1;
        progress.set(done);
    }
    progress.finish();
    let sizes = run.stack().layers.clone();
    let mut sets: Vec<(String, bool, usize)> = (0..sizes.len())
        .map(|k| (format!("layer {} greedy", k + 1), false, k))
        .collect();
    if run.fine_tuned().is_some() {
        sets.extend((0..sizes.len()).map(|k| (format!("layer {} fine-tuned", k + 1), true, k)));
    }
    let labels = sets.iter().map(|s| s.0.clone()).collect();
    let features = |i: usize, x: &Array2<f32>| {
        let (_, tuned, k) = sets[i];
        run.codes(x, tuned).swap_remove(k).mapv(f64::from)
    };
    let mut progress = Progress::new("classifiers", (sets.len() as u64 + 1) * ITERATIONS as u64);
    let report = probe_features(labels, features, &train, &val, |i, it| {
        progress.set(i as u64 * ITERATIONS as u64 + it as u64 + 1)
    })
    .expect("the caller checked the labels");
    progress.finish();
    let mut lines = vec![("raw pixels".to_string(), train.inputs(), report.raw)];
    for ((label, accuracy), (_, _, k)) in report.codes.into_iter().zip(&sets) {
        lines.push((label, sizes[*k], accuracy));
    }
    Ok(lines)
}

/// The gradient checks a stack adds to its first layer's: each layer above
/// (an ordinary autoencoder on the codes below, at initial weights), then
/// the fine-tuning objective of the whole stack, block by block per layer.
pub fn gradcheck(preset: &Preset, x: &Array2<f64>, max_coords: usize) -> Vec<(String, BlockCheck)> {
    let (Some(stack), config) = (&preset.stack, &preset.models[0]) else {
        return Vec::new();
    };
    let objective = config.objective();
    let arch = StackArch::new(x.ncols(), &stack.layers, config.tied);
    let mut rng = StdRng::seed_from_u64(preset.seed.wrapping_add(0x57ac));
    let layers: Vec<Params<f64>> = (arch.layers.iter())
        .map(|&a| Params::init(a, &mut rng))
        .collect();
    let mut rows = Vec::new();
    let mut below = objective.forward(&layers[0], x).h;
    for (k, params) in layers.iter().enumerate().skip(1) {
        let below_tilde = config.corrupt.apply(&below, &mut rng);
        let blocks = check(
            &objective,
            params,
            &below,
            &below_tilde,
            max_coords,
            preset.seed,
        );
        rows.extend(blocks.into_iter().map(|b| (format!("layer {}", k + 1), b)));
        below = objective.forward(params, &below).h;
    }
    let deep = DeepObjective::of(&objective);
    let params = StackParams::from_layers(&layers);
    let x_tilde = config.corrupt.apply(x, &mut rng);
    let checks = check_stack(&deep, &params, x, &x_tilde, max_coords, preset.seed);
    for (k, blocks) in checks.into_iter().enumerate() {
        rows.extend(
            blocks
                .into_iter()
                .map(|b| (format!("fine-tune {}", k + 1), b)),
        );
    }
    rows
}
