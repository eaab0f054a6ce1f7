//! What is done to the samples after loading (`data.preprocess`). Whitening
//! is fitted on all loaded samples (before the train/validation split), as in
//! the UFLDL exercises.

use super::Dataset;
use super::error::DataError;
use faer::{Mat, Side};
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preprocess {
    /// `none`: the values as loaded.
    #[serde(rename = "none")]
    Raw,
    /// Values outside [0, 1] are mapped there by one affine map (min → 0,
    /// max → 1); data already in [0, 1] is left alone.
    Unit,
    /// Each sample's mean removed (the "brightness" of a patch).
    Mean,
    /// Rotated onto the principal axes and each divided by √(λ + ε).
    PcaWhiten,
    /// PCA whitening rotated back: the whitened data closest to the original.
    ZcaWhiten,
    /// CS294A's rescaling for sigmoid decoders: each sample's mean removed,
    /// clipped at ±3 standard deviations (of all values), mapped to [0.1, 0.9].
    Cs294a,
}

/// Apply `how` to the samples; the toy curve's tangents follow every linear
/// part of the map (and are normalised again), so they stay tangents.
pub fn apply(data: &mut Dataset, how: Preprocess, epsilon: f64) -> Result<(), DataError> {
    let n = data.inputs();
    let map = match how {
        Preprocess::Raw => None,
        Preprocess::Unit => {
            unit(&mut data.x);
            None
        }
        // The n × n centring map only matters for tangents (toy data): a
        // folder of large images would not fit it in memory.
        Preprocess::Mean => {
            remove_sample_means(&mut data.x);
            data.tangents.is_some().then(|| centring(n))
        }
        Preprocess::Cs294a => {
            cs294a(&mut data.x);
            data.tangents.is_some().then(|| centring(n))
        }
        Preprocess::PcaWhiten | Preprocess::ZcaWhiten => {
            let m = whitening(&data.x, epsilon, how == Preprocess::ZcaWhiten)?;
            let mean = data.x.mean_axis(Axis(0)).expect("at least one sample");
            data.x -= &mean;
            data.x = data.x.dot(&m);
            Some(m)
        }
    };
    if let (Some(m), Some(t)) = (map, data.tangents.as_mut()) {
        *t = t.dot(&m);
        for mut row in t.rows_mut() {
            let norm = row.dot(&row).sqrt();
            if norm > 0.0 {
                row /= norm;
            }
        }
    }
    Ok(())
}

fn unit(x: &mut Array2<f32>) {
    let min = x.fold(f32::INFINITY, |a, &b| a.min(b));
    let max = x.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    if (min < 0.0 || max > 1.0) && max > min {
        x.mapv_inplace(|v| (v - min) / (max - min));
    }
}

fn remove_sample_means(x: &mut Array2<f32>) {
    for mut row in x.rows_mut() {
        let mean = row.mean().unwrap_or(0.0);
        row -= mean;
    }
}

/// I − 11ᵀ/n: the linear map that removes a sample's mean (x ↦ x·C).
fn centring(n: usize) -> Array2<f32> {
    Array2::from_shape_fn((n, n), |(i, j)| {
        f32::from(u8::from(i == j)) - 1.0 / n as f32
    })
}

fn cs294a(x: &mut Array2<f32>) {
    remove_sample_means(x);
    let count = x.len().max(1) as f64;
    let var = x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / count;
    let limit = 3.0 * var.sqrt() as f32;
    if limit > 0.0 {
        x.mapv_inplace(|v| (v.clamp(-limit, limit) / limit + 1.0) * 0.4 + 0.1);
    } else {
        x.fill(0.5);
    }
}

/// The n × n matrix M with (x − μ)·M whitened: M = U D (PCA) or U D Uᵀ (ZCA),
/// D = diag(1/√(λ + ε')), (U, λ) the eigenpairs of the covariance. ε' is
/// Whitening builds and decomposes an n × n covariance: beyond this many
/// inputs that takes more memory and time than a lab should.
const MAX_WHITENED_INPUTS: usize = 4096;

/// `epsilon` times the mean variance of an input, so the same ε suits pixels
/// in [0, 1] or in [0, 255]; 1e-5 (the default) barely regularises, so
/// whitened data has a covariance close to the identity.
fn whitening(x: &Array2<f32>, epsilon: f64, zca: bool) -> Result<Array2<f32>, DataError> {
    let (m, n) = x.dim();
    if n > MAX_WHITENED_INPUTS {
        return Err(DataError::BadSpec {
            key: "preprocess",
            what: format!(
                "whitening {n} inputs needs an {n}x{n} covariance; at most {MAX_WHITENED_INPUTS} inputs (use patches, or a smaller data.size)"
            ),
        });
    }
    let mut c = x.mapv(f64::from);
    let mean = c.mean_axis(Axis(0)).expect("at least one sample");
    c -= &mean;
    let cov = c.t().dot(&c) / m as f64;
    let mean_var = cov.diag().sum() / n as f64;
    // Constant data is all zero once centred; any finite scale will do.
    let eps = if mean_var > 0.0 {
        epsilon * mean_var
    } else {
        1.0
    };
    let evd = Mat::from_fn(n, n, |i, j| cov[[i, j]])
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| DataError::BadSpec {
            key: "preprocess",
            what: format!("the eigen-decomposition for whitening failed: {e:?}"),
        })?;
    let (u, s) = (evd.U(), evd.S().column_vector());
    let scale: Vec<f64> = (0..n).map(|k| 1.0 / (s[k].max(0.0) + eps).sqrt()).collect();
    // faer sorts λ increasing; the first PCA-whitened input is the largest component.
    let col = |k: usize| n - 1 - k;
    let ud = Array2::from_shape_fn((n, n), |(i, k)| u[(i, col(k))] * scale[col(k)]);
    let out = if zca {
        let ut = Array2::from_shape_fn((n, n), |(k, j)| u[(j, col(k))]);
        ud.dot(&ut)
    } else {
        ud
    };
    Ok(out.mapv(|v| v as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: Array2<f32>) -> Dataset {
        let n = x.ncols();
        Dataset::new("t", x, (1, n), None)
    }

    #[test]
    fn unit_leaves_data_in_range_alone_and_maps_the_rest_affinely() {
        let x = Array2::from_shape_vec((2, 2), vec![0.0, 0.25, 0.5, 1.0]).unwrap();
        let mut d = data(x.clone());
        apply(&mut d, Preprocess::Unit, 1e-5).unwrap();
        assert_eq!(d.x, x);
        let mut d = data(Array2::from_shape_vec((1, 3), vec![-1.0, 0.0, 3.0]).unwrap());
        apply(&mut d, Preprocess::Unit, 1e-5).unwrap();
        assert_eq!(d.x.row(0).to_vec(), vec![0.0, 0.25, 1.0]);
    }

    #[test]
    fn cs294a_of_constant_patches_is_mid_grey_not_nan() {
        let mut d = data(Array2::from_elem((3, 4), 0.7));
        apply(&mut d, Preprocess::Cs294a, 1e-5).unwrap();
        assert!(d.x.iter().all(|&v| v == 0.5));
    }

    #[test]
    fn whitening_constant_data_gives_zeros_not_nan() {
        for how in [Preprocess::PcaWhiten, Preprocess::ZcaWhiten] {
            let mut d = data(Array2::from_elem((1, 3), 0.2));
            apply(&mut d, how, 1e-5).unwrap();
            assert!(d.x.iter().all(|&v| v == 0.0), "{how:?}: {:?}", d.x);
        }
    }

    #[test]
    fn tangents_follow_mean_removal_and_stay_unit() {
        let mut d = data(Array2::from_shape_vec((1, 2), vec![0.2, 0.4]).unwrap());
        d.tangents = Some(Array2::from_shape_vec((1, 2), vec![1.0, 0.0]).unwrap());
        apply(&mut d, Preprocess::Mean, 1e-5).unwrap();
        let t = d.tangents.unwrap();
        let s = 0.5f32.sqrt();
        assert!(
            (t[[0, 0]] - s).abs() < 1e-6 && (t[[0, 1]] + s).abs() < 1e-6,
            "{t:?}"
        );
    }
}
