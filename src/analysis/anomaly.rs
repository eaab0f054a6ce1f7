//! Anomaly detection by reconstruction error: an autoencoder trained on
//! normal samples reconstructs them better than samples unlike them, so each
//! sample's error is its anomaly score. How well the score separates the two
//! is the ROC AUC: the chance that an abnormal sample scores above a normal
//! one, ties counting half (the Mann–Whitney U statistic over n_a · n_n).

use crate::model::{Objective, Params};
use ndarray::{Array2, Axis};

/// One sample of a ranking, with what it takes to show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Flagged {
    pub error: f64,
    /// Its class, when the data has labels.
    pub label: Option<u8>,
    /// Whether it is abnormal; `None` when nothing says (a ranking only).
    pub abnormal: Option<bool>,
    /// The sample and the model's reconstruction of it (clean input).
    pub input: Vec<f32>,
    pub recon: Vec<f32>,
}

/// Each sample's reconstruction error by this model (`per_sample_errors`).
/// The input is clean: a denoising model is scored on what it is given in use.
pub fn errors(objective: &Objective, params: &Params<f32>, x: &Array2<f32>) -> Vec<f64> {
    per_sample_errors(x, &objective.forward(params, x).x_hat)
}

/// The mean over each sample's inputs of (x̂ − x)²: the per-pixel squared
/// error the trainer's val_recon also uses, whatever the training loss.
pub fn per_sample_errors(x: &Array2<f32>, x_hat: &Array2<f32>) -> Vec<f64> {
    let n = x.ncols().max(1) as f64;
    x.axis_iter(Axis(0))
        .zip(x_hat.axis_iter(Axis(0)))
        .map(|(x, x_hat)| {
            let sum: f64 = x
                .iter()
                .zip(x_hat)
                .map(|(&a, &b)| f64::from(b - a).powi(2))
                .sum();
            sum / n
        })
        .collect()
}

/// The ROC AUC of `abnormal` against `normal` scores (higher = more
/// abnormal), exact: from the mid-ranks of the pooled scores, so a tie
/// between a normal and an abnormal sample counts half. `None` when either
/// side is empty or a score is NaN (a diverged model).
pub fn roc_auc(normal: &[f64], abnormal: &[f64]) -> Option<f64> {
    if normal.is_empty() || abnormal.is_empty() {
        return None;
    }
    if normal.iter().chain(abnormal).any(|v| v.is_nan()) {
        return None;
    }
    let mut pooled: Vec<(f64, bool)> = normal
        .iter()
        .map(|&v| (v, false))
        .chain(abnormal.iter().map(|&v| (v, true)))
        .collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the abnormal samples' ranks (1-based), each tie group at its mid-rank.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < pooled.len() {
        let end = start
            + pooled[start..]
                .iter()
                .take_while(|p| p.0 == pooled[start].0)
                .count();
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        let abnormal_here = pooled[start..end].iter().filter(|p| p.1).count();
        rank_sum += mid_rank * abnormal_here as f64;
        start = end;
    }
    let (na, nn) = (abnormal.len() as f64, normal.len() as f64);
    Some((rank_sum - na * (na + 1.0) / 2.0) / (na * nn))
}

/// The share of abnormal samples caught when the threshold lets at most
/// `false_alarms` (a fraction) of the normal samples through as alarms: the
/// threshold is the error that only that share of normal samples exceeds,
/// and a sample is flagged when its error is above it. `None` as `roc_auc`.
pub fn caught_at(normal: &[f64], abnormal: &[f64], false_alarms: f64) -> Option<f64> {
    roc_auc(normal, abnormal)?;
    let mut sorted = normal.to_vec();
    sorted.sort_by(f64::total_cmp);
    let allowed = ((false_alarms.clamp(0.0, 1.0) * sorted.len() as f64).floor() as usize)
        .min(sorted.len() - 1);
    let threshold = sorted[sorted.len() - 1 - allowed];
    let caught = abnormal.iter().filter(|&&e| e > threshold).count();
    Some(caught as f64 / abnormal.len() as f64)
}

/// Indices of `errors`, worst (largest) first; equal errors keep their order.
pub fn ranking(errors: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..errors.len()).collect();
    order.sort_by(|&a, &b| errors[b].total_cmp(&errors[a]));
    order
}

/// The mean, NaN for no values.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auc(normal: &[f64], abnormal: &[f64]) -> f64 {
        roc_auc(normal, abnormal).unwrap()
    }

    #[test]
    fn separated_scores_give_one_and_reversed_give_zero() {
        assert_eq!(auc(&[0.1, 0.2, 0.3], &[0.5, 0.9]), 1.0);
        assert_eq!(auc(&[0.5, 0.9], &[0.1, 0.2, 0.3]), 0.0);
    }

    #[test]
    fn ties_count_half() {
        assert_eq!(auc(&[0.4; 3], &[0.4; 5]), 0.5);
        // Pairs (abnormal vs normal) over normal [1, 2, 3]: 2 → 1 + ½,
        // 3 → 2 + ½, 4 → 3; 7 of 9.
        assert_eq!(auc(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]), 7.0 / 9.0);
    }

    /// scikit-learn's documented example: roc_auc_score([0, 0, 1, 1],
    /// [0.1, 0.4, 0.35, 0.8]) = 0.75.
    #[test]
    fn a_known_example() {
        assert_eq!(auc(&[0.1, 0.4], &[0.35, 0.8]), 0.75);
    }

    /// The mid-rank formula against the definition, counted pair by pair,
    /// on scores with many ties.
    #[test]
    fn matches_pairwise_counting() {
        let normal: Vec<f64> = (0..40).map(|i| ((i * 7) % 11) as f64).collect();
        let abnormal: Vec<f64> = (0..25).map(|i| ((i * 5) % 13) as f64 + 1.0).collect();
        let mut wins = 0.0;
        for a in &abnormal {
            for n in &normal {
                wins += if a > n {
                    1.0
                } else if a == n {
                    0.5
                } else {
                    0.0
                };
            }
        }
        let expected = wins / (normal.len() * abnormal.len()) as f64;
        assert!((auc(&normal, &abnormal) - expected).abs() < 1e-12);
    }

    #[test]
    fn empty_sides_and_nan_have_no_auc() {
        assert_eq!(roc_auc(&[], &[1.0]), None);
        assert_eq!(roc_auc(&[1.0], &[]), None);
        assert_eq!(roc_auc(&[1.0, f64::NAN], &[2.0]), None);
        assert_eq!(caught_at(&[], &[1.0], 0.05), None);
    }

    #[test]
    fn caught_at_uses_the_normal_quantile() {
        let normal: Vec<f64> = (1..=100).map(f64::from).collect();
        // 5 % of 100 normal samples (96..=100) may exceed the threshold 95.
        let abnormal = [90.0, 95.0, 95.5, 200.0];
        assert_eq!(caught_at(&normal, &abnormal, 0.05), Some(0.5));
        assert_eq!(caught_at(&normal, &abnormal, 0.0), Some(0.25));
    }

    #[test]
    fn ranking_is_worst_first_and_stable() {
        assert_eq!(ranking(&[0.2, 0.9, 0.2, 0.5]), vec![1, 3, 0, 2]);
    }

    #[test]
    fn errors_are_per_pixel_squared_errors() {
        let x = ndarray::array![[0.5, 0.0], [0.2, 0.4]];
        let x_hat = ndarray::array![[0.5, 0.0], [0.2, 0.0]];
        let e = per_sample_errors(&x, &x_hat);
        assert!(e[0] == 0.0 && (e[1] - 0.08).abs() < 1e-7, "{e:?}");
    }
}
