//! Properties of the engine as a user meets them: denoising at q = 0 is
//! vanilla, the analytic ‖J‖²_F is the Jacobian's, training is deterministic,
//! and the linear autoencoder recovers PCA on the digits. (Changes, resets
//! and replays: `steering.rs`.)

use aelab::analysis::pca::{pca, principal_cosines, projection_error, train_linear_ae};
use aelab::data;
use aelab::model::{Activation, Arch, Loss, Objective, Params, Penalties};
use aelab::preset::Preset;
use aelab::train::Trainer;
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
        let params = Params::<f64>::init(Arch::ae(n, hidden, false), &mut rng);
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
