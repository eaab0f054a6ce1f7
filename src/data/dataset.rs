//! The in-memory data set: one sample a row, plus what is needed to draw it.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Shown in the UI, e.g. "mnist (t10k)", "digits 8x8".
    pub name: String,
    /// m × inputs, one sample a row; in [0, 1] unless `data.preprocess` says
    /// otherwise (whitening, `none` on data outside [0, 1]).
    pub x: Array2<f32>,
    /// Image (rows, cols); (1, inputs) when the samples are not images.
    pub shape: (usize, usize),
    pub labels: Option<Vec<u8>>,
    /// m × inputs: the unit tangent of the underlying curve at each sample
    /// (toy data only), in the same coordinates as `x`, so that an analysis
    /// can compare the encoder Jacobian along and across the curve.
    pub tangents: Option<Array2<f32>>,
}

impl Dataset {
    /// A data set without tangents.
    pub fn new(
        name: impl Into<String>,
        x: Array2<f32>,
        shape: (usize, usize),
        labels: Option<Vec<u8>>,
    ) -> Dataset {
        Dataset {
            name: name.into(),
            x,
            shape,
            labels,
            tangents: None,
        }
    }

    /// Number of samples m.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of inputs per sample.
    pub fn inputs(&self) -> usize {
        self.x.ncols()
    }

    /// The first `n` samples (all of them if there are fewer).
    pub fn take(self, n: usize) -> Dataset {
        let n = n.min(self.len());
        let all: Vec<usize> = (0..n).collect();
        self.select(&all)
    }

    /// (the samples whose label passes `keep`, the others), each in its
    /// order; everything goes to the others when there are no labels.
    pub fn by_class(&self, keep: impl Fn(u8) -> bool) -> (Dataset, Dataset) {
        let labels = self.labels.as_deref().unwrap_or_default();
        let (kept, others): (Vec<usize>, Vec<usize>) =
            (0..self.len()).partition(|&i| labels.get(i).is_some_and(|&l| keep(l)));
        (self.select(&kept), self.select(&others))
    }

    /// Permute the samples (and their labels) with a permutation fixed by `seed`.
    pub fn shuffle(&mut self, seed: u64) {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(seed));
        *self = self.select(&order);
    }

    /// Shuffle with `seed`, then cut into (train, validation). The validation
    /// set gets round(m · validation) samples; the fraction is clamped to [0, 1].
    pub fn split(mut self, validation: f64, seed: u64) -> (Dataset, Dataset) {
        self.shuffle(seed);
        let m = self.len();
        let fraction = if validation.is_finite() {
            validation.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let n_val = ((m as f64 * fraction).round() as usize).min(m);
        let train: Vec<usize> = (0..m - n_val).collect();
        let held: Vec<usize> = (m - n_val..m).collect();
        (self.select(&train), self.select(&held))
    }

    /// Gather a batch of rows. Panics if an index is out of range (a caller bug).
    pub fn rows(&self, idx: &[usize]) -> Array2<f32> {
        self.x.select(Axis(0), idx)
    }

    /// Gather a batch of rows into `out`, reshaped only when the batch's
    /// shape changes: a training loop keeps `out` from one step to the next.
    /// A large batch is gathered on two threads when `threads` allows.
    pub fn rows_into(&self, idx: &[usize], out: &mut Array2<f32>, threads: usize) {
        let shape = (idx.len(), self.inputs());
        if out.dim() != shape {
            *out = Array2::zeros(shape);
        }
        gather(self.x.view(), idx, out.view_mut(), threads > 1);
    }

    /// The labels of a batch of rows, if the data set has labels.
    pub fn label_rows(&self, idx: &[usize]) -> Option<Vec<u8>> {
        self.labels
            .as_ref()
            .map(|l| idx.iter().map(|&i| l[i]).collect())
    }

    /// The lecture's PCA normalisation: each feature centred (column mean 0)
    /// and the whole divided by √m, so that XᵀX is the covariance matrix
    /// (1/m) Σ (x − μ)(x − μ)ᵀ.
    pub fn pca_normalised(&self) -> Array2<f64> {
        let mut x = self.x.mapv(f64::from);
        let m = self.len();
        if m == 0 {
            return x;
        }
        if let Some(mean) = x.mean_axis(Axis(0)) {
            x -= &mean;
        }
        x / (m as f64).sqrt()
    }

    /// A new data set of the given rows, in that order.
    fn select(&self, idx: &[usize]) -> Dataset {
        Dataset {
            name: self.name.clone(),
            x: self.rows(idx),
            shape: self.shape,
            labels: self.label_rows(idx),
            tangents: self.tangents.as_ref().map(|t| t.select(Axis(0), idx)),
        }
    }
}

/// Batches from this many floats up are gathered on two threads: the rows
/// come from all over the data set, mostly from memory, and two cores fetch
/// them faster (ae-784-256's 128 × 784 take about 80 µs on one; digits-64-25's
/// 32 × 64 stay on one).
const GATHER_SPLIT_FROM: usize = 1 << 16;

/// Rows `idx` of `x`, in order, into `out`; `split` in two halves on two
/// threads if it is large.
fn gather(x: ArrayView2<f32>, idx: &[usize], mut out: ArrayViewMut2<f32>, split: bool) {
    if split && out.len() >= GATHER_SPLIT_FROM && idx.len() >= 2 {
        let cut = idx.len() / 2;
        let (a, b) = out.split_at(Axis(0), cut);
        let (ia, ib) = idx.split_at(cut);
        rayon::join(|| gather(x, ia, a, false), || gather(x, ib, b, false));
        return;
    }
    let n = x.ncols();
    assert_eq!(
        out.dim(),
        (idx.len(), n),
        "a batch buffer of the rows' shape"
    );
    match (x.as_slice(), out.as_slice_mut()) {
        // Both row-major (as a data set and a batch buffer are): a plain
        // copy a row, without ndarray's per-row setup (5.7 % of a
        // digits-64-25 step, whose rows are 64 floats).
        (Some(x), Some(out)) if n > 0 => {
            for (row, &i) in out.chunks_exact_mut(n).zip(idx) {
                row.copy_from_slice(&x[i * n..(i + 1) * n]);
            }
        }
        _ => {
            for (mut row, &i) in out.rows_mut().into_iter().zip(idx) {
                row.assign(&x.row(i));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten samples whose first input is their index and whose label is index + 100.
    fn numbered(m: usize) -> Dataset {
        let x = Array2::from_shape_fn((m, 3), |(i, j)| (i * 10 + j) as f32);
        Dataset {
            name: "n".into(),
            x,
            shape: (1, 3),
            labels: Some((0..m as u8).map(|i| i + 100).collect()),
            tangents: None,
        }
    }

    fn ids(d: &Dataset) -> Vec<usize> {
        d.x.column(0).iter().map(|&v| v as usize / 10).collect()
    }

    #[test]
    fn split_is_seeded_disjoint_and_complete() {
        let (train, val) = numbered(10).split(0.3, 7);
        assert_eq!((train.len(), val.len()), (7, 3));
        let (train2, val2) = numbered(10).split(0.3, 7);
        assert_eq!((&train, &val), (&train2, &val2), "same seed, same split");
        let mut all = [ids(&train), ids(&val)].concat();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        let (other, _) = numbered(10).split(0.3, 8);
        assert_ne!(ids(&train), ids(&other), "another seed, another split");
    }

    #[test]
    fn split_rounds_the_validation_count() {
        assert_eq!(numbered(10).split(0.25, 1).1.len(), 3); // round(2.5) = 3
        assert_eq!(numbered(10).split(0.0, 1).1.len(), 0);
        assert_eq!(numbered(7).split(0.1, 1).1.len(), 1); // round(0.7) = 1
    }

    #[test]
    fn shuffle_keeps_labels_with_their_rows() {
        let mut d = numbered(20);
        d.shuffle(3);
        assert_ne!(ids(&d), (0..20).collect::<Vec<_>>());
        for (id, label) in ids(&d).iter().zip(d.labels.as_ref().unwrap()) {
            assert_eq!(*label as usize, id + 100);
        }
    }

    #[test]
    fn by_class_parts_the_samples_by_label_in_order() {
        let (kept, others) = numbered(6).by_class(|l| l % 2 == 0);
        assert_eq!(ids(&kept), vec![0, 2, 4]);
        assert_eq!(others.labels, Some(vec![101, 103, 105]));
        let mut unlabelled = numbered(3);
        unlabelled.labels = None;
        let (kept, others) = unlabelled.by_class(|_| true);
        assert_eq!((kept.len(), others.len()), (0, 3));
    }

    #[test]
    fn take_keeps_the_first_n_and_tolerates_too_many() {
        let d = numbered(5).take(2);
        assert_eq!(
            (ids(&d), d.labels.clone().unwrap()),
            (vec![0, 1], vec![100, 101])
        );
        assert_eq!(numbered(5).take(99).len(), 5);
    }

    #[test]
    fn rows_and_label_rows_gather_a_batch() {
        let d = numbered(5);
        assert_eq!(d.rows(&[4, 1]).column(0).to_vec(), vec![40.0, 10.0]);
        let mut out = Array2::zeros((0, 0));
        for idx in [&[4, 1][..], &[2, 3], &[0]] {
            d.rows_into(idx, &mut out, 1);
            assert_eq!(out, d.rows(idx));
        }
        assert_eq!(d.label_rows(&[4, 1]), Some(vec![104, 101]));
    }

    /// A batch large enough to be gathered on two threads comes out the same.
    #[test]
    fn a_large_batch_is_gathered_in_order() {
        let x = Array2::from_shape_fn((300, 784), |(i, j)| (i * 1000 + j) as f32);
        let d = Dataset::new("big", x, (28, 28), None);
        let idx: Vec<usize> = (0..129).map(|i| (i * 37) % 300).collect();
        assert!(idx.len() * 784 >= GATHER_SPLIT_FROM);
        for threads in [1, 2] {
            let mut out = Array2::zeros((0, 0));
            d.rows_into(&idx, &mut out, threads);
            assert_eq!(out, d.rows(&idx));
        }
    }

    #[test]
    fn pca_normalised_is_centred_and_its_gram_is_the_covariance() {
        let x = Array2::from_shape_fn((6, 3), |(i, j)| ((i * 7 + j * 3) % 5) as f32 + j as f32);
        let d = Dataset::new("p", x.clone(), (1, 3), None);
        let z = d.pca_normalised();
        for mean in z.mean_axis(Axis(0)).unwrap() {
            assert!(mean.abs() < 1e-12, "{mean}");
        }
        // Covariance the long way: (1/m) Σ_i (x_i − μ)(x_i − μ)ᵀ.
        let x = x.mapv(f64::from);
        let mu = x.mean_axis(Axis(0)).unwrap();
        let mut cov = Array2::<f64>::zeros((3, 3));
        for row in x.rows() {
            let c = &row - &mu;
            for a in 0..3 {
                for b in 0..3 {
                    cov[[a, b]] += c[a] * c[b] / 6.0;
                }
            }
        }
        let gram = z.t().dot(&z);
        for (g, c) in gram.iter().zip(cov.iter()) {
            assert!((g - c).abs() < 1e-12, "{g} vs {c}");
        }
    }

    #[test]
    fn empty_data_set_does_not_panic() {
        let d = numbered(0);
        assert!(d.is_empty());
        assert_eq!(d.pca_normalised().dim(), (0, 3));
        let (t, v) = d.split(0.5, 1);
        assert!(t.is_empty() && v.is_empty());
    }
}
