//! The encoder Jacobian J = ∂h/∂x = diag(g'(z)) W1 (hidden × inputs) at each
//! sample, measured along and across a known data direction: the
//! contractive autoencoder's point is that it stays sensitive along the
//! manifold and becomes insensitive across it.

use crate::model::{Objective, Params};
use faer::Mat;
use ndarray::{Array2, ArrayView1, Axis};

/// Mean over samples of the encoder's sensitivity along and across the data.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct AlongAcross {
    /// ‖J t‖ for the unit tangent t: the singular value along the curve.
    pub along: f64,
    /// The largest singular value of J restricted to the directions orthogonal to t.
    pub across: f64,
}

/// J at one sample: row j is g'(z_j) W1[j].
fn jacobian_at(objective: &Objective, w1: &Array2<f64>, z: ArrayView1<f32>) -> Array2<f64> {
    let mut j = w1.clone();
    for (mut row, &zj) in j.axis_iter_mut(Axis(0)).zip(z.iter()) {
        row *= objective.encoder.d1(f64::from(zj));
    }
    j
}

/// The largest singular value of `a` (faer's SVD).
fn largest_singular_value(a: &Array2<f64>) -> f64 {
    let m = Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]]);
    m.singular_values()
        .ok()
        .and_then(|s| s.first().copied())
        .unwrap_or(f64::NAN)
}

/// Along and across the unit `tangents` (one row per sample of `x`), averaged over the samples.
pub fn along_across(
    objective: &Objective,
    params: &Params<f32>,
    x: &Array2<f32>,
    tangents: &Array2<f32>,
) -> AlongAcross {
    let w1 = params.views().w1.mapv(f64::from);
    let cache = objective.forward(params, x);
    let n = x.ncols();
    let (mut along, mut across) = (0.0, 0.0);
    for (i, (z, t)) in cache
        .z1
        .axis_iter(Axis(0))
        .zip(tangents.axis_iter(Axis(0)))
        .enumerate()
    {
        let mut j = jacobian_at(objective, &w1, z);
        // Units the k-sparse mask zeroes do not respond to the input.
        if let Some(mask) = &cache.mask {
            for (mut row, &keep) in j.axis_iter_mut(Axis(0)).zip(mask.row(i)) {
                row *= f64::from(keep);
            }
        }
        let t = t.mapv(f64::from);
        along += j.dot(&t).iter().map(|v| v * v).sum::<f64>().sqrt();
        // J (I − t tᵀ): the Jacobian with the tangent direction projected out.
        let projector =
            Array2::from_shape_fn((n, n), |(a, b)| f64::from(u8::from(a == b)) - t[a] * t[b]);
        across += largest_singular_value(&j.dot(&projector));
    }
    let m = x.nrows().max(1) as f64;
    AlongAcross {
        along: along / m,
        across: across / m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arch;

    /// A linear encoder that reads only input 0: all its sensitivity lies
    /// along e0 and none across it.
    #[test]
    fn an_encoder_reading_one_input_is_sensitive_only_along_it() {
        let objective = Objective::linear();
        let arch = Arch::ae(3, 2, false);
        let mut params = Params::<f32> {
            arch,
            theta: vec![0.0; arch.len()],
        };
        params.views_mut().w1[[0, 0]] = 2.0;
        let x = Array2::zeros((4, 3));
        let tangents = Array2::from_shape_fn((4, 3), |(_, j)| f32::from(u8::from(j == 0)));
        let r = along_across(&objective, &params, &x, &tangents);
        assert!(
            (r.along - 2.0).abs() < 1e-9 && r.across.abs() < 1e-9,
            "{r:?}"
        );
    }
}
