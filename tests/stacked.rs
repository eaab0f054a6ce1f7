//! Stacked autoencoders: the fine-tuning gradient against central
//! differences in f64 for every encoder, decoder, loss and tying the preset
//! schema allows, with and without weight decay; a greedy run on a tiny data
//! set; the probe's line per layer.

use aelab::analysis::gradcheck::{TOLERANCE, check_stack};
use aelab::data::Dataset;
use aelab::model::stack::{DeepObjective, StackArch, StackParams};
use aelab::model::{Activation, Loss, Params};
use aelab::preset::Preset;
use aelab::train::stack::{Phase, StackRun};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A small batch with values in (0, 1), as bce needs.
fn batch(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    Array2::from_shape_fn((m, n), |_| rng.random_range(0.05..0.95))
}

/// Central differences cannot see a derivative across a relu's kink: every
/// pre-activation of a draw must stay this far from 0.
const KINK_MARGIN: f64 = 1e-3;

fn far_from_kinks(objective: &DeepObjective, params: &StackParams<f64>, x: &Array2<f64>) -> bool {
    let cache = objective.forward(params, x);
    let relu_ok = |on: bool, z: &Array2<f64>| !on || z.iter().all(|z| z.abs() > KINK_MARGIN);
    cache
        .z
        .iter()
        .all(|z| relu_ok(objective.encoder == Activation::Relu, z))
}

fn assert_stack_gradient(objective: DeepObjective, arch: StackArch, seed: u64) {
    let x = batch(6, arch.layers[0].inputs, seed);
    let mut rng = StdRng::seed_from_u64(seed + 1);
    let params = (0..100)
        .map(|_| {
            // Larger than Glorot so that the units leave their linear regime.
            let layers: Vec<Params<f64>> = (arch.layers.iter())
                .map(|&a| Params::init(a, &mut rng))
                .collect();
            let mut p = StackParams::from_layers(&layers);
            (p.theta.iter_mut()).for_each(|v| *v = *v * 2.0 + rng.random_range(-0.1..0.1));
            p
        })
        .find(|p| far_from_kinks(&objective, p, &x))
        .expect("a draw away from the kinks within 100 tries");
    for (k, layer) in check_stack(&objective, &params, &x, &x, usize::MAX, seed)
        .into_iter()
        .enumerate()
    {
        for block in layer {
            assert!(
                block.rel_error < TOLERANCE,
                "layer {} {} rel_error {:e} for {objective:?}, {arch:?}",
                k + 1,
                block.name,
                block.rel_error
            );
        }
    }
}

#[test]
fn the_fine_tuning_gradient_is_exact_for_every_combination() {
    let mut checked = 0;
    for encoder in Activation::ALL {
        for decoder in [Activation::Sigmoid, Activation::Linear, Activation::Tanh] {
            for loss in [Loss::Mse, Loss::Bce] {
                // bce needs a sigmoid decoder, and sigmoid codes above the first layer.
                if loss == Loss::Bce
                    && (decoder != Activation::Sigmoid || encoder != Activation::Sigmoid)
                {
                    continue;
                }
                for tied in [false, true] {
                    for weight_decay in [0.0, 0.2] {
                        let objective = DeepObjective {
                            encoder,
                            decoder,
                            loss,
                            weight_decay,
                        };
                        // Two layers, and three (the middle one overcomplete).
                        for sizes in [&[4, 3][..], &[4, 5, 2][..]] {
                            let arch = StackArch::new(5, sizes, tied);
                            assert_stack_gradient(objective, arch, checked);
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} combinations checked");
}

/// Before fine-tuning, the stack reconstructs exactly as its layers' own
/// encoders and decoders composed.
#[test]
fn the_unrolled_stack_is_the_layers_composed() {
    let mut rng = StdRng::seed_from_u64(3);
    let arch = StackArch::new(6, &[4, 3], false);
    let layers: Vec<Params<f64>> = (arch.layers.iter())
        .map(|&a| Params::init(a, &mut rng))
        .collect();
    let objective = aelab::model::Objective {
        encoder: Activation::Tanh,
        decoder: Activation::Sigmoid,
        loss: Loss::Mse,
        penalties: Default::default(),
    };
    let x = batch(5, 6, 4);
    let h1 = objective.forward(&layers[0], &x).h;
    let top = objective.forward(&layers[1], &h1);
    // Layer 1's decoder on layer 2's reconstruction of h1.
    let v = layers[0].views();
    let y = top.x_hat.dot(&v.w2.unwrap().t()) + v.b2;
    let expected = y.mapv(|y| objective.decoder.value(y));
    let deep = DeepObjective::of(&objective).forward(&StackParams::from_layers(&layers), &x);
    let gap =
        |a: &Array2<f64>, b: &Array2<f64>| (a - b).mapv(f64::abs).fold(0.0f64, |m, &v| m.max(v));
    assert!(gap(&deep.x_hat, &expected) < 1e-12);
    assert!(gap(&deep.codes[2], &top.h) < 1e-12);
}

/// A tiny stack: layer 2 trains on layer 1's codes of the clean inputs,
/// then the fine-tuning runs, and each layer's filters live in input space.
#[test]
fn greedy_layers_train_on_the_codes_below_then_fine_tune() {
    let text = "variant = \"denoising\"\n[model]\nhidden = 6\n[train]\nbatch = 8\n[stack]\nhidden = [3]\nepochs = 2\nfine_tune = 1\n";
    let preset = Preset::parse("tiny.toml", text, &[]).unwrap();
    let x = batch(40, 10, 5).mapv(|v| v as f32);
    let labels = Some((0..40).map(|i| (i % 2) as u8).collect());
    let data = Dataset::new("tiny", x.clone(), (1, 10), labels);
    let mut run = StackRun::new(preset, data.clone(), data.clone().take(10)).unwrap();
    assert_eq!(run.phase_label(), "layer 1/2");
    let mut lines = Vec::new();
    while let Some(report) = run.run_epoch().unwrap() {
        lines.push(
            format!("{report:?}")
                .split_whitespace()
                .next()
                .unwrap()
                .to_string(),
        );
        if let Phase::Layer { index: 1, trainer } = run.phase() {
            // Layer 2's data: 6 codes a sample, layer 1's of the clean inputs.
            let below = &run.greedy()[0];
            assert_eq!(trainer.train_set().inputs(), 6);
            let objective = trainer.configs()[0].objective();
            assert_eq!(trainer.train_set().x, objective.forward(below, &x).h);
            assert_eq!(trainer.configs()[0].hidden, 3);
        }
    }
    assert_eq!(lines, ["Layer", "Layer", "Layer", "Layer", "FineTune"]);
    assert_eq!(run.phase_label(), "done");
    assert_eq!(run.greedy().len(), 2);
    assert!(run.fine_tuned().is_some());
    assert_eq!(run.filters(1).unwrap().dim(), (3, 10));
    let codes = run.codes(&x, true);
    assert_eq!((codes[0].dim(), codes[1].dim()), ((40, 6), (40, 3)));
    assert!(run.val_recon().unwrap().is_finite());
}

/// `aelab probe` on a stack: the raw inputs, then a line per layer, greedy
/// and fine-tuned.
#[test]
fn the_probe_has_a_line_per_layer() {
    let preset = Preset::parse(
        "p.toml",
        "[data]\nsource = \"digits\"\nlimit = 150\nvalidation = 0.2\n[model]\nhidden = 8\n[stack]\nhidden = [4]\nepochs = 1\nfine_tune = 1\n",
        &[],
    )
    .unwrap();
    let lines = aelab::cli::stacked::probe(preset, None).unwrap();
    let labels: Vec<&str> = lines.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        labels,
        [
            "raw pixels",
            "layer 1 greedy",
            "layer 2 greedy",
            "layer 1 fine-tuned",
            "layer 2 fine-tuned"
        ]
    );
    let sizes: Vec<usize> = lines.iter().map(|l| l.1).collect();
    assert_eq!(sizes, [64, 8, 4, 8, 4]);
    assert!(lines.iter().all(|l| (0.0..=1.0).contains(&l.2)));
}

/// The lab's side: the layers, then the fine-tuning, each snapshot saying
/// where the stack is; a layer above the first shows pixel-space filters,
/// and a finished layer's last snapshot shows its final epoch.
#[test]
fn the_lab_steps_through_the_layers_and_says_which_is_training() {
    use aelab::train::run::Run;
    use aelab::train::stack_lab::StackLab;
    let text = "[model]\nhidden = 6\n[train]\nbatch = 8\n[stack]\nhidden = [3]\nepochs = 2\nfine_tune = 2\n";
    let preset = Preset::parse("tiny.toml", text, &[]).unwrap();
    let x = batch(40, 10, 5).mapv(|v| v as f32);
    let data = Dataset::new("tiny", x, (2, 5), None);
    let mut lab = StackLab::new(StackRun::new(preset, data.clone(), data.take(10)).unwrap());
    let mut stages = Vec::new();
    let mut run_ids = Vec::new();
    let mut layer1_epoch = 0;
    for _ in 0..200 {
        if !lab.wants_step() {
            break;
        }
        lab.step().unwrap();
        let s = lab.snapshot();
        if s.stage.as_deref() == Some("stack layer 2/2") {
            // Layer 2 trains on 6 codes; its filters are drawn over the 10 inputs.
            assert_eq!(s.models[0].filters.dim(), (3, 10));
            assert_eq!(s.image_shape, (2, 5));
        }
        if s.stage.as_deref() == Some("stack layer 1/2") {
            layer1_epoch = s.epoch;
        }
        if stages.last() != s.stage.as_ref() {
            stages.push(s.stage.clone().unwrap());
            run_ids.push(s.run_id);
        }
    }
    assert_eq!(
        layer1_epoch, 2,
        "layer 1's last snapshot shows its last epoch"
    );
    assert_eq!(
        stages,
        [
            "stack layer 1/2",
            "stack layer 2/2",
            "stack fine-tune",
            "stack done"
        ]
    );
    assert!(run_ids[1] > run_ids[0], "a new layer starts a new history");
    assert!(!lab.wants_step());
}
