//! Runtime choice of instruction set for the vectorised loops: the crate is
//! built for baseline x86-64 (SSE2, 4 f32 lanes), so each loop declared
//! with [`vectorised!`] is compiled twice, once more for AVX2 + FMA (8
//! lanes), and that copy runs when the CPU has them. (A closure passed to a
//! `#[target_feature]` function is not compiled with its features unless
//! inlined, which the compiler declined for these loops: hence a macro that
//! repeats the body, where the closures inside inherit the features.)
//! faer chooses its own kernels.

use super::Real;

/// Whether this CPU runs the AVX2 + FMA copies (the answer is cached by std).
#[inline(always)]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// `fn name<F: Real>(args) -> ret { body }`, compiled for baseline and for
/// AVX2 + FMA, dispatching at run time. The body may read `FUSED`: true in
/// the AVX2 copy, where `mul_add` is one instruction (in the baseline copy
/// it would be a call to libm's software `fmaf`), so that it fuses only there.
macro_rules! vectorised {
    ($(#[$attr:meta])* $vis:vis fn $name:ident<F: Real>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$attr])*
        $vis fn $name<F: Real>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            #[allow(clippy::too_many_arguments)]
            fn avx2<F: Real>($($arg: $ty),*) $(-> $ret)? {
                #[allow(dead_code)]
                const FUSED: bool = true;
                $body
            }
            #[allow(clippy::too_many_arguments)]
            #[inline(always)]
            fn base<F: Real>($($arg: $ty),*) $(-> $ret)? {
                #[allow(dead_code)]
                const FUSED: bool = false;
                $body
            }
            #[cfg(target_arch = "x86_64")]
            if $crate::model::simd::has_avx2() {
                // SAFETY: the CPU has AVX2 and FMA, checked just now.
                return unsafe { avx2($($arg),*) };
            }
            base($($arg),*)
        }
    };
}
pub(crate) use vectorised;

/// An 8 × 8 block transposed: in 24 shuffles for f32 when `AVX` (which the
/// AVX2 copies of [`vectorised!`] pass, as their `FUSED`) and the CPU has
/// AVX2, else element by element (which the compiler turns into 64 scalar
/// loads and stores).
#[inline(always)]
pub(crate) fn transpose8<F: Real, const AVX: bool>(block: &[[F; 8]; 8]) -> [[F; 8]; 8] {
    use std::any::Any;
    #[cfg(target_arch = "x86_64")]
    if AVX
        && has_avx2()
        && let Some(b) = (block as &dyn Any).downcast_ref::<[[f32; 8]; 8]>()
    {
        // SAFETY: the CPU has AVX2 (and so AVX), checked just now.
        let t = unsafe { transpose8_f32(b) };
        if let Some(&t) = (&t as &dyn Any).downcast_ref::<[[F; 8]; 8]>() {
            return t;
        }
    }
    let mut t = [[F::zero(); 8]; 8];
    for (a, row) in block.iter().enumerate() {
        for (b, &v) in row.iter().enumerate() {
            t[b][a] = v;
        }
    }
    t
}

/// The 8 × 8 f32 transpose in AVX registers: pairs of rows interleaved,
/// then pairs of pairs, then the 128-bit halves swapped across.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[inline]
fn transpose8_f32(block: &[[f32; 8]; 8]) -> [[f32; 8]; 8] {
    use std::arch::x86_64::*;
    // SAFETY: each row is 8 f32, what an unaligned 256-bit load and store move.
    unsafe {
        let r: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps(block[i].as_ptr()));
        let lo = |a, b| _mm256_unpacklo_ps(a, b);
        let hi = |a, b| _mm256_unpackhi_ps(a, b);
        let (t0, t1, t2, t3) = (
            lo(r[0], r[1]),
            hi(r[0], r[1]),
            lo(r[2], r[3]),
            hi(r[2], r[3]),
        );
        let (t4, t5, t6, t7) = (
            lo(r[4], r[5]),
            hi(r[4], r[5]),
            lo(r[6], r[7]),
            hi(r[6], r[7]),
        );
        let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        let rows = [
            _mm256_permute2f128_ps::<0x20>(s0, s4),
            _mm256_permute2f128_ps::<0x20>(s1, s5),
            _mm256_permute2f128_ps::<0x20>(s2, s6),
            _mm256_permute2f128_ps::<0x20>(s3, s7),
            _mm256_permute2f128_ps::<0x31>(s0, s4),
            _mm256_permute2f128_ps::<0x31>(s1, s5),
            _mm256_permute2f128_ps::<0x31>(s2, s6),
            _mm256_permute2f128_ps::<0x31>(s3, s7),
        ];
        let mut t = [[0.0f32; 8]; 8];
        for (row, v) in t.iter_mut().zip(rows) {
            _mm256_storeu_ps(row.as_mut_ptr(), v);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    vectorised! {
        fn transposed<F: Real>(block: &[[F; 8]; 8]) -> [[F; 8]; 8] {
            transpose8::<F, FUSED>(block)
        }
    }

    #[test]
    fn an_8_by_8_block_transposes_in_either_copy() {
        let block: [[f32; 8]; 8] =
            std::array::from_fn(|a| std::array::from_fn(|b| (8 * a + b) as f32));
        for t in [transposed(&block), transpose8::<f32, false>(&block)] {
            for (a, row) in block.iter().enumerate() {
                for (b, &v) in row.iter().enumerate() {
                    assert_eq!(t[b][a], v, "({a}, {b})");
                }
            }
        }
        let wide = block.map(|r| r.map(f64::from));
        assert_eq!(transposed(&wide)[3][5], 43.0);
    }
}
