//! How local a filter is, and which inputs a filter can be judged on.
//!
//! Vincent et al. (2010) show denoising filters turning from noise into
//! local strokes and blobs. We measure it on the inputs that vary in the
//! data ("live" inputs: in MNIST the border pixels are almost always 0, so
//! nothing constrains their weights, and with Adam they wander and outweigh
//! the rest): a filter's locality is the share of its energy Σw² over live
//! inputs that falls in its strongest k × k window (k a quarter of the
//! image side, 7 on 28 × 28). Random weights score about k²/live plus the
//! luck of the best window (0.18 on MNIST); a stroke detector scores high.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

/// An input counts as live when its standard deviation over the data is at
/// least this share of the largest input's: MNIST keeps the centre of the
/// image and loses the border rows and columns that ink almost never reaches.
const LIVE_SHARE_OF_MAX_STD: f32 = 0.05;

/// Which inputs vary in the data `x` (m × inputs).
pub fn live_inputs(x: &Array2<f32>) -> Vec<bool> {
    let std = x.std_axis(Axis(0), 0.0);
    let max = std.iter().copied().fold(0.0f32, f32::max);
    std.iter()
        .map(|&s| max > 0.0 && s >= LIVE_SHARE_OF_MAX_STD * max)
        .collect()
}

/// The side of the window locality is measured in, for an image shape;
/// `None` when the samples are not images (one row) or too small to tell.
pub fn window(shape: (usize, usize)) -> Option<usize> {
    let side = shape.0.min(shape.1);
    (shape.0 > 1 && side >= 6).then(|| (side / 4).max(2))
}

/// The locality of one filter (`shape.0 * shape.1` weights), in [0, 1].
pub fn locality(filter: ArrayView1<f32>, shape: (usize, usize), live: &[bool]) -> Option<f32> {
    let k = window(shape)?;
    let (rows, cols) = shape;
    if filter.len() != rows * cols || live.len() != filter.len() {
        return None;
    }
    let energy: Vec<f32> = filter
        .iter()
        .zip(live)
        .map(|(&w, &l)| if l && w.is_finite() { w * w } else { 0.0 })
        .collect();
    let total: f32 = energy.iter().sum();
    if total <= 0.0 {
        return None;
    }
    // Each row's sums over k columns first, then k of them down: the same
    // additions in the same order as summing every window whole, 3× fewer.
    let across = cols - k + 1;
    let row_sums: Vec<f32> = energy
        .chunks_exact(cols)
        .flat_map(|row| row.windows(k).map(|w| w.iter().sum::<f32>()))
        .collect();
    let mut best = 0.0f32;
    for r in 0..=rows - k {
        for c in 0..across {
            let window: f32 = (r..r + k).map(|y| row_sums[y * across + c]).sum();
            best = best.max(window);
        }
    }
    Some(best / total)
}

/// The mean locality of the rows of `w1` (hidden × inputs).
pub fn mean_locality(w1: ArrayView2<f32>, shape: (usize, usize), live: &[bool]) -> Option<f32> {
    let values: Vec<f32> = w1
        .rows()
        .into_iter()
        .filter_map(|row| locality(row, shape, live))
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f32>() / values.len() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    /// A blob inside one window scores 1; energy spread evenly scores the
    /// window's share of the live inputs.
    #[test]
    fn a_blob_is_local_and_a_flat_filter_is_not() {
        let shape = (28, 28);
        let live = vec![true; 784];
        let blob = Array1::from_shape_fn(784, |i| {
            let (r, c) = (i / 28, i % 28);
            if (10..15).contains(&r) && (8..12).contains(&c) {
                1.0
            } else {
                0.0
            }
        });
        assert_eq!(locality(blob.view(), shape, &live), Some(1.0));
        let flat = Array1::from_elem(784, 0.3f32);
        let l = locality(flat.view(), shape, &live).unwrap();
        assert!((l - 49.0 / 784.0).abs() < 1e-5, "{l}");
    }

    /// Weights on inputs that never vary do not count, however large.
    #[test]
    fn dead_inputs_are_left_out() {
        let x = Array2::from_shape_fn(
            (10, 4),
            |(i, j)| if j == 0 { 0.0 } else { i as f32 * j as f32 },
        );
        assert_eq!(live_inputs(&x), vec![false, true, true, true]);
        let shape = (8, 8);
        let mut live = vec![true; 64];
        live[63] = false;
        let mut w = Array1::from_elem(64, 0.0f32);
        w[0] = 1.0;
        w[63] = 100.0;
        assert_eq!(locality(w.view(), shape, &live), Some(1.0));
    }

    /// The row-sums-first search finds the same best window, to the bit, as
    /// summing every k × k window whole (on non-square shapes too).
    #[test]
    fn the_separable_window_search_matches_summing_each_window() {
        for (seed, shape) in [(1u64, (28, 28)), (2, (12, 20)), (3, (9, 6))] {
            let (rows, cols) = shape;
            let mut state = seed;
            let filter = Array1::from_shape_fn(rows * cols, |_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            });
            let live: Vec<bool> = (0..rows * cols).map(|i| i % 7 != 0).collect();
            let k = window(shape).unwrap();
            let energy: Vec<f32> = filter
                .iter()
                .zip(&live)
                .map(|(&w, &l)| if l { w * w } else { 0.0 })
                .collect();
            let mut best = 0.0f32;
            for r in 0..=rows - k {
                for c in 0..=cols - k {
                    let sum: f32 = (r..r + k)
                        .map(|y| energy[y * cols + c..y * cols + c + k].iter().sum::<f32>())
                        .sum();
                    best = best.max(sum);
                }
            }
            let total: f32 = energy.iter().sum();
            assert_eq!(
                locality(filter.view(), shape, &live),
                Some(best / total),
                "{shape:?}"
            );
        }
    }
}
