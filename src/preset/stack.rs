//! `[stack]`: a stacked autoencoder. The base model is layer 1; each size
//! in `stack.hidden` adds a layer above, an autoencoder of the same settings
//! (variant, regularisers, corruption) trained greedily on the codes of the
//! one below, then optionally all of them fine-tuned end to end.

use super::PresetError;
use super::schema::RawStack;
use super::source::Source;
use crate::model::Activation;
use crate::model::Loss;
use crate::settings::ModelConfig;

/// A resolved `[stack]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    /// Every layer's size, bottom first: `model.hidden`, then `stack.hidden`.
    pub layers: Vec<usize>,
    /// Epochs each layer trains for, greedily (default: `train.epochs`).
    pub epochs: usize,
    /// Epochs of end-to-end fine-tuning afterwards (0: none).
    pub fine_tune: usize,
}

/// The `[stack]` table of a preset whose models are `models`, judged.
pub fn resolve(
    source: &Source,
    raw: Option<RawStack>,
    models: &[ModelConfig],
    epochs: usize,
) -> Result<Option<Stack>, PresetError> {
    let Some(raw) = raw else { return Ok(None) };
    let invalid = |key: &str, message: String| PresetError::Invalid {
        origin: source.origin(key, None),
        message,
    };
    let base = &models[0];
    if models.len() > 1 {
        return Err(invalid(
            "stack",
            "a stacked preset trains one stack of layers: remove its [[compare]] entries".into(),
        ));
    }
    if base.is_vae() {
        // Its layers would have to stack on z, and fine-tune through the sampling.
        return Err(invalid(
            "stack",
            "a stack is of autoencoders: a VAE cannot be a layer (set another variant, or remove [stack])".into(),
        ));
    }
    if raw.hidden.is_empty() {
        return Err(invalid(
            "stack.hidden",
            format!(
                "list the sizes of the layers above the first (model.hidden = {}), e.g. hidden = [64]",
                base.hidden
            ),
        ));
    }
    let layers: Vec<usize> = std::iter::once(base.hidden).chain(raw.hidden).collect();
    for (i, &size) in layers.iter().enumerate().skip(1) {
        if size == 0 {
            return Err(invalid(
                "stack.hidden",
                format!("layer {} has 0 units: every layer needs at least 1", i + 1),
            ));
        }
        let k = base.penalties.k_sparse;
        if k > size {
            return Err(invalid(
                "regularize.k_sparse",
                format!(
                    "keeps k = {k} codes but layer {} of the stack has only {size} units",
                    i + 1
                ),
            ));
        }
    }
    // Layer 2 reconstructs layer 1's codes: bce needs them in [0, 1].
    if base.loss == Loss::Bce && base.encoder != Activation::Sigmoid {
        return Err(invalid(
            "model.loss",
            format!(
                "bce needs targets in [0, 1], but the layers above the first reconstruct {} codes: use encoder = \"sigmoid\" or loss = \"mse\"",
                base.encoder.name()
            ),
        ));
    }
    let epochs = raw.epochs.unwrap_or(epochs);
    if epochs == 0 {
        return Err(invalid(
            "stack.epochs",
            "must be at least 1 (each layer trains that many epochs)".into(),
        ));
    }
    Ok(Some(Stack {
        layers,
        epochs,
        fine_tune: raw.fine_tune.unwrap_or(0),
    }))
}

#[cfg(test)]
mod tests {
    use crate::preset::Preset;

    fn error(text: &str) -> String {
        Preset::parse("s.toml", text, &[]).unwrap_err().to_string()
    }

    #[test]
    fn a_stack_lists_every_layer_bottom_first() {
        let p = Preset::parse(
            "s.toml",
            "[model]\nhidden = 20\n[train]\nepochs = 3\n[stack]\nhidden = [8, 4]\nfine_tune = 2\n",
            &[],
        )
        .unwrap();
        let s = p.stack.unwrap();
        assert_eq!((s.layers, s.epochs, s.fine_tune), (vec![20, 8, 4], 3, 2));
        assert!(Preset::parse("s.toml", "", &[]).unwrap().stack.is_none());
    }

    #[test]
    fn nonsense_stacks_are_refused_by_key() {
        let err = error("[stack]\nhidden = []\n");
        assert!(err.starts_with("s.toml:2: stack.hidden"), "{err}");
        let err = error("[stack]\nhidden = [4, 0]\n");
        assert!(err.contains("layer 3 has 0 units"), "{err}");
        let err = error("[stack]\nhidden = [4]\nepochs = 0\n");
        assert!(err.contains("stack.epochs"), "{err}");
        let err = error("variant = \"k-sparse\"\n[stack]\nhidden = [10]\n");
        assert!(
            err.contains("regularize.k_sparse") && err.contains("layer 2"),
            "{err}"
        );
        let err = error("[model]\nencoder = \"relu\"\nloss = \"bce\"\n[stack]\nhidden = [10]\n");
        assert!(err.contains("model.loss") && err.contains("relu"), "{err}");
        let err = error("[stack]\nhidden = [10]\n[[compare]]\nvariant = \"sparse\"\n");
        assert!(
            err.contains("s.toml:1: stack") && err.contains("[[compare]]"),
            "{err}"
        );
        let err = error("[stack]\nhiden = [10]\n");
        assert!(err.contains("hiden") && err.contains("hidden"), "{err}");
    }
}
