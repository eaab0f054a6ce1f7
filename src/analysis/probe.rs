//! The lecture's "AE approach" to classification: a softmax-regression
//! classifier on the hidden codes, against one on the raw pixels.

use crate::data::Dataset;
use crate::model::linalg::{Op, affine, matmul};
use crate::model::{Objective, Params};
use crate::optim::Lbfgs;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// L-BFGS iterations for each classifier.
pub const ITERATIONS: usize = 200;

/// Validation accuracies of classifiers on the raw inputs and on each model's codes.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeReport {
    pub raw: f64,
    /// (model label, accuracy on its codes).
    pub codes: Vec<(String, f64)>,
}

/// One autoencoder whose codes are probed.
pub struct Encoder<'a> {
    pub label: String,
    pub objective: Objective,
    pub params: &'a Params<f32>,
}

/// Trains a softmax classifier on the raw training inputs and one on each
/// encoder's codes, and measures them on the validation split. `progress`
/// hears (classifier index, iteration). `None` when the data has no labels.
pub fn probe(
    encoders: &[Encoder],
    train: &Dataset,
    val: &Dataset,
    progress: impl FnMut(usize, usize),
) -> Option<ProbeReport> {
    let labels = encoders.iter().map(|e| e.label.clone()).collect();
    let codes = |i: usize, x: &Array2<f32>| {
        let e = &encoders[i];
        e.objective.forward(e.params, x).h.mapv(f64::from)
    };
    probe_features(labels, codes, train, val, progress)
}

/// [`probe`] on any features: `features(i, x)` are feature set i's
/// (`labels[i]`) of the inputs x, computed when its classifier trains.
pub fn probe_features(
    labels: Vec<String>,
    features: impl Fn(usize, &Array2<f32>) -> Array2<f64>,
    train: &Dataset,
    val: &Dataset,
    mut progress: impl FnMut(usize, usize),
) -> Option<ProbeReport> {
    let (y_train, y_val) = (train.labels.as_ref()?, val.labels.as_ref()?);
    let classes = y_train
        .iter()
        .chain(y_val)
        .copied()
        .max()
        .map_or(1, |c| c as usize + 1);
    let mut fit = |i: usize, x: Array2<f64>, x_val: Array2<f64>| {
        let mut softmax = Softmax::new(classes, x.ncols());
        softmax.fit(&x, y_train, ITERATIONS, |it| progress(i, it));
        softmax.accuracy(&x_val, y_val)
    };
    let raw = fit(0, train.x.mapv(f64::from), val.x.mapv(f64::from));
    let codes = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let accuracy = fit(i + 1, features(i, &train.x), features(i, &val.x));
            (label, accuracy)
        })
        .collect();
    Some(ProbeReport { raw, codes })
}

/// Weight decay of the classifier (UFLDL's softmax exercise uses 1e-4).
pub const LAMBDA: f64 = 1e-4;

/// A softmax-regression classifier: p(y = c | x) ∝ exp(W[c]·x + b[c]).
#[derive(Clone, Debug)]
pub struct Softmax {
    pub classes: usize,
    pub inputs: usize,
    /// [W (classes × inputs), b (classes)], flat.
    pub theta: Vec<f64>,
}

impl Softmax {
    pub fn new(classes: usize, inputs: usize) -> Self {
        Softmax {
            classes,
            inputs,
            theta: vec![0.0; classes * inputs + classes],
        }
    }

    fn split(&self, theta: &[f64]) -> (Array2<f64>, Array1<f64>) {
        let (w, b) = theta.split_at(self.classes * self.inputs);
        let w = ArrayView2::from_shape((self.classes, self.inputs), w)
            .expect("θ layout")
            .to_owned();
        (w, ArrayView1::from(b).to_owned())
    }

    /// Class probabilities, m × classes.
    fn probabilities(&self, theta: &[f64], x: &Array2<f64>) -> Array2<f64> {
        let (w, b) = self.split(theta);
        let mut z = affine(x.view(), Op::N, w.view(), Op::T, b.view());
        for mut row in z.axis_iter_mut(Axis(0)) {
            // Subtract the row's max so exp cannot overflow.
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            row.mapv_inplace(|v| (v - max).exp());
            let sum = row.sum();
            row /= sum;
        }
        z
    }

    /// Mean cross-entropy plus (λ/2)‖W‖², and its gradient into `grad`.
    pub fn cost(&self, theta: &[f64], x: &Array2<f64>, y: &[u8], grad: &mut [f64]) -> f64 {
        let m = x.nrows().max(1) as f64;
        let mut p = self.probabilities(theta, x);
        let mut loss = 0.0;
        for (mut row, &label) in p.axis_iter_mut(Axis(0)).zip(y) {
            loss -= row[label as usize].max(1e-300).ln();
            row[label as usize] -= 1.0; // now P − Y
        }
        p /= m;
        let (w, _) = self.split(theta);
        let mut dw = matmul(p.view(), Op::T, x.view(), Op::N);
        dw.scaled_add(LAMBDA, &w);
        let db = p.sum_axis(Axis(0));
        let (gw, gb) = grad.split_at_mut(self.classes * self.inputs);
        gw.copy_from_slice(dw.as_slice().expect("standard layout"));
        gb.copy_from_slice(db.as_slice().expect("standard layout"));
        loss / m + 0.5 * LAMBDA * w.iter().map(|v| v * v).sum::<f64>()
    }

    /// Trains by full-batch L-BFGS; `on_iteration` is told each iteration (for progress).
    pub fn fit(
        &mut self,
        x: &Array2<f64>,
        y: &[u8],
        iterations: usize,
        mut on_iteration: impl FnMut(usize),
    ) {
        let mut lbfgs = Lbfgs::<f64>::new(10);
        let this = self.clone();
        let mut cost = |theta: &[f64], grad: &mut [f64]| this.cost(theta, x, y, grad);
        for i in 0..iterations {
            on_iteration(i);
            if lbfgs.step(&mut self.theta, &mut cost).converged {
                break;
            }
        }
    }

    /// Fraction of samples whose most probable class is their label.
    pub fn accuracy(&self, x: &Array2<f64>, y: &[u8]) -> f64 {
        let p = self.probabilities(&self.theta, x);
        let correct = p
            .axis_iter(Axis(0))
            .zip(y)
            .filter(|(row, label)| {
                let best = row
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(i, _)| i);
                best == Some(**label as usize)
            })
            .count();
        correct as f64 / y.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::gradcheck::{numerical_gradient, relative_error};
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn softmax_gradient_matches_central_differences() {
        let mut rng = StdRng::seed_from_u64(2);
        let x = Array2::from_shape_fn((9, 4), |_| rng.random_range(-1.0..1.0));
        let y: Vec<u8> = (0..9).map(|i| (i % 3) as u8).collect();
        let s = Softmax::new(3, 4);
        let theta: Vec<f64> = (0..s.theta.len())
            .map(|_| rng.random_range(-0.5..0.5))
            .collect();
        let mut grad = vec![0.0; theta.len()];
        s.cost(&theta, &x, &y, &mut grad);
        let mut scratch = vec![0.0; theta.len()];
        let numeric = numerical_gradient(
            |t| s.cost(t, &x, &y, &mut scratch),
            &theta,
            &(0..theta.len()).collect::<Vec<_>>(),
        );
        assert!(relative_error(&grad, &numeric) < 1e-8);
    }

    /// Two well-separated blobs are classified perfectly.
    #[test]
    fn softmax_separates_separable_classes() {
        let x = Array2::from_shape_fn(
            (40, 2),
            |(i, j)| if (i % 2 == 0) == (j == 0) { 2.0 } else { -2.0 },
        );
        let y: Vec<u8> = (0..40).map(|i| (i % 2) as u8).collect();
        let mut s = Softmax::new(2, 2);
        s.fit(&x, &y, 50, |_| {});
        assert_eq!(s.accuracy(&x, &y), 1.0);
    }
}
