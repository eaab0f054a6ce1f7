//! The lecture's result that a linear autoencoder recovers PCA: the top-k
//! principal subspace by SVD (faer), the rank-k reconstruction error, and
//! the principal angles between two subspaces.

use crate::model::{Arch, Objective, Params, ParamsRef, Workspace};
use crate::optim::Lbfgs;
use faer::Mat;
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The top principal directions of centred data.
pub struct Pca {
    /// inputs × k, orthonormal columns, by decreasing singular value.
    pub components: Array2<f64>,
    /// Every singular value of the data, decreasing.
    pub singular_values: Vec<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum PcaError {
    #[error("the SVD did not converge")]
    Svd,
    #[error("k = {k} components asked of data with {inputs} inputs and {samples} samples")]
    TooMany {
        k: usize,
        inputs: usize,
        samples: usize,
    },
}

fn to_faer(a: &Array2<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

/// A = U diag(S) Vᵀ.
type Svd = (Array2<f64>, Vec<f64>, Array2<f64>);

/// The thin SVD of `a`: (U, S, V).
fn thin_svd(a: &Array2<f64>) -> Result<Svd, PcaError> {
    let svd = to_faer(a).thin_svd().map_err(|_| PcaError::Svd)?;
    let (u, s, v) = (svd.U(), svd.S().column_vector(), svd.V());
    let u = Array2::from_shape_fn((u.nrows(), u.ncols()), |(i, j)| u[(i, j)]);
    let v = Array2::from_shape_fn((v.nrows(), v.ncols()), |(i, j)| v[(i, j)]);
    Ok((u, (0..s.nrows()).map(|i| s[i]).collect(), v))
}

/// PCA of normalised data X (m × inputs, centred): X = U S Vᵀ, the
/// components are the first k columns of V.
pub fn pca(x: &Array2<f64>, k: usize) -> Result<Pca, PcaError> {
    let (m, n) = x.dim();
    if k == 0 || k > n.min(m) {
        return Err(PcaError::TooMany {
            k,
            inputs: n,
            samples: m,
        });
    }
    let (_, s, v) = thin_svd(x)?;
    Ok(Pca {
        components: v.slice(ndarray::s![.., ..k]).to_owned(),
        singular_values: s,
    })
}

/// PCA of a training set, kept to hold a linear autoencoder of `k` codes
/// against while it trains (the lab's pca-digits).
pub struct PcaReference {
    pub k: usize,
    /// inputs × k.
    pub components: Array2<f64>,
    /// (1/m) Σ_i ‖x_i − x̂_i‖² of the best rank-k reconstruction (centred data).
    pub error: f64,
}

/// How close a linear autoencoder is to PCA, now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PcaComparison {
    pub k: usize,
    /// (1/m) Σ_i ‖x_i − x̂_i‖² of the autoencoder on the same data: twice
    /// its reconstruction term ½‖x̂ − x‖² averaged over the samples.
    pub ae_error: f64,
    pub pca_error: f64,
    /// The smallest cosine of the principal angles between the decoder's
    /// span and the top-k principal subspace (1 = the same subspace).
    pub min_cos: f64,
}

impl PcaReference {
    /// PCA of `x` (m × inputs, one sample a row; centred here).
    pub fn of(x: &Array2<f32>, k: usize) -> Option<PcaReference> {
        let m = x.nrows();
        let mut z = x.mapv(f64::from);
        z -= &z.mean_axis(ndarray::Axis(0))?;
        let z = z / (m as f64).sqrt();
        let p = pca(&z, k).ok()?;
        let error = projection_error(&z, &p.components);
        Some(PcaReference {
            k,
            components: p.components,
            error,
        })
    }

    /// The autoencoder whose mean squared reconstruction error per sample
    /// is `ae_error` and whose decoder is `decoder` (inputs × k), against PCA.
    pub fn compare(&self, ae_error: f64, decoder: &Array2<f64>) -> Option<PcaComparison> {
        let cosines = principal_cosines(decoder, &self.components).ok()?;
        Some(PcaComparison {
            k: self.k,
            ae_error,
            pca_error: self.error,
            min_cos: cosines.iter().copied().fold(f64::INFINITY, f64::min),
        })
    }
}

/// Each row of `h` (k × units, e.g. codes) projected on its first two
/// principal components, centred; empty when there are fewer than 2 units or rows.
///
/// The projections are U₂S₂ of the centred codes' SVD, found from the
/// smaller of their two Gram matrices (units² or rows²) by a symmetric
/// eigendecomposition: the lab redraws this plane every second or two, and
/// the demo's 500 × 196 codes took 21 ms by the full SVD. An axis's sign is
/// arbitrary, so each is turned to agree with `previous`, the last plane of
/// the same samples (positive dot product), and the picture does not flip
/// between redraws; without one (another length), so that the sample
/// farthest along it lies on its positive side.
pub fn principal_plane(h: &Array2<f32>, previous: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let x: Array2<f64> = h.mapv(f64::from);
    let (rows, units) = x.dim();
    let Some(mean) = x.mean_axis(ndarray::Axis(0)) else {
        return Vec::new();
    };
    if rows < 2 || units < 2 {
        return Vec::new();
    }
    let centred = &x - &mean;
    let by_units = units <= rows;
    let gram = if by_units {
        centred.t().dot(&centred)
    } else {
        centred.dot(&centred.t())
    };
    let Ok(eigen) = to_faer(&gram).self_adjoint_eigen(faer::Side::Lower) else {
        return Vec::new();
    };
    // Nondecreasing eigenvalues: the top two are the last columns.
    let (u, n) = (eigen.U(), gram.nrows());
    let follows = previous.len() == rows;
    let axis = |c: usize, which: fn(&(f64, f64)) -> f64| -> Vec<f64> {
        let vector = ndarray::Array1::from_shape_fn(n, |i| u[(i, c)]);
        let along = if by_units {
            // z = X v.
            centred.dot(&vector)
        } else {
            // z = u s, with s = √λ = ‖Xᵀu‖.
            let s = eigen.S().column_vector()[c].max(0.0).sqrt();
            vector * s
        };
        let lean = if follows {
            along.iter().zip(previous).map(|(z, p)| z * which(p)).sum()
        } else {
            along
                .iter()
                .copied()
                .fold(0.0, |a: f64, z| if z.abs() > a.abs() { z } else { a })
        };
        let sign = if lean < 0.0 { -1.0 } else { 1.0 };
        along.iter().map(|z| sign * z).collect()
    };
    let (first, second) = (axis(n - 1, |p| p.0), axis(n - 2, |p| p.1));
    first.into_iter().zip(second).collect()
}

/// Σ_i ‖x_i − P x_i‖² for the projection P onto orthonormal `basis` (inputs × k).
pub fn projection_error(x: &Array2<f64>, basis: &Array2<f64>) -> f64 {
    let coded = x.dot(basis);
    let back = coded.dot(&basis.t());
    (x - &back).iter().map(|v| v * v).sum()
}

/// Cosines of the principal angles between the column spaces of `a` and `b`
/// (both inputs × k), decreasing.
pub fn principal_cosines(a: &Array2<f64>, b: &Array2<f64>) -> Result<Vec<f64>, PcaError> {
    let (qa, _, _) = thin_svd(a)?;
    let (qb, _, _) = thin_svd(b)?;
    let (_, s, _) = thin_svd(&qa.t().dot(&qb))?;
    Ok(s.into_iter().map(|c| c.min(1.0)).collect())
}

/// A linear autoencoder trained to convergence on `x` (m × inputs), by
/// full-batch L-BFGS on (1/m) Σ ½‖x̂ − x‖².
pub struct LinearAe {
    pub params: Params<f64>,
    pub iterations: usize,
    pub converged: bool,
}

/// `on_iteration` is told each iteration's number (for progress).
pub fn train_linear_ae(
    x: &Array2<f64>,
    k: usize,
    seed: u64,
    max_iterations: usize,
    mut on_iteration: impl FnMut(usize),
) -> LinearAe {
    let objective = Objective::linear();
    let arch = Arch::ae(x.ncols(), k, false);
    let mut params = Params::<f64>::init(arch, &mut StdRng::seed_from_u64(seed));
    let mut lbfgs = Lbfgs::<f64>::new(20);
    // One set of buffers for every evaluation: a fresh one each time cost
    // more in page faults than the products (`aelab pca pca-digits`).
    let mut ws = Workspace::new();
    let mut cost = |theta: &[f64], grad: &mut [f64]| {
        let p = ParamsRef { arch, theta };
        objective
            .value_and_gradient_at(p, x, x, grad, &mut ws)
            .total()
    };
    let mut iterations = 0;
    let mut converged = false;
    while iterations < max_iterations && !converged {
        converged = lbfgs.step(&mut params.theta, &mut cost).converged;
        iterations += 1;
        on_iteration(iterations);
    }
    LinearAe {
        params,
        iterations,
        converged,
    }
}

impl LinearAe {
    /// Σ_i ‖x_i − x̂_i‖² on `x`.
    pub fn error(&self, x: &Array2<f64>) -> f64 {
        let objective = Objective::linear();
        let x_hat = objective.forward(&self.params, x).x_hat;
        (x - &x_hat).iter().map(|v| v * v).sum()
    }

    /// The decoder's column space: W2 (inputs × k).
    pub fn decoder(&self) -> Array2<f64> {
        self.params.views().w2.expect("untied").to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data stretched along two known directions in 5-D: PCA finds them and
    /// the rank-2 error is the energy of the other three.
    #[test]
    fn pca_finds_the_stretched_directions() {
        let mut rng = StdRng::seed_from_u64(3);
        use rand::RngExt;
        let x = Array2::from_shape_fn((400, 5), |(_, j)| {
            let scale = [5.0, 3.0, 0.1, 0.1, 0.1][j];
            scale * (rng.random::<f64>() - 0.5)
        });
        let x = &x - &x.mean_axis(ndarray::Axis(0)).unwrap();
        let p = pca(&x, 2).unwrap();
        let truth = Array2::from_shape_fn((5, 2), |(i, j)| if i == j { 1.0 } else { 0.0 });
        let cos = principal_cosines(&p.components, &truth).unwrap();
        assert!(cos.iter().all(|&c| c > 0.999), "{cos:?}");
        let rest: f64 = p.singular_values[2..].iter().map(|s| s * s).sum();
        assert!((projection_error(&x, &p.components) - rest).abs() < 1e-9 * rest.max(1.0));
    }

    /// The plane from either Gram matrix is the SVD's U₂S₂ (each axis up to
    /// its sign), with the farthest sample of each axis on its positive side.
    #[test]
    fn principal_plane_is_the_svd_projection_from_either_gram_matrix() {
        use rand::RngExt;
        let mut rng = StdRng::seed_from_u64(5);
        for (rows, units) in [(60, 7), (6, 40)] {
            let h = Array2::from_shape_fn((rows, units), |(_, j)| {
                (1.0 + 3.0 / (1.0 + j as f32)) * (rng.random::<f32>() - 0.5)
            });
            let plane = principal_plane(&h, &[]);
            assert_eq!(plane.len(), rows);
            // Given a previous plane of the same samples, each axis follows it.
            let flipped: Vec<(f64, f64)> = plane.iter().map(|&(a, b)| (-a, b)).collect();
            let followed = principal_plane(&h, &flipped);
            for (f, p) in followed.iter().zip(&plane) {
                assert!((f.0 + p.0).abs() < 1e-12 && (f.1 - p.1).abs() < 1e-12);
            }
            let x = h.mapv(f64::from);
            let centred = &x - &x.mean_axis(ndarray::Axis(0)).unwrap();
            let p = pca(&centred, 2).unwrap();
            let z = centred.dot(&p.components);
            for axis in 0..2 {
                let got: Vec<f64> = plane.iter().map(|p| [p.0, p.1][axis]).collect();
                let far = got
                    .iter()
                    .copied()
                    .fold(0.0, |a: f64, g| if g.abs() > a.abs() { g } else { a });
                assert!(
                    far > 0.0,
                    "{rows}x{units} axis {axis}: farthest sample at {far}"
                );
                let sign = got[0].signum() * z[[0, axis]].signum();
                for (g, want) in got.iter().zip(z.column(axis)) {
                    assert!(
                        (g - sign * want).abs() < 1e-9,
                        "{rows}x{units} axis {axis}: {g} vs {want}"
                    );
                }
            }
        }
        assert!(principal_plane(&Array2::zeros((1, 5)), &[]).is_empty());
    }
}
