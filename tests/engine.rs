//! Properties of the engine as a user meets them: denoising at q = 0 is
//! vanilla, the analytic ‖J‖²_F is the Jacobian's, training is deterministic,
//! commands land at the step they were sent for, and the linear autoencoder
//! recovers PCA on the digits.

use aelab::analysis::pca::{pca, principal_cosines, projection_error, train_linear_ae};
use aelab::data;
use aelab::model::{Activation, Arch, Loss, Objective, Params, Penalties};
use aelab::preset::Preset;
use aelab::train::{Command, Trainer};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A small MNIST preset: 600 samples, so an epoch is quick.
fn trainer(text: &str, sets: &[&str]) -> Trainer {
    let text = format!("{text}\n[data]\nsource = \"mnist\"\nlimit = 600\nvalidation = 0.2\n");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let preset = Preset::parse("test.toml", &text, &sets).unwrap();
    let (train, val) = data::load(&preset.data)
        .unwrap()
        .split(preset.data.validation, preset.seed);
    Trainer::new(preset, train, val).unwrap()
}

fn epoch_json(t: &mut Trainer) -> String {
    let reports = t.run_epoch().unwrap();
    serde_json::to_string(&reports).unwrap()
}

#[test]
fn denoising_with_q_zero_trains_exactly_as_vanilla() {
    let mut vanilla = trainer("variant = \"vanilla\"\n", &[]);
    let mut denoising = trainer("variant = \"denoising\"\n", &["corrupt.level=0"]);
    for _ in 0..2 {
        let (a, b) = (epoch_json(&mut vanilla), epoch_json(&mut denoising));
        assert_eq!(
            a.replace("denoising", "vanilla"),
            b.replace("denoising", "vanilla")
        );
    }
}

#[test]
fn the_same_preset_and_seed_give_the_same_numbers() {
    let text = "variant = \"sparse\"\n[[compare]]\nvariant = \"denoising\"\n";
    let (mut a, mut b) = (trainer(text, &[]), trainer(text, &[]));
    for _ in 0..2 {
        assert_eq!(epoch_json(&mut a), epoch_json(&mut b));
    }
    let mut c = trainer(text, &["seed=7"]);
    assert_ne!(epoch_json(&mut c), epoch_json(&mut trainer(text, &[])));
}

/// ‖J‖²_F = Σ_j g'(z_j)² ‖W1[j]‖² equals the squared Frobenius norm of the
/// Jacobian ∂h/∂x measured by central differences, for every encoder.
#[test]
fn analytic_jacobian_norm_equals_the_finite_difference_jacobian() {
    let mut rng = StdRng::seed_from_u64(4);
    let (n, hidden) = (6, 5);
    for encoder in Activation::ALL {
        let objective = Objective {
            encoder,
            decoder: Activation::Linear,
            loss: Loss::Mse,
            penalties: Penalties::default(),
        };
        let params = Params::<f64>::init(
            Arch {
                inputs: n,
                hidden,
                tied: false,
            },
            &mut rng,
        );
        let x = Array2::from_shape_fn((1, n), |_| rng.random_range(0.1..0.9));
        let analytic: f64 = objective.forward(&params, &x).jacobian_units.sum();
        let eps = 1e-6;
        let mut numeric = 0.0;
        for i in 0..n {
            let (mut plus, mut minus) = (x.clone(), x.clone());
            plus[[0, i]] += eps;
            minus[[0, i]] -= eps;
            let d = (objective.forward(&params, &plus).h - objective.forward(&params, &minus).h)
                / (2.0 * eps);
            numeric += d.iter().map(|v| v * v).sum::<f64>();
        }
        assert!(
            (analytic - numeric).abs() < 1e-6 * analytic.max(1.0),
            "{encoder:?}: {analytic} vs {numeric}"
        );
    }
}

#[test]
fn a_command_is_applied_at_the_step_it_was_sent_for() {
    let mut t = trainer("variant = \"denoising\"\n", &[]);
    for _ in 0..5 {
        t.step().unwrap();
    }
    let set = Command::Set {
        model: None,
        key: "corrupt.level".into(),
        value: toml::Value::Float(0.5),
    };
    t.apply(set.clone());
    assert_eq!(t.log().last(), Some(&(5, set)));
    assert_eq!(t.configs()[0].corrupt.level, 0.5);
    t.step().unwrap();
    let snapshot = t.snapshot();
    assert_eq!(snapshot.models[0].config.corrupt.level, 0.5);
    // Every step's loss point is reported, none lost.
    let steps: Vec<u64> = snapshot.models[0].losses.iter().map(|p| p.step).collect();
    assert_eq!(steps, (0..6).collect::<Vec<_>>());
}

#[test]
fn a_timeline_entry_applies_at_exactly_its_step_and_replays_bit_for_bit() {
    let text = "variant = \"denoising\"\n[[timeline]]\nstep = 3\nset = { \"corrupt.level\" = 0.6, \"train.lr\" = 0.002 }\n";
    let run = || {
        let mut t = trainer(text, &[]);
        let mut levels = Vec::new();
        for _ in 0..6 {
            t.step().unwrap();
            levels.push(t.configs()[0].corrupt.level);
        }
        (levels, t.snapshot().models[0].losses.clone())
    };
    let (levels, losses) = run();
    assert_eq!(levels, [0.25, 0.25, 0.25, 0.6, 0.6, 0.6]);
    assert_eq!(run().1, losses);
}

#[test]
fn a_reset_starts_a_new_run_from_the_same_initial_weights() {
    let mut t = trainer("", &[]);
    let first = t.params(0).clone();
    t.step().unwrap();
    assert_ne!(t.params(0), &first);
    t.apply(Command::Reset);
    assert_eq!(t.params(0), &first);
    assert_eq!((t.run_id(), t.step_count()), (1, 0));
}

/// The lecture's result on the 8x8 digits with k = 10: the linear autoencoder's
/// error is within 2% of PCA's and its decoder spans the principal subspace.
#[test]
fn linear_autoencoder_recovers_pca_on_the_digits() {
    let spec = data::DataSpec {
        source: data::Source::Digits,
        ..Default::default()
    };
    let x = data::load(&spec).unwrap().pca_normalised();
    let k = 10;
    let p = pca(&x, k).unwrap();
    let pca_error = projection_error(&x, &p.components);
    let scale = (x.nrows() as f64).sqrt();
    let ae = train_linear_ae(&(&x * scale), k, 42, 5000, |_| {});
    let ae_error = ae.error(&(&x * scale)) / (scale * scale);
    assert!(
        ae_error <= pca_error * 1.02,
        "ae {ae_error} vs pca {pca_error}"
    );
    assert!(
        ae_error >= pca_error * (1.0 - 1e-9),
        "no rank-k map beats PCA: {ae_error} < {pca_error}"
    );
    let cosines = principal_cosines(&ae.decoder(), &p.components).unwrap();
    assert!(cosines.iter().all(|&c| c >= 0.98), "{cosines:?}");
}

/// Changes made live, saved as a timeline (`R` in the lab), replay the run
/// bit for bit.
#[test]
fn a_recorded_timeline_replays_the_live_run_exactly() {
    let text = "variant = \"vanilla\"\n[[compare]]\nlabel = \"dae\"\nvariant = \"denoising\"\n";
    let mut live = trainer(text, &[]);
    let set = |model, key: &str, value| Command::Set {
        model,
        key: key.into(),
        value,
    };
    for step in 0..12 {
        match step {
            3 => live.apply(set(Some(1), "corrupt.level", toml::Value::Float(0.5))),
            5 => live.apply(set(None, "train.lr", toml::Value::Float(0.003))),
            8 => live.apply(set(
                Some(0),
                "variant",
                toml::Value::String("sparse".into()),
            )),
            _ => {}
        }
        live.step().unwrap();
    }
    let labels: Vec<String> = live.configs().iter().map(|c| c.label.clone()).collect();
    let full = format!("{text}\n[data]\nsource = \"mnist\"\nlimit = 600\nvalidation = 0.2\n");
    let saved = aelab::train::timeline::recorded(&full, &[], live.log(), &labels);
    let preset = Preset::parse("saved.toml", &saved, &[]).unwrap();
    let (train, val) = data::load(&preset.data)
        .unwrap()
        .split(preset.data.validation, preset.seed);
    let mut replay = Trainer::new(preset, train, val).unwrap();
    for _ in 0..12 {
        replay.step().unwrap();
    }
    let (a, b) = (live.snapshot(), replay.snapshot());
    for (x, y) in a.models.iter().zip(&b.models) {
        assert_eq!(x.losses, y.losses);
        assert_eq!(x.config, y.config);
    }
}

/// The contractive autoencoder's point on the toy curve: against the same
/// model without the penalty, the encoder becomes far less sensitive across
/// the curve, and relatively more sensitive along it than across.
#[test]
fn contractive_codes_are_insensitive_across_the_toy_curve() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/toy-manifold.toml");
    let preset = Preset::load(&path, &[]).unwrap();
    let (train, val) = data::load_seeded(&preset.data, preset.seed)
        .unwrap()
        .split(preset.data.validation, preset.seed);
    let mut t = Trainer::new(preset, train, val).unwrap();
    let mut last = Vec::new();
    for _ in 0..30 {
        last = t.run_epoch().unwrap();
    }
    let (contractive, vanilla) = (&last[0], &last[1]);
    let ratio = |r: &aelab::train::trainer::ModelReport| {
        r.jacobian_along.unwrap() / r.jacobian_across.unwrap()
    };
    assert!(
        contractive.jacobian_across.unwrap() < 0.5 * vanilla.jacobian_across.unwrap(),
        "{last:?}"
    );
    assert!(ratio(contractive) > ratio(vanilla), "{last:?}");
}

/// A model that diverges is put back where it was, with a fresh optimiser;
/// the others keep their place in the shared batches; a lower learning rate
/// and a reset (the weights before the blow-up may be huge already) go on.
#[test]
fn a_divergence_pauses_keeps_the_weights_finite_and_can_be_resumed() {
    let text = "variant = \"vanilla\"\n[model]\nencoder = \"relu\"\ndecoder = \"linear\"\n[train]\noptimizer = \"sgd\"\nlr = 0.01\n[[compare]]\nlabel = \"wild\"\ntrain = { lr = 1e6 }\n";
    let mut t = trainer(text, &[]);
    let err = (0..20)
        .find_map(|_| t.step().err())
        .expect("lr = 1e6 diverges");
    assert_eq!(err.label, "wild");
    assert!(!t.running());
    assert!(t.params(1).theta.iter().all(|v| v.is_finite()));
    let step = t.step_count();
    assert_eq!(step, err.step + 1, "the batch was taken by every model");
    t.apply(Command::Set {
        model: Some(1),
        key: "train.lr".into(),
        value: toml::Value::Float(1e-3),
    });
    t.apply(Command::Reset);
    for _ in 0..5 {
        t.step().unwrap();
    }
    assert_eq!(t.step_count(), 5);
}

#[test]
fn shared_batch_settings_cannot_change_per_model_at_runtime() {
    let mut t = trainer("[[compare]]\nvariant = \"denoising\"\n", &[]);
    t.apply(Command::Set {
        model: Some(1),
        key: "train.optimizer".into(),
        value: toml::Value::String("lbfgs".into()),
    });
    assert_eq!(t.configs()[1].optimizer, aelab::optim::OptimizerKind::Adam);
    t.apply(Command::Set {
        model: Some(0),
        key: "train.batch".into(),
        value: toml::Value::Integer(7),
    });
    assert!(
        t.snapshot()
            .message
            .unwrap()
            .contains("shared by every model")
    );
}
