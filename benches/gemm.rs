//! `cargo bench --bench gemm`: GFLOP/s of the three products of the
//! ae-784-256 step (batch 128), through `linalg::gemm` on 1 and 2 threads,
//! against ndarray's `dot` (matrixmultiply) as a reference.

use aelab::model::linalg::{self, Op, gemm};
use ndarray::Array2;
use std::time::Instant;

fn rate(mut f: impl FnMut(), flops: f64) -> f64 {
    f();
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed().as_secs_f64() < 0.5 {
        f();
        n += 1;
    }
    flops * n as f64 / started.elapsed().as_secs_f64() / 1e9
}

fn at(x: &Array2<f32>, o: Op) -> ndarray::ArrayView2<'_, f32> {
    if o == Op::N { x.view() } else { x.t() }
}

fn main() {
    let fill = |r, c| Array2::from_shape_fn((r, c), |(i, j)| ((i * 7 + j * 3) % 11) as f32 * 0.1);
    // (m, n, k, op_a, op_b): out m×n = op(A) · op(B).
    let shapes = [
        (128, 256, 784, Op::N, Op::T),
        (784, 256, 128, Op::T, Op::N),
        (128, 784, 256, Op::N, Op::T),
        (32, 25, 64, Op::N, Op::T),
    ];
    println!(
        "{:>16} {:>6} {:>8} {:>8} {:>8}",
        "m x n x k", "ops", "1 thr", "2 thr", "ndarray"
    );
    for (m, n, k, oa, ob) in shapes {
        let a = if oa == Op::N { fill(m, k) } else { fill(k, m) };
        let b = if ob == Op::N { fill(k, n) } else { fill(n, k) };
        let mut out = Array2::<f32>::zeros((m, n));
        let flops = 2.0 * (m * n * k) as f64;
        let mut with = |t| {
            linalg::set_threads(t);
            rate(
                || gemm(out.view_mut(), a.view(), oa, b.view(), ob, false),
                flops,
            )
        };
        let (one, two) = (with(1), with(2));
        let (av, bv) = (at(&a, oa), at(&b, ob));
        let nd = rate(|| out = av.dot(&bv), flops);
        println!(
            "{:>16} {:>6} {one:>8.1} {two:>8.1} {nd:>8.1}",
            format!("{m}x{n}x{k}"),
            format!("{oa:?}{ob:?}")
        );
    }
}
