//! Runtime choice of instruction set for the vectorised loops: the crate is
//! built for baseline x86-64 (SSE2, 4 f32 lanes), so each loop declared
//! with [`vectorised!`] is compiled twice, once more for AVX2 + FMA (8
//! lanes), and that copy runs when the CPU has them. (A closure passed to a
//! `#[target_feature]` function is not compiled with its features unless
//! inlined, which the compiler declined for these loops: hence a macro that
//! repeats the body, where the closures inside inherit the features.)
//! faer chooses its own kernels.

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
