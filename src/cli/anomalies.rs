//! `aelab anomalies PRESET [--data PATH]`: train the preset's models on its
//! normal samples, score unseen samples by reconstruction error, print each
//! model's ROC AUC (normal against abnormal) and draw the worst samples
//! beside their reconstructions. Last line `auc=…`, the base model's.
//!
//! What is scored: without `--data`, the held-out normal samples (the
//! validation split of `data.classes`) against every sample of the other
//! classes; with `--data PATH`, that file's samples — split by the preset's
//! classes when the file has labels, else all abnormal (another data set)
//! against the held-out normal samples.

mod drawing;

use super::{data::data_overrides, load_preset};
use crate::analysis::anomaly::{self, Flagged};
use crate::data::{Dataset, load_seeded, load_with_others};
use crate::export;
use crate::picture;
use crate::preset::Preset;
use crate::progress::Progress;
use crate::train::Trainer;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// What `aelab anomalies` was asked.
pub struct Options<'a> {
    pub preset: &'a str,
    /// A file or folder whose samples are scored instead of the held-out ones.
    pub data: Option<&'a str>,
    /// Epochs to train (default: the preset's).
    pub epochs: Option<usize>,
    /// How many of the worst samples to show.
    pub worst: usize,
    pub png: Option<&'a Path>,
    pub ascii: bool,
}

/// The share of normal samples a detector may flag, for the `caught` column.
const FALSE_ALARMS: f64 = 0.05;

/// What a group of scored samples is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Normal,
    Abnormal,
    /// Nothing tells: ranked only.
    Unknown,
}

struct Group {
    kind: Kind,
    data: Dataset,
    /// Where the samples come from, for the report.
    what: String,
}

pub fn run(o: Options, sets: &[String]) -> Result<()> {
    let preset = load_preset(o.preset, sets)?;
    let (normal, others) = load_with_others(&preset.data, preset.seed)
        .with_context(|| format!("{}: [data]", preset.origin))?;
    let (train, val) = normal.split(preset.data.validation, preset.seed);
    let (groups, note) = match o.data {
        None => held_out(&preset, val.clone(), others),
        Some(path) => from_file(&preset, (o.preset, sets), path, &val, &train)?,
    };
    let epochs = o.epochs.unwrap_or(preset.epochs);
    if epochs == 0 {
        bail!("--epochs 0: nothing to train (give at least 1)");
    }
    let classes = preset.data.classes.as_deref().map_or_else(
        || "every class".to_string(),
        |c| format!("classes {}", list(c)),
    );
    super::say!(
        "{}: {} — training on {} samples ({classes}), {epochs} epochs",
        preset.origin,
        preset.name,
        train.len()
    );
    for g in &groups {
        let kind = match g.kind {
            Kind::Normal => "normal",
            Kind::Abnormal => "abnormal",
            Kind::Unknown => "scored",
        };
        super::say!("{kind:<9} {:>6} {}", g.data.len(), g.what);
    }
    let shape = train.shape;
    let mut trainer = Trainer::new(preset, train, val)?;
    let mut progress = Progress::bar_only("training", epochs as u64);
    for e in 0..epochs {
        trainer.run_epoch()?;
        progress.set(e as u64 + 1);
    }
    progress.finish();

    let configs = trainer.configs();
    let scores: Vec<Vec<Vec<f64>>> = (0..configs.len())
        .map(|i| {
            let objective = configs[i].objective();
            let params = trainer.params(i);
            groups
                .iter()
                .map(|g| anomaly::errors(&objective, params, &g.data.x))
                .collect()
        })
        .collect();
    let labels: Vec<String> = configs.iter().map(|c| c.label.clone()).collect();
    let aucs = report(&labels, &groups, &scores);

    let worst: Vec<(String, Vec<Flagged>)> = (0..configs.len())
        .map(|i| {
            let objective = configs[i].objective();
            let flagged = flag(&groups, &scores[i], o.worst, |x| {
                objective.forward(trainer.params(i), x).x_hat
            });
            let name = match aucs[i] {
                Some(auc) => format!("{}: auc {auc:.3}", labels[i]),
                None => labels[i].clone(),
            };
            (name, flagged)
        })
        .collect();
    if let Some((_, flagged)) = worst.first().filter(|(_, f)| !f.is_empty()) {
        super::say!("\nthe {} worst by {}'s error:", flagged.len(), labels[0]);
        for line in drawing::lines(flagged, shape, o.ascii) {
            super::say!("{line}");
        }
    }
    if let Some(path) = o.png {
        let subtitle = format!(
            "{}: trained on {classes}; {}",
            trainer.preset().origin,
            note.as_deref()
                .unwrap_or("abnormal in red, normal in green")
        );
        let canvas = export::anomalies::draw("worst reconstructed", &subtitle, &worst, shape);
        picture::save_png(path, &canvas.into_image())?;
        super::say!("wrote {}", path.display());
    }
    match (note, aucs.first()) {
        (Some(note), _) => super::say!("ranking only, no AUC: {note}"),
        (None, Some(Some(auc))) => super::say!("auc={auc:.6}"),
        (None, _) => super::say!("auc=nan"),
    }
    Ok(())
}

/// Without `--data`: the held-out normal samples against the other classes;
/// with the note saying why there is no AUC when there is none.
fn held_out(
    preset: &Preset,
    val: Dataset,
    others: Option<Dataset>,
) -> (Vec<Group>, Option<String>) {
    let what = format!("held-out samples (the validation split) of {}", val.name);
    let Some(others) = others else {
        let note = format!(
            "{} sets no data.classes, so every sample is normal (set data.classes = [...] to score the other classes as abnormal)",
            preset.origin
        );
        let group = Group {
            kind: Kind::Unknown,
            data: val,
            what,
        };
        return (vec![group], Some(note));
    };
    let mut note = None;
    if val.is_empty() {
        note = Some("data.validation is 0: no held-out normal samples".to_string());
    } else if others.is_empty() {
        note = Some("data.classes holds every class: no abnormal samples".to_string());
    }
    let other_classes = others.labels.as_deref().map(distinct).unwrap_or_default();
    let groups = vec![
        Group {
            kind: Kind::Normal,
            data: val,
            what,
        },
        Group {
            kind: Kind::Abnormal,
            what: format!("samples of the other classes {}", list(&other_classes)),
            data: others,
        },
    ];
    (groups, note)
}

/// `--data PATH`: its samples, read with the preset's other `[data]` keys.
fn from_file(
    preset: &Preset,
    (name, sets): (&str, &[String]),
    path: &str,
    val: &Dataset,
    train: &Dataset,
) -> Result<(Vec<Group>, Option<String>)> {
    let file_sets = [sets, &data_overrides(path)?].concat();
    let mut spec = load_preset(name, &file_sets)?.data;
    spec.classes = None;
    let data = load_seeded(&spec, preset.seed).with_context(|| format!("--data {path}"))?;
    if data.inputs() != train.inputs() {
        bail!(
            "--data {path}: its samples have {} inputs ({}), but the models train on {} ({}, {}); give a file of the same size{}",
            data.inputs(),
            shape_text(data.shape),
            train.inputs(),
            shape_text(train.shape),
            train.name,
            if spec.source == crate::data::Source::Images {
                format!(
                    " (images are resized with --set data.size=[{}, {}])",
                    train.shape.0, train.shape.1
                )
            } else {
                String::new()
            }
        );
    }
    let name = format!("from {path}");
    match (&preset.data.classes, &data.labels) {
        (Some(classes), Some(_)) => {
            let (normal, abnormal) = data.by_class(|l| classes.contains(&l));
            let note = (normal.is_empty() || abnormal.is_empty())
                .then(|| format!("{path} holds only one side of classes {}", list(classes)));
            let groups = vec![
                Group {
                    kind: Kind::Normal,
                    what: format!("{name} of classes {}", list(classes)),
                    data: normal,
                },
                Group {
                    kind: Kind::Abnormal,
                    what: format!("{name} of the other classes"),
                    data: abnormal,
                },
            ];
            Ok((groups, note))
        }
        (None, Some(_)) => {
            let note = format!(
                "{path} has labels but {} sets no data.classes to tell normal ones from abnormal",
                preset.origin
            );
            let group = Group {
                kind: Kind::Unknown,
                data,
                what: name,
            };
            Ok((vec![group], Some(note)))
        }
        (_, None) => {
            let note = val.is_empty().then(|| {
                "data.validation is 0: no held-out normal samples to compare the file with"
                    .to_string()
            });
            let groups = vec![
                Group {
                    kind: Kind::Normal,
                    data: val.clone(),
                    what: format!("held-out samples (the validation split) of {}", val.name),
                },
                Group {
                    kind: Kind::Abnormal,
                    data,
                    what: format!("{name} (no labels: another data set, all abnormal)"),
                },
            ];
            Ok((groups, note))
        }
    }
}

/// Prints the table (and the AUC by abnormal class); returns each model's AUC.
fn report(labels: &[String], groups: &[Group], scores: &[Vec<Vec<f64>>]) -> Vec<Option<f64>> {
    let pick = |s: &[Vec<f64>], kind| -> Vec<f64> {
        groups
            .iter()
            .zip(s)
            .filter(|(g, _)| g.kind == kind)
            .flat_map(|(_, e)| e.iter().copied())
            .collect()
    };
    let ranked_only = groups.iter().all(|g| g.kind == Kind::Unknown);
    super::say!();
    if ranked_only {
        super::say!("{:<16} {:>10} {:>10}", "model", "mean_err", "max_err");
    } else {
        super::say!(
            "{:<16} {:>10} {:>12} {:>8} {:>10}",
            "model",
            "normal_err",
            "abnormal_err",
            "auc",
            "caught@5%"
        );
    }
    let mut aucs = Vec::new();
    for (label, s) in labels.iter().zip(scores) {
        if ranked_only {
            let all = pick(s, Kind::Unknown);
            let max = all.iter().copied().fold(f64::NAN, f64::max);
            super::say!("{label:<16} {:>10.5} {max:>10.5}", anomaly::mean(&all));
            aucs.push(None);
            continue;
        }
        let (normal, abnormal) = (pick(s, Kind::Normal), pick(s, Kind::Abnormal));
        let auc = anomaly::roc_auc(&normal, &abnormal);
        let caught = anomaly::caught_at(&normal, &abnormal, FALSE_ALARMS);
        let or_dash =
            |v: Option<f64>, w: usize| v.map_or(format!("{:>w$}", "-"), |v| format!("{v:>w$.4}"));
        super::say!(
            "{label:<16} {:>10.5} {:>12.5} {} {}",
            anomaly::mean(&normal),
            anomaly::mean(&abnormal),
            or_dash(auc, 8),
            or_dash(caught, 10)
        );
        aucs.push(auc);
    }
    if !ranked_only {
        super::say!(
            "(auc: the chance an abnormal sample's error exceeds a normal one's; caught@5%: the share of abnormal samples above the error only 5% of normal ones exceed)"
        );
        by_class(labels, groups, scores);
    }
    aucs
}

/// The AUC of each abnormal class against all normal samples, a line per
/// model: which classes the normal ones resemble.
fn by_class(labels: &[String], groups: &[Group], scores: &[Vec<Vec<f64>>]) {
    let Some((gi, abnormal)) = groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.kind == Kind::Abnormal)
    else {
        return;
    };
    let Some(class_of) = abnormal.data.labels.as_deref() else {
        return;
    };
    let classes = distinct(class_of);
    if classes.len() < 2 {
        return;
    }
    super::say!("\nauc by abnormal class:");
    for (label, s) in labels.iter().zip(scores) {
        let normal: Vec<f64> = groups
            .iter()
            .zip(s)
            .filter(|(g, _)| g.kind == Kind::Normal)
            .flat_map(|(_, e)| e.iter().copied())
            .collect();
        let parts: Vec<String> = classes
            .iter()
            .map(|&c| {
                let of_c: Vec<f64> = s[gi]
                    .iter()
                    .zip(class_of)
                    .filter(|&(_, &l)| l == c)
                    .map(|(&e, _)| e)
                    .collect();
                let auc = anomaly::roc_auc(&normal, &of_c).unwrap_or(f64::NAN);
                format!("{c}:{auc:.3}")
            })
            .collect();
        super::say!("{label:<16} {}", parts.join("  "));
    }
}

/// The `count` worst samples over all groups by one model's `errors`, with
/// their reconstructions by `reconstruct`.
fn flag(
    groups: &[Group],
    errors: &[Vec<f64>],
    count: usize,
    reconstruct: impl Fn(&ndarray::Array2<f32>) -> ndarray::Array2<f32>,
) -> Vec<Flagged> {
    let pooled: Vec<(usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| (0..group.data.len()).map(move |i| (g, i)))
        .collect();
    let flat: Vec<f64> = pooled.iter().map(|&(g, i)| errors[g][i]).collect();
    anomaly::ranking(&flat)
        .into_iter()
        .take(count)
        .map(|k| {
            let (g, i) = pooled[k];
            let group = &groups[g];
            let x = group.data.rows(&[i]);
            let recon = reconstruct(&x);
            Flagged {
                error: flat[k],
                label: group.data.labels.as_ref().map(|l| l[i]),
                abnormal: match group.kind {
                    Kind::Normal => Some(false),
                    Kind::Abnormal => Some(true),
                    Kind::Unknown => None,
                },
                input: x.iter().copied().collect(),
                recon: recon.iter().copied().collect(),
            }
        })
        .collect()
}

/// "0 1 2".
fn list(classes: &[u8]) -> String {
    classes
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The classes present, ascending.
fn distinct(labels: &[u8]) -> Vec<u8> {
    let mut seen = [false; 256];
    for &l in labels {
        seen[l as usize] = true;
    }
    (0..=255u8).filter(|&l| seen[l as usize]).collect()
}

fn shape_text((rows, cols): (usize, usize)) -> String {
    if rows > 1 {
        format!("{rows}x{cols}")
    } else {
        "a row".into()
    }
}
