//! `aelab gradcheck PRESET`: each model's analytic gradient against central
//! differences in f64, on a small batch with one fixed corruption draw.

use super::{load_data, load_preset};
use crate::analysis::gradcheck::{BlockCheck, TOLERANCE, check};
use crate::model::Params;
use anyhow::{Result, bail};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Samples in the checked batch: enough to exercise every term.
const BATCH: usize = 16;
/// Coordinates checked per tensor; smaller tensors are checked whole.
const MAX_COORDS: usize = 300;

pub fn run(preset: &str, sets: &[String]) -> Result<()> {
    let preset = load_preset(preset, sets)?;
    let (train, _) = load_data(&preset)?;
    let idx: Vec<usize> = (0..BATCH.min(train.len())).collect();
    let x = train.rows(&idx).mapv(f64::from);
    let mut worst: f64 = 0.0;
    super::say!(
        "{:<12} {:<6} {:>10} {:>14} {:>12}",
        "model",
        "tensor",
        "checked",
        "‖analytic‖",
        "rel_error"
    );
    let mut report = |label: &str, block: BlockCheck| {
        // f64::max would drop a NaN: keep it, it is a failure.
        if block.rel_error.is_nan() || block.rel_error > worst {
            worst = block.rel_error;
        }
        super::say!(
            "{:<12} {:<6} {:>10} {:>14.6e} {:>12.3e}",
            label,
            block.name,
            format!("{}/{}", block.checked, block.total),
            block.analytic_norm,
            block.rel_error
        );
    };
    for (i, config) in preset.models.iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(preset.seed.wrapping_add(i as u64));
        let params: Params<f64> = Params::init(config.arch(x.ncols()), &mut rng);
        let x_tilde = config.corrupt.apply(&x, &mut rng);
        for block in check(
            &config.objective(),
            &params,
            &x,
            &x_tilde,
            MAX_COORDS,
            preset.seed,
        ) {
            report(&config.label, block);
        }
    }
    for (label, block) in super::stacked::gradcheck(&preset, &x, MAX_COORDS) {
        report(&label, block);
    }
    let verdict = if worst.is_nan() || worst > TOLERANCE {
        "FAILED"
    } else {
        "passed"
    };
    super::say!(
        "gradient check {verdict}: the largest relative error must stay below {TOLERANCE:e}"
    );
    super::say!("max_rel_error={worst:e}");
    // NaN fails too.
    if worst.is_nan() || worst > TOLERANCE {
        bail!("gradient check failed: max_rel_error={worst:e} is above {TOLERANCE:e}");
    }
    Ok(())
}
