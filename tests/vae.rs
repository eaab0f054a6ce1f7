//! The variational autoencoder as a user meets it: it trains (the −ELBO on
//! held-out digits falls), its lab panes show the KL per dimension, samples
//! from the prior and the 2-D latent map, it resumes bit for bit from a
//! checkpoint, and settings that make no sense for it are refused by name.
//! (Its gradient: `gradcheck.rs`.)

use aelab::preset::Preset;
use aelab::train::Trainer;
use aelab::ui::{App, UiOptions, render_text};

/// The bundled vae-2d preset on 1,000 MNIST digits.
fn trainer(sets: &[&str]) -> Trainer {
    let mut all = vec!["data.limit=1000".to_string()];
    all.extend(sets.iter().map(|s| s.to_string()));
    let preset = Preset::open("vae-2d", &all).unwrap();
    let (train, val) = aelab::cli::load_data(&preset).unwrap();
    Trainer::new(preset, train, val).unwrap()
}

#[test]
fn the_held_out_elbo_improves_and_the_report_splits_it() {
    let mut t = trainer(&[]);
    let first = t.run_epoch().unwrap().remove(0);
    let mut last = first.clone();
    for _ in 0..4 {
        last = t.run_epoch().unwrap().remove(0);
    }
    let (a, b) = (first.val_neg_elbo.unwrap(), last.val_neg_elbo.unwrap());
    assert!(b < a - 10.0, "−ELBO {a} → {b}");
    let kl = last.val_kl.unwrap();
    assert!(kl > 0.5 && kl < b, "KL {kl} of −ELBO {b}");
    assert!(last.kl.unwrap() > 0.0);
}

#[test]
fn the_lab_shows_the_kl_per_dimension_and_the_latent_map() {
    let mut t = trainer(&[]);
    t.run_epoch().unwrap();
    let mut app = App::new(UiOptions::default());
    app.absorb(t.snapshot());
    let text = render_text(&app, 120, 40);
    assert!(text.contains("KL per latent dim: "), "{text}");
    assert!(text.contains("latent map vae"), "{text}");
    assert!(text.contains("recon ") && text.contains("KL "), "{text}");
    assert!(
        text.contains("z=2"),
        "the status line gives the latent size: {text}"
    );
    // v has no other variant to offer a VAE (it used to loop forever).
    app.update(aelab::ui::Action::NextVariant);
    app.update(aelab::ui::Action::PrevVariant);
    assert_eq!(app.config(0).unwrap().variant, aelab::model::Variant::Vae);
    // A 20-D latent space: samples from the prior and a walk instead of a map.
    let mut t = trainer(&["model.latent=20"]);
    t.run_epoch().unwrap();
    let mut app = App::new(UiOptions::default());
    app.absorb(t.snapshot());
    let text = render_text(&app, 120, 40);
    assert!(text.contains("samples from N(0, I)"), "{text}");
    assert!(text.contains("walk from a "), "{text}");
    let vae = app.snapshot().unwrap().models[0].vae.clone().unwrap();
    assert_eq!(vae.kl_per_dim.len(), 20);
    assert!(vae.map.is_none());
}

#[test]
fn the_vae_panes_draw_at_any_size_without_panic() {
    for latent in ["model.latent=2", "model.latent=5"] {
        let mut t = trainer(&[latent]);
        t.step().unwrap();
        for ascii in [false, true] {
            let mut app = App::new(UiOptions {
                ascii,
                ..UiOptions::default()
            });
            app.absorb(t.snapshot());
            for w in (0..140).step_by(7) {
                for h in (0..50).step_by(3) {
                    render_text(&app, w, h);
                }
            }
        }
    }
}

#[test]
fn a_resumed_vae_continues_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.ckpt");
    let mut straight = trainer(&["regularize.kl_warmup=30"]);
    for _ in 0..20 {
        straight.step().unwrap();
    }
    straight.save_checkpoint(&path).unwrap();
    let mut resumed = trainer(&["regularize.kl_warmup=30"]);
    resumed.resume(&path).unwrap();
    for _ in 0..20 {
        straight.step().unwrap();
        resumed.step().unwrap();
    }
    assert_eq!(straight.params(0).theta, resumed.params(0).theta);
}

#[test]
fn settings_a_vae_cannot_take_are_refused_by_name() {
    for (set, key) in [
        ("model.tied=true", "tied"),
        ("regularize.contractive=0.1", "regularize.contractive"),
        ("model.latent=0", "model.latent"),
        ("regularize.kl=-1", "regularize.kl"),
    ] {
        let err = Preset::open("vae-2d", &[set.to_string()])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains(key), "{set}: {err}");
    }
    let err = Preset::open("vanilla", &["model.latent=2".into()])
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("model.latent") && err.contains("vae"), "{err}");
}
