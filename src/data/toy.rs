//! A toy manifold: points along a closed curve in a few dimensions, embedded
//! by a fixed random orthogonal map into `dim` dimensions, plus Gaussian
//! noise. A contractive autoencoder should become sensitive along the curve
//! (the tangents) and insensitive across it.

use super::Dataset;
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use std::f64::consts::TAU;

/// The embedding is the same for every preset seed: one manifold, many samples.
const EMBEDDING_SEED: u64 = 0x70_79;
/// Labels: which of this many equal arcs of the curve a point lies on.
const ARCS: usize = 10;

/// c(t) = (cos t, sin t, ½ cos 2t, ½ sin 3t), truncated to `k` ≤ 4
/// coordinates, and its derivative: a closed curve that does not cross itself.
fn curve(t: f64, k: usize) -> (Vec<f64>, Vec<f64>) {
    let c = [
        t.cos(),
        t.sin(),
        0.5 * (2.0 * t).cos(),
        0.5 * (3.0 * t).sin(),
    ];
    let d = [-t.sin(), t.cos(), -(2.0 * t).sin(), 1.5 * (3.0 * t).cos()];
    (c[..k].to_vec(), d[..k].to_vec())
}

/// `dim` × `k` with orthonormal columns (Gram–Schmidt on Gaussian columns).
fn orthonormal(dim: usize, k: usize, rng: &mut StdRng) -> Array2<f64> {
    let mut q = Array2::<f64>::zeros((dim, k));
    for j in 0..k {
        let mut v: Array1<f64> = (0..dim).map(|_| rng.sample(StandardNormal)).collect();
        for i in 0..j {
            let qi = q.column(i).to_owned();
            v -= &(&qi * qi.dot(&v));
        }
        let norm = v.dot(&v).sqrt();
        q.column_mut(j).assign(&(v / norm));
    }
    q
}

/// `samples` points, one affine map (the same for every coordinate, so
/// directions are kept) bringing all values into [0, 1]; labels are arcs.
pub fn curve_data(samples: usize, dim: usize, noise: f64, seed: u64) -> Dataset {
    let k = dim.min(4);
    let q = orthonormal(dim, k, &mut StdRng::seed_from_u64(EMBEDDING_SEED));
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Array2::<f64>::zeros((samples, dim));
    let mut tangents = Array2::<f64>::zeros((samples, dim));
    let mut labels = Vec::with_capacity(samples);
    for i in 0..samples {
        let t = rng.random_range(0.0..TAU);
        let (c, d) = curve(t, k);
        let point = q.dot(&Array1::from(c));
        let along = q.dot(&Array1::from(d));
        for j in 0..dim {
            let n: f64 = rng.sample(StandardNormal);
            x[[i, j]] = point[j] + noise * n;
        }
        let norm = along.dot(&along).sqrt().max(f64::MIN_POSITIVE);
        tangents.row_mut(i).assign(&(along / norm));
        labels.push(((t / TAU * ARCS as f64) as usize).min(ARCS - 1) as u8);
    }
    let lo = x.fold(f64::INFINITY, |a, &b| a.min(b));
    let hi = x.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let x = x.mapv(|v| ((v - lo) / span) as f32);
    let name = format!("toy curve: {samples} points in {dim}-D, noise {noise}");
    let mut data = Dataset::new(name, x, (1, dim), Some(labels));
    data.tangents = Some(tangents.mapv(|v| v as f32));
    data
}
