//! Hand-built snapshots from formulas (no RNG, no training): two models,
//! vanilla and denoising, on 28×28 images. For the frame and key tests and
//! for a demo frame without a trainer.

use crate::analysis::pca::principal_plane;
use crate::model::{Activation, Corruption, CorruptionKind, Loss, Penalties, Sparsity, Variant};
use crate::optim::OptimizerKind;
use crate::settings::{Context, ModelConfig};
use crate::train::{Codes, LossPoint, ModelView, ProbeState, Recon, Snapshot};
use ndarray::Array2;
use std::f32::consts::PI;
use std::ops::Range;
use std::sync::Arc;

pub const SHAPE: (usize, usize) = (28, 28);
pub const HIDDEN: usize = 64;

/// A snapshot of `run_id` carrying one loss point for each step in `steps`.
pub fn snapshot(run_id: u64, steps: Range<u64>) -> Snapshot {
    let step = steps.end;
    Snapshot {
        run_id,
        seed: 42,
        commands_applied: 0,
        context: Context {
            shared_batches: true,
            targets_in_unit_interval: true,
        },
        step,
        epoch: (step / 100) as usize,
        samples_per_s: 12_345.0,
        running: true,
        dataset: "mnist t10k (9000 train / 1000 val)".into(),
        image_shape: SHAPE,
        // The two outermost rows and columns never vary, as in MNIST.
        live_inputs: Arc::new(
            (0..SHAPE.0 * SHAPE.1)
                .map(|i| {
                    let (r, c) = (i / SHAPE.1, i % SHAPE.1);
                    (2..SHAPE.0 - 2).contains(&r) && (2..SHAPE.1 - 2).contains(&c)
                })
                .collect(),
        ),
        eval_corrupt: Corruption {
            kind: CorruptionKind::Mask,
            level: 0.25,
        },
        models: vec![model(0, steps.clone()), model(1, steps)],
        message: None,
        probe: ProbeState::Idle,
        stage: None,
        build_time: std::time::Duration::ZERO,
    }
}

/// Model 0 is vanilla; model 1 denoises (mask q = 0.25) with decay and sparsity on.
pub fn config(index: usize) -> ModelConfig {
    let denoising = index == 1;
    let mut penalties = Penalties::default();
    if denoising {
        penalties.weight_decay = 3e-3;
        penalties.sparsity = Some(Sparsity {
            rho: 0.05,
            beta: 3.0,
        });
    }
    ModelConfig {
        label: if denoising { "dae" } else { "vanilla" }.into(),
        variant: if denoising {
            Variant::Denoising
        } else {
            Variant::Vanilla
        },
        hidden: HIDDEN,
        encoder: Activation::Sigmoid,
        decoder: Activation::Sigmoid,
        tied: false,
        loss: Loss::Mse,
        penalties,
        corrupt: if denoising {
            Corruption {
                kind: CorruptionKind::Mask,
                level: 0.25,
            }
        } else {
            Corruption::NONE
        },
        optimizer: OptimizerKind::Adam,
        lr: 1e-3,
        latent: 0,
        kl_warmup: 0,
    }
}

/// The golden-ratio sequence: evenly spread values in [0, 1) without an RNG.
fn spread(j: usize) -> f32 {
    (j as f32 * 0.618_034).fract()
}

fn loss(index: usize, step: u64) -> LossPoint {
    let s = step as f32;
    let recon = 0.5 * (-s / 200.0).exp() + 0.03 + 0.005 * (s / 7.0).sin().abs();
    let (weight_decay, sparsity) = if index == 1 {
        (0.01 + 0.002 * (s / 50.0).cos(), 0.2 * (-s / 80.0).exp())
    } else {
        (0.0, 0.0)
    };
    LossPoint {
        step,
        version: 0,
        total: recon + weight_decay + sparsity,
        recon,
        weight_decay,
        sparsity,
        l1: 0.0,
        contractive: 0.0,
        kl: 0.0,
        jacobian: 2.0 + (step as f32 / 30.0).sin(),
    }
}

/// Unit j's filter: an oriented grating under a Gaussian window (Gabor-like, as trained filters look).
fn filter(j: usize) -> Vec<f32> {
    let theta = (j % 8) as f32 * PI / 8.0;
    let freq = 0.25 + 0.1 * (j / 8 % 3) as f32;
    let (cy, cx) = (8.0 + 12.0 * spread(j), 8.0 + 12.0 * spread(j + 17));
    let mut w = vec![0.0; SHAPE.0 * SHAPE.1];
    for (i, v) in w.iter_mut().enumerate() {
        let (y, x) = ((i / SHAPE.1) as f32 - cy, (i % SHAPE.1) as f32 - cx);
        let envelope = (-(x * x + y * y) / 40.0).exp();
        *v = envelope * (freq * (x * theta.cos() + y * theta.sin())).sin();
    }
    let norm = w.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-6);
    w.iter().map(|v| v / norm).collect()
}

/// Digit-like strokes: a ring ("0"), a bar ("1"), a cross ("+").
fn digit(k: usize) -> Vec<f32> {
    (0..SHAPE.0 * SHAPE.1)
        .map(|i| {
            let (y, x) = ((i / SHAPE.1) as f32 - 13.5, (i % SHAPE.1) as f32 - 13.5);
            let on = match k % 3 {
                0 => ((x * x / 0.5 + y * y).sqrt() - 9.0).abs() < 2.0,
                1 => x.abs() < 2.0 && y.abs() < 10.0,
                _ => (x.abs() < 2.0 || y.abs() < 2.0) && x.abs() < 9.0 && y.abs() < 9.0,
            };
            if on { 1.0 } else { 0.0 }
        })
        .collect()
}

fn recon(index: usize) -> Recon {
    let n = SHAPE.0 * SHAPE.1;
    let rows = |f: &dyn Fn(usize, usize) -> f32| Array2::from_shape_fn((3, n), |(k, i)| f(k, i));
    let digits: Vec<Vec<f32>> = (0..3).map(digit).collect();
    let original = rows(&|k, i| digits[k][i]);
    // A fixed "mask" pattern stands in for the denoising model's noise.
    let corrupted = rows(&|k, i| {
        if index == 1 && (i * 7 + k * 13) % 4 == 0 {
            0.0
        } else {
            digits[k][i]
        }
    });
    let reconstructed = rows(&|k, i| 0.15 + 0.7 * digits[k][i] * (0.8 + 0.2 * spread(i)));
    Recon {
        original,
        corrupted,
        reconstructed,
        labels: Some(vec![0, 1, 4]),
    }
}

pub fn model(index: usize, steps: Range<u64>) -> ModelView {
    let scale = if index == 1 { 0.12 } else { 0.9 };
    let jacobian_units: Vec<f32> = (0..HIDDEN)
        .map(|j| 0.01 * ((j + index) % 7 + 1) as f32)
        .collect();
    let rows: Vec<Vec<f32>> = (0..HIDDEN).map(|j| filter(j + 3 * index)).collect();
    let filters = Array2::from_shape_fn((HIDDEN, SHAPE.0 * SHAPE.1), |(j, i)| rows[j][i]);
    ModelView {
        config: config(index),
        version: 0,
        losses: steps.map(|s| loss(index, s)).collect(),
        rho_hat: (0..HIDDEN).map(|j| 0.02 + scale * spread(j)).collect(),
        jacobian_fro2: jacobian_units.iter().sum(),
        jacobian_units,
        saturated: if index == 1 { 0.03 } else { 0.12 },
        filters: Arc::new(filters),
        filter_norms: (0..HIDDEN).map(|j| 1.0 + 0.1 * (j % 5) as f32).collect(),
        sensitivity: (0..HIDDEN).map(|j| 0.01 * (j % 3 + 1) as f32).collect(),
        recon: Arc::new(recon(index)),
        val_recon: Some(0.04),
        eval_recon: Some(if index == 1 { 0.0191 } else { 0.0253 }),
        locality: Some(if index == 1 { 0.43 } else { 0.21 }),
        pca: None,
        along_across: None,
        codes: Arc::new(codes(index)),
        vae: None,
        recon_gain: None,
    }
}

/// Codes of 200 samples that cluster by label (i mod 10) along two units.
fn codes(index: usize) -> Codes {
    let h = Array2::from_shape_fn((200, HIDDEN), |(i, j)| {
        let label = (i % 10) as f32;
        let angle = label / 10.0 * 2.0 * PI + index as f32;
        let wobble = ((i * 7 + j * 3) % 11) as f32 / 110.0;
        let v = if j % 2 == 0 { angle.cos() } else { angle.sin() };
        0.5 + 0.4 * v + wobble
    });
    Codes {
        pca: principal_plane(&h, &[]),
        h,
        labels: Some((0..200).map(|i| (i % 10) as u8).collect()),
    }
}
