//! The semantics of the `v128` instructions, lane by lane.
//!
//! A `v128` is a [`V128`]: 16 bytes in little-endian order (WebAssembly's lanes are
//! little-endian). The functions here view it as an array of lanes, compute, and
//! put the lanes back; on little-endian targets the views are free, and LLVM turns the
//! lane loops into the target's vector instructions (SSE2 on every x86-64). The few
//! operations it cannot see as vector code (bitmasks, the 16-bit dot product, and with
//! SSSE3 swizzles and shuffles) come from `arch` on x86-64 instead; building with
//! `GANNET_SIMD=portable` in the environment leaves them out (see `build.rs`), and CI
//! runs the spec tests that way too, so the portable code is tested on x86-64 as well.
//!
//! Relaxed SIMD: every relaxed instruction computes the result of its strict
//! counterpart (or, where it has none, the result listed in `docs/simd.md`), on every
//! platform, so results never depend on the host.

use super::num;
pub(crate) use crate::ir::V128;

macro_rules! lane_views {
    ($($view:ident $join:ident $lane:ty, $n:literal;)*) => {$(
        /// The lanes of `v`, lane 0 first.
        #[inline(always)]
        #[allow(unnecessary_transmutes)]
        pub(crate) fn $view(v: V128) -> [$lane; $n] {
            #[cfg(target_endian = "little")]
            {
                // SAFETY: both types are 16 bytes of plain integers, for which every
                // bit pattern is valid; on a little-endian target element 0 holds the
                // least significant bits, which is lane 0.
                unsafe { core::mem::transmute::<V128, [$lane; $n]>(v) }
            }
            #[cfg(not(target_endian = "little"))]
            {
                let bytes = v.0;
                core::array::from_fn(|i| {
                    const SIZE: usize = core::mem::size_of::<$lane>();
                    <$lane>::from_le_bytes(bytes[i * SIZE..(i + 1) * SIZE].try_into().expect("lane"))
                })
            }
        }

        /// The `v128` with these lanes, lane 0 first.
        #[inline(always)]
        #[allow(unnecessary_transmutes)]
        pub(crate) fn $join(lanes: [$lane; $n]) -> V128 {
            #[cfg(target_endian = "little")]
            {
                // SAFETY: as in the view above.
                unsafe { core::mem::transmute::<[$lane; $n], V128>(lanes) }
            }
            #[cfg(not(target_endian = "little"))]
            {
                let mut bytes = [0u8; 16];
                const SIZE: usize = core::mem::size_of::<$lane>();
                for (i, lane) in lanes.iter().enumerate() {
                    bytes[i * SIZE..(i + 1) * SIZE].copy_from_slice(&lane.to_le_bytes());
                }
                V128(bytes)
            }
        }
    )*};
}
lane_views! {
    i8x16 from_i8x16 i8, 16;
    u8x16 from_u8x16 u8, 16;
    i16x8 from_i16x8 i16, 8;
    u16x8 from_u16x8 u16, 8;
    i32x4 from_i32x4 i32, 4;
    u32x4 from_u32x4 u32, 4;
    i64x2 from_i64x2 i64, 2;
    u64x2 from_u64x2 u64, 2;
}

#[inline(always)]
pub(crate) fn f32x4(v: V128) -> [f32; 4] {
    u32x4(v).map(f32::from_bits)
}
#[inline(always)]
pub(crate) fn from_f32x4(lanes: [f32; 4]) -> V128 {
    from_u32x4(lanes.map(f32::to_bits))
}
#[inline(always)]
pub(crate) fn f64x2(v: V128) -> [f64; 2] {
    u64x2(v).map(f64::from_bits)
}
#[inline(always)]
pub(crate) fn from_f64x2(lanes: [f64; 2]) -> V128 {
    from_u64x2(lanes.map(f64::to_bits))
}

macro_rules! with_lane {
    ($($name:ident $view:ident $join:ident $lane:ty;)*) => {$(
        /// `a` with lane `lane` replaced by `value`.
        #[inline(always)]
        pub(crate) fn $name(a: V128, lane: usize, value: $lane) -> V128 {
            let mut lanes = $view(a);
            lanes[lane] = value;
            $join(lanes)
        }
    )*};
}
with_lane! {
    with_u8_lane u8x16 from_u8x16 u8;
    with_u16_lane u16x8 from_u16x8 u16;
    with_u32_lane u32x4 from_u32x4 u32;
    with_u64_lane u64x2 from_u64x2 u64;
}

/// Applies `f` to every lane of `a` (viewed with `$view`, joined with `$join`).
macro_rules! map {
    ($view:ident, $join:ident, $a:expr, |$x:ident| $e:expr) => {{
        let lanes = $view($a);
        $join(lanes.map(|$x| $e))
    }};
}

/// Combines the lanes of `a` and `b` pairwise with `f`.
macro_rules! zip {
    ($view:ident, $join:ident, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
        let (xs, ys) = ($view($a), $view($b));
        $join(core::array::from_fn(|i| {
            let ($x, $y) = (xs[i], ys[i]);
            $e
        }))
    }};
}

/// All ones if `c` holds, else all zeros, as a lane of the comparison's width.
macro_rules! mask {
    ($c:expr, $ty:ty) => {
        if $c { !0 as $ty } else { 0 as $ty }
    };
}

macro_rules! compare {
    ($($name:ident $view:ident $join:ident $mask:ty, |$x:ident, $y:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            zip!($view, $join, a, b, |$x, $y| mask!($e, $mask))
        }
    )*};
}
compare! {
    i8x16_eq i8x16 from_i8x16 i8, |x, y| x == y;
    i8x16_ne i8x16 from_i8x16 i8, |x, y| x != y;
    i8x16_lt_s i8x16 from_i8x16 i8, |x, y| x < y;
    i8x16_lt_u u8x16 from_u8x16 u8, |x, y| x < y;
    i8x16_gt_s i8x16 from_i8x16 i8, |x, y| x > y;
    i8x16_gt_u u8x16 from_u8x16 u8, |x, y| x > y;
    i8x16_le_s i8x16 from_i8x16 i8, |x, y| x <= y;
    i8x16_le_u u8x16 from_u8x16 u8, |x, y| x <= y;
    i8x16_ge_s i8x16 from_i8x16 i8, |x, y| x >= y;
    i8x16_ge_u u8x16 from_u8x16 u8, |x, y| x >= y;
    i16x8_eq i16x8 from_i16x8 i16, |x, y| x == y;
    i16x8_ne i16x8 from_i16x8 i16, |x, y| x != y;
    i16x8_lt_s i16x8 from_i16x8 i16, |x, y| x < y;
    i16x8_lt_u u16x8 from_u16x8 u16, |x, y| x < y;
    i16x8_gt_s i16x8 from_i16x8 i16, |x, y| x > y;
    i16x8_gt_u u16x8 from_u16x8 u16, |x, y| x > y;
    i16x8_le_s i16x8 from_i16x8 i16, |x, y| x <= y;
    i16x8_le_u u16x8 from_u16x8 u16, |x, y| x <= y;
    i16x8_ge_s i16x8 from_i16x8 i16, |x, y| x >= y;
    i16x8_ge_u u16x8 from_u16x8 u16, |x, y| x >= y;
    i32x4_eq i32x4 from_i32x4 i32, |x, y| x == y;
    i32x4_ne i32x4 from_i32x4 i32, |x, y| x != y;
    i32x4_lt_s i32x4 from_i32x4 i32, |x, y| x < y;
    i32x4_lt_u u32x4 from_u32x4 u32, |x, y| x < y;
    i32x4_gt_s i32x4 from_i32x4 i32, |x, y| x > y;
    i32x4_gt_u u32x4 from_u32x4 u32, |x, y| x > y;
    i32x4_le_s i32x4 from_i32x4 i32, |x, y| x <= y;
    i32x4_le_u u32x4 from_u32x4 u32, |x, y| x <= y;
    i32x4_ge_s i32x4 from_i32x4 i32, |x, y| x >= y;
    i32x4_ge_u u32x4 from_u32x4 u32, |x, y| x >= y;
    i64x2_eq i64x2 from_i64x2 i64, |x, y| x == y;
    i64x2_ne i64x2 from_i64x2 i64, |x, y| x != y;
    i64x2_lt_s i64x2 from_i64x2 i64, |x, y| x < y;
    i64x2_gt_s i64x2 from_i64x2 i64, |x, y| x > y;
    i64x2_le_s i64x2 from_i64x2 i64, |x, y| x <= y;
    i64x2_ge_s i64x2 from_i64x2 i64, |x, y| x >= y;
    f32x4_eq f32x4 from_u32x4 u32, |x, y| x == y;
    f32x4_ne f32x4 from_u32x4 u32, |x, y| x != y;
    f32x4_lt f32x4 from_u32x4 u32, |x, y| x < y;
    f32x4_gt f32x4 from_u32x4 u32, |x, y| x > y;
    f32x4_le f32x4 from_u32x4 u32, |x, y| x <= y;
    f32x4_ge f32x4 from_u32x4 u32, |x, y| x >= y;
    f64x2_eq f64x2 from_u64x2 u64, |x, y| x == y;
    f64x2_ne f64x2 from_u64x2 u64, |x, y| x != y;
    f64x2_lt f64x2 from_u64x2 u64, |x, y| x < y;
    f64x2_gt f64x2 from_u64x2 u64, |x, y| x > y;
    f64x2_le f64x2 from_u64x2 u64, |x, y| x <= y;
    f64x2_ge f64x2 from_u64x2 u64, |x, y| x >= y;
}

/// Lane-wise arithmetic.
macro_rules! binary {
    ($($name:ident $view:ident $join:ident, |$x:ident, $y:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            zip!($view, $join, a, b, |$x, $y| $e)
        }
    )*};
}
binary! {
    i8x16_add i8x16 from_i8x16, |x, y| x.wrapping_add(y);
    i8x16_add_sat_s i8x16 from_i8x16, |x, y| x.saturating_add(y);
    i8x16_add_sat_u u8x16 from_u8x16, |x, y| x.saturating_add(y);
    i8x16_sub i8x16 from_i8x16, |x, y| x.wrapping_sub(y);
    i8x16_sub_sat_s i8x16 from_i8x16, |x, y| x.saturating_sub(y);
    i8x16_sub_sat_u u8x16 from_u8x16, |x, y| x.saturating_sub(y);
    i8x16_min_s i8x16 from_i8x16, |x, y| x.min(y);
    i8x16_min_u u8x16 from_u8x16, |x, y| x.min(y);
    i8x16_max_s i8x16 from_i8x16, |x, y| x.max(y);
    i8x16_max_u u8x16 from_u8x16, |x, y| x.max(y);
    i8x16_avgr_u u8x16 from_u8x16, |x, y| ((x as u16 + y as u16 + 1) >> 1) as u8;
    i16x8_add i16x8 from_i16x8, |x, y| x.wrapping_add(y);
    i16x8_add_sat_s i16x8 from_i16x8, |x, y| x.saturating_add(y);
    i16x8_add_sat_u u16x8 from_u16x8, |x, y| x.saturating_add(y);
    i16x8_sub i16x8 from_i16x8, |x, y| x.wrapping_sub(y);
    i16x8_sub_sat_s i16x8 from_i16x8, |x, y| x.saturating_sub(y);
    i16x8_sub_sat_u u16x8 from_u16x8, |x, y| x.saturating_sub(y);
    i16x8_mul i16x8 from_i16x8, |x, y| x.wrapping_mul(y);
    i16x8_min_s i16x8 from_i16x8, |x, y| x.min(y);
    i16x8_min_u u16x8 from_u16x8, |x, y| x.min(y);
    i16x8_max_s i16x8 from_i16x8, |x, y| x.max(y);
    i16x8_max_u u16x8 from_u16x8, |x, y| x.max(y);
    i16x8_avgr_u u16x8 from_u16x8, |x, y| ((x as u32 + y as u32 + 1) >> 1) as u16;
    i16x8_q15mulr_sat_s i16x8 from_i16x8, |x, y| q15mulr(x, y);
    i32x4_add i32x4 from_i32x4, |x, y| x.wrapping_add(y);
    i32x4_sub i32x4 from_i32x4, |x, y| x.wrapping_sub(y);
    i32x4_mul i32x4 from_i32x4, |x, y| x.wrapping_mul(y);
    i32x4_min_s i32x4 from_i32x4, |x, y| x.min(y);
    i32x4_min_u u32x4 from_u32x4, |x, y| x.min(y);
    i32x4_max_s i32x4 from_i32x4, |x, y| x.max(y);
    i32x4_max_u u32x4 from_u32x4, |x, y| x.max(y);
    i64x2_add i64x2 from_i64x2, |x, y| x.wrapping_add(y);
    i64x2_sub i64x2 from_i64x2, |x, y| x.wrapping_sub(y);
    i64x2_mul i64x2 from_i64x2, |x, y| x.wrapping_mul(y);
}

/// Rounding, saturating Q15 multiplication.
#[inline(always)]
fn q15mulr(x: i16, y: i16) -> i16 {
    ((x as i32 * y as i32 + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

binary! {
    f32x4_add f32x4 from_f32x4, |x, y| x + y;
    f32x4_sub f32x4 from_f32x4, |x, y| x - y;
    f32x4_mul f32x4 from_f32x4, |x, y| x * y;
    f32x4_div f32x4 from_f32x4, |x, y| x / y;
    f32x4_min f32x4 from_f32x4, |x, y| num::f32_min(x, y);
    f32x4_max f32x4 from_f32x4, |x, y| num::f32_max(x, y);
    f32x4_pmin f32x4 from_f32x4, |x, y| if y < x { y } else { x };
    f32x4_pmax f32x4 from_f32x4, |x, y| if x < y { y } else { x };
    f64x2_add f64x2 from_f64x2, |x, y| x + y;
    f64x2_sub f64x2 from_f64x2, |x, y| x - y;
    f64x2_mul f64x2 from_f64x2, |x, y| x * y;
    f64x2_div f64x2 from_f64x2, |x, y| x / y;
    f64x2_min f64x2 from_f64x2, |x, y| num::f64_min(x, y);
    f64x2_max f64x2 from_f64x2, |x, y| num::f64_max(x, y);
    f64x2_pmin f64x2 from_f64x2, |x, y| if y < x { y } else { x };
    f64x2_pmax f64x2 from_f64x2, |x, y| if x < y { y } else { x };
}

/// Lane-wise unary operations.
macro_rules! unary {
    ($($name:ident $view:ident $join:ident, |$x:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128) -> V128 {
            map!($view, $join, a, |$x| $e)
        }
    )*};
}
unary! {
    i8x16_abs i8x16 from_i8x16, |x| x.wrapping_abs();
    i8x16_neg i8x16 from_i8x16, |x| x.wrapping_neg();
    i8x16_popcnt u8x16 from_u8x16, |x| x.count_ones() as u8;
    i16x8_abs i16x8 from_i16x8, |x| x.wrapping_abs();
    i16x8_neg i16x8 from_i16x8, |x| x.wrapping_neg();
    i32x4_abs i32x4 from_i32x4, |x| x.wrapping_abs();
    i32x4_neg i32x4 from_i32x4, |x| x.wrapping_neg();
    i64x2_abs i64x2 from_i64x2, |x| x.wrapping_abs();
    i64x2_neg i64x2 from_i64x2, |x| x.wrapping_neg();
    f32x4_sqrt f32x4 from_f32x4, |x| x.sqrt();
    f32x4_ceil f32x4 from_f32x4, |x| num::f32_ceil(x);
    f32x4_floor f32x4 from_f32x4, |x| num::f32_floor(x);
    f32x4_trunc f32x4 from_f32x4, |x| num::f32_trunc(x);
    f32x4_nearest f32x4 from_f32x4, |x| num::f32_nearest(x);
    f64x2_sqrt f64x2 from_f64x2, |x| x.sqrt();
    f64x2_ceil f64x2 from_f64x2, |x| num::f64_ceil(x);
    f64x2_floor f64x2 from_f64x2, |x| num::f64_floor(x);
    f64x2_trunc f64x2 from_f64x2, |x| num::f64_trunc(x);
    f64x2_nearest f64x2 from_f64x2, |x| num::f64_nearest(x);
    i32x4_trunc_sat_f32x4_s f32x4 from_i32x4, |x| num::i32_trunc_sat_f32_s(x);
    i32x4_trunc_sat_f32x4_u f32x4 from_u32x4, |x| num::i32_trunc_sat_f32_u(x);
    f32x4_convert_i32x4_s i32x4 from_f32x4, |x| x as f32;
    f32x4_convert_i32x4_u u32x4 from_f32x4, |x| x as f32;
}

// Sign bit operations work on the bits: they must not touch a NaN's payload.
#[inline(always)]
pub(crate) fn f32x4_abs(a: V128) -> V128 {
    from_u32x4(u32x4(a).map(|x| x & 0x7fff_ffff))
}
#[inline(always)]
pub(crate) fn f32x4_neg(a: V128) -> V128 {
    from_u32x4(u32x4(a).map(|x| x ^ 0x8000_0000))
}
#[inline(always)]
pub(crate) fn f64x2_abs(a: V128) -> V128 {
    from_u64x2(u64x2(a).map(|x| x & 0x7fff_ffff_ffff_ffff))
}
#[inline(always)]
pub(crate) fn f64x2_neg(a: V128) -> V128 {
    from_u64x2(u64x2(a).map(|x| x ^ 0x8000_0000_0000_0000))
}

// Bitwise operations, on 64-bit halves.
#[inline(always)]
pub(crate) fn not(a: V128) -> V128 {
    from_u64x2(u64x2(a).map(|x| !x))
}
#[inline(always)]
pub(crate) fn and(a: V128, b: V128) -> V128 {
    zip!(u64x2, from_u64x2, a, b, |x, y| x & y)
}
#[inline(always)]
pub(crate) fn andnot(a: V128, b: V128) -> V128 {
    zip!(u64x2, from_u64x2, a, b, |x, y| x & !y)
}
#[inline(always)]
pub(crate) fn or(a: V128, b: V128) -> V128 {
    zip!(u64x2, from_u64x2, a, b, |x, y| x | y)
}
#[inline(always)]
pub(crate) fn xor(a: V128, b: V128) -> V128 {
    zip!(u64x2, from_u64x2, a, b, |x, y| x ^ y)
}

#[inline(always)]
pub(crate) fn bitselect(a: V128, b: V128, mask: V128) -> V128 {
    let (xs, ys, ms) = (u64x2(a), u64x2(b), u64x2(mask));
    from_u64x2(core::array::from_fn(|i| (xs[i] & ms[i]) | (ys[i] & !ms[i])))
}

// Widening, narrowing and pairwise operations.

macro_rules! extend {
    ($($name:ident $view:ident $join:ident $wide:ty, $half:literal;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128) -> V128 {
            let lanes = $view(a);
            const N: usize = 16 / core::mem::size_of::<$wide>();
            $join(core::array::from_fn(|i| lanes[$half * N + i] as $wide))
        }
    )*};
}
extend! {
    i16x8_extend_low_i8x16_s i8x16 from_i16x8 i16, 0;
    i16x8_extend_high_i8x16_s i8x16 from_i16x8 i16, 1;
    i16x8_extend_low_i8x16_u u8x16 from_u16x8 u16, 0;
    i16x8_extend_high_i8x16_u u8x16 from_u16x8 u16, 1;
    i32x4_extend_low_i16x8_s i16x8 from_i32x4 i32, 0;
    i32x4_extend_high_i16x8_s i16x8 from_i32x4 i32, 1;
    i32x4_extend_low_i16x8_u u16x8 from_u32x4 u32, 0;
    i32x4_extend_high_i16x8_u u16x8 from_u32x4 u32, 1;
    i64x2_extend_low_i32x4_s i32x4 from_i64x2 i64, 0;
    i64x2_extend_high_i32x4_s i32x4 from_i64x2 i64, 1;
    i64x2_extend_low_i32x4_u u32x4 from_u64x2 u64, 0;
    i64x2_extend_high_i32x4_u u32x4 from_u64x2 u64, 1;
}

macro_rules! extmul {
    ($($name:ident $view:ident $join:ident $wide:ty, $half:literal;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (xs, ys) = ($view(a), $view(b));
            const N: usize = 16 / core::mem::size_of::<$wide>();
            $join(core::array::from_fn(|i| {
                (xs[$half * N + i] as $wide).wrapping_mul(ys[$half * N + i] as $wide)
            }))
        }
    )*};
}
extmul! {
    i16x8_extmul_low_i8x16_s i8x16 from_i16x8 i16, 0;
    i16x8_extmul_high_i8x16_s i8x16 from_i16x8 i16, 1;
    i16x8_extmul_low_i8x16_u u8x16 from_u16x8 u16, 0;
    i16x8_extmul_high_i8x16_u u8x16 from_u16x8 u16, 1;
    i32x4_extmul_low_i16x8_s i16x8 from_i32x4 i32, 0;
    i32x4_extmul_high_i16x8_s i16x8 from_i32x4 i32, 1;
    i32x4_extmul_low_i16x8_u u16x8 from_u32x4 u32, 0;
    i32x4_extmul_high_i16x8_u u16x8 from_u32x4 u32, 1;
    i64x2_extmul_low_i32x4_s i32x4 from_i64x2 i64, 0;
    i64x2_extmul_high_i32x4_s i32x4 from_i64x2 i64, 1;
    i64x2_extmul_low_i32x4_u u32x4 from_u64x2 u64, 0;
    i64x2_extmul_high_i32x4_u u32x4 from_u64x2 u64, 1;
}

macro_rules! extadd_pairwise {
    ($($name:ident $view:ident $join:ident $wide:ty;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128) -> V128 {
            let xs = $view(a);
            $join(core::array::from_fn(|i| xs[2 * i] as $wide + xs[2 * i + 1] as $wide))
        }
    )*};
}
extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s i8x16 from_i16x8 i16;
    i16x8_extadd_pairwise_i8x16_u u8x16 from_u16x8 u16;
    i32x4_extadd_pairwise_i16x8_s i16x8 from_i32x4 i32;
    i32x4_extadd_pairwise_i16x8_u u16x8 from_u32x4 u32;
}

macro_rules! narrow {
    ($($name:ident $view:ident $join:ident $lane:ty, $lo:expr, $hi:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (xs, ys) = ($view(a), $view(b));
            const N: usize = 16 / core::mem::size_of::<$lane>() / 2;
            $join(core::array::from_fn(|i| {
                let x = if i < N { xs[i] } else { ys[i - N] };
                x.clamp($lo, $hi) as $lane
            }))
        }
    )*};
}
narrow! {
    i8x16_narrow_i16x8_s i16x8 from_i8x16 i8, i8::MIN as i16, i8::MAX as i16;
    i8x16_narrow_i16x8_u i16x8 from_u8x16 u8, 0, u8::MAX as i16;
    i16x8_narrow_i32x4_s i32x4 from_i16x8 i16, i16::MIN as i32, i16::MAX as i32;
    i16x8_narrow_i32x4_u i32x4 from_u16x8 u16, 0, u16::MAX as i32;
}

#[inline(always)]
pub(crate) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
    #[cfg(all(target_arch = "x86_64", not(gannet_portable_simd)))]
    return arch::i32x4_dot_i16x8_s(a, b);
    #[allow(unreachable_code)]
    let (xs, ys) = (i16x8(a), i16x8(b));
    from_i32x4(core::array::from_fn(|i| {
        (xs[2 * i] as i32 * ys[2 * i] as i32).wrapping_add(xs[2 * i + 1] as i32 * ys[2 * i + 1] as i32)
    }))
}

#[inline(always)]
pub(crate) fn i32x4_trunc_sat_f64x2_s_zero(a: V128) -> V128 {
    let xs = f64x2(a);
    from_i32x4([num::i32_trunc_sat_f64_s(xs[0]), num::i32_trunc_sat_f64_s(xs[1]), 0, 0])
}
#[inline(always)]
pub(crate) fn i32x4_trunc_sat_f64x2_u_zero(a: V128) -> V128 {
    let xs = f64x2(a);
    from_u32x4([num::i32_trunc_sat_f64_u(xs[0]), num::i32_trunc_sat_f64_u(xs[1]), 0, 0])
}
#[inline(always)]
pub(crate) fn f64x2_convert_low_i32x4_s(a: V128) -> V128 {
    let xs = i32x4(a);
    from_f64x2([xs[0] as f64, xs[1] as f64])
}
#[inline(always)]
pub(crate) fn f64x2_convert_low_i32x4_u(a: V128) -> V128 {
    let xs = u32x4(a);
    from_f64x2([xs[0] as f64, xs[1] as f64])
}
#[inline(always)]
pub(crate) fn f32x4_demote_f64x2_zero(a: V128) -> V128 {
    let xs = f64x2(a);
    from_f32x4([xs[0] as f32, xs[1] as f32, 0.0, 0.0])
}
#[inline(always)]
pub(crate) fn f64x2_promote_low_f32x4(a: V128) -> V128 {
    let xs = f32x4(a);
    from_f64x2([xs[0] as f64, xs[1] as f64])
}

// Shifts: the count is taken modulo the lane width.

macro_rules! shift {
    ($($name:ident $view:ident $join:ident, |$x:ident, $n:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, count: i32) -> V128 {
            let $n = count as u32;
            map!($view, $join, a, |$x| $e)
        }
    )*};
}
shift! {
    i8x16_shl i8x16 from_i8x16, |x, n| x.wrapping_shl(n & 7);
    i8x16_shr_s i8x16 from_i8x16, |x, n| x.wrapping_shr(n & 7);
    i8x16_shr_u u8x16 from_u8x16, |x, n| x.wrapping_shr(n & 7);
    i16x8_shl i16x8 from_i16x8, |x, n| x.wrapping_shl(n & 15);
    i16x8_shr_s i16x8 from_i16x8, |x, n| x.wrapping_shr(n & 15);
    i16x8_shr_u u16x8 from_u16x8, |x, n| x.wrapping_shr(n & 15);
    i32x4_shl i32x4 from_i32x4, |x, n| x.wrapping_shl(n & 31);
    i32x4_shr_s i32x4 from_i32x4, |x, n| x.wrapping_shr(n & 31);
    i32x4_shr_u u32x4 from_u32x4, |x, n| x.wrapping_shr(n & 31);
    i64x2_shl i64x2 from_i64x2, |x, n| x.wrapping_shl(n & 63);
    i64x2_shr_s i64x2 from_i64x2, |x, n| x.wrapping_shr(n & 63);
    i64x2_shr_u u64x2 from_u64x2, |x, n| x.wrapping_shr(n & 63);
}

// Reductions to an i32.

#[inline(always)]
pub(crate) fn any_true(a: V128) -> i32 {
    (u64x2(a) != [0, 0]) as i32
}

macro_rules! all_true_bitmask {
    ($($all:ident $bitmask:ident $view:ident;)*) => {$(
        #[inline(always)]
        pub(crate) fn $all(a: V128) -> i32 {
            #[cfg(all(target_arch = "x86_64", not(gannet_portable_simd)))]
            return arch::$all(a);
            #[allow(unreachable_code)]
            { $view(a).iter().all(|&x| x != 0) as i32 }
        }
        #[inline(always)]
        pub(crate) fn $bitmask(a: V128) -> i32 {
            #[cfg(all(target_arch = "x86_64", not(gannet_portable_simd)))]
            return arch::$bitmask(a);
            #[allow(unreachable_code)]
            { $view(a).iter().enumerate().fold(0, |mask, (i, &x)| mask | (((x < 0) as i32) << i)) }
        }
    )*};
}
all_true_bitmask! {
    i8x16_all_true i8x16_bitmask i8x16;
    i16x8_all_true i16x8_bitmask i16x8;
    i32x4_all_true i32x4_bitmask i32x4;
    i64x2_all_true i64x2_bitmask i64x2;
}

// Swizzle and shuffle.

#[inline(always)]
pub(crate) fn i8x16_swizzle(a: V128, indices: V128) -> V128 {
    #[cfg(all(target_arch = "x86_64", target_feature = "ssse3", not(gannet_portable_simd)))]
    return arch::i8x16_swizzle(a, indices);
    #[allow(unreachable_code)]
    let (xs, is) = (u8x16(a), u8x16(indices));
    from_u8x16(is.map(|i| if i < 16 { xs[i as usize] } else { 0 }))
}

/// Lane `i` of the result is lane `lanes[i]` of `a` followed by `b` (validated < 32).
#[inline(always)]
pub(crate) fn i8x16_shuffle(a: V128, b: V128, lanes: V128) -> V128 {
    #[cfg(all(target_arch = "x86_64", target_feature = "ssse3", not(gannet_portable_simd)))]
    return arch::i8x16_shuffle(a, b, lanes);
    #[allow(unreachable_code)]
    let (xs, ys, is) = (u8x16(a), u8x16(b), u8x16(lanes));
    from_u8x16(is.map(|i| {
        let i = (i & 31) as usize;
        if i < 16 { xs[i] } else { ys[i - 16] }
    }))
}

// Relaxed SIMD (see the module docs for the choices).

#[inline(always)]
pub(crate) fn f32x4_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    f32x4_add(f32x4_mul(a, b), c)
}
#[inline(always)]
pub(crate) fn f32x4_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    f32x4_add(f32x4_neg(f32x4_mul(a, b)), c)
}
#[inline(always)]
pub(crate) fn f64x2_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    f64x2_add(f64x2_mul(a, b), c)
}
#[inline(always)]
pub(crate) fn f64x2_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    f64x2_add(f64x2_neg(f64x2_mul(a, b)), c)
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: both operands signed, the pair sums saturated.
#[inline(always)]
pub(crate) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V128, b: V128) -> V128 {
    let (xs, ys) = (i8x16(a), i8x16(b));
    from_i16x8(core::array::from_fn(|i| {
        let sum = xs[2 * i] as i32 * ys[2 * i] as i32 + xs[2 * i + 1] as i32 * ys[2 * i + 1] as i32;
        sum.clamp(i16::MIN as i32, i16::MAX as i32) as i16
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the four products of each lane (both operands
/// signed) summed, plus `c`, wrapping.
#[inline(always)]
pub(crate) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: V128, b: V128, c: V128) -> V128 {
    let (xs, ys, cs) = (i8x16(a), i8x16(b), i32x4(c));
    from_i32x4(core::array::from_fn(|i| {
        let products = (0..4).map(|k| xs[4 * i + k] as i32 * ys[4 * i + k] as i32).sum::<i32>();
        products.wrapping_add(cs[i])
    }))
}

/// x86-64 instruction sequences for what LLVM does not find from the portable code.
/// SSE2 is part of x86-64, so those intrinsics are always available; SSSE3 ones are
/// used only when the build enables the feature (e.g. `-C target-cpu=native`).
#[cfg(all(target_arch = "x86_64", not(gannet_portable_simd)))]
mod arch {
    use core::arch::x86_64::*;

    use super::V128;

    #[inline(always)]
    fn m(v: V128) -> __m128i {
        // SAFETY: both are 16 bytes of plain data; x86-64 is little-endian, so the
        // vector's byte `i` is the v128's byte `i`.
        unsafe { core::mem::transmute::<V128, __m128i>(v) }
    }

    #[inline(always)]
    fn v(m: __m128i) -> V128 {
        // SAFETY: as in `m`.
        unsafe { core::mem::transmute::<__m128i, V128>(m) }
    }

    // SAFETY (all `unsafe` blocks below): the intrinsics are SSE2, SSE2 is part of
    // x86-64, or SSSE3 where the build enables it (checked by `cfg`); they only compute.

    #[inline(always)]
    pub(super) fn i8x16_bitmask(a: V128) -> i32 {
        unsafe { _mm_movemask_epi8(m(a)) }
    }
    #[inline(always)]
    pub(super) fn i16x8_bitmask(a: V128) -> i32 {
        // Saturating narrowing keeps each lane's sign.
        unsafe { _mm_movemask_epi8(_mm_packs_epi16(m(a), _mm_setzero_si128())) & 0xff }
    }
    #[inline(always)]
    pub(super) fn i32x4_bitmask(a: V128) -> i32 {
        unsafe { _mm_movemask_ps(_mm_castsi128_ps(m(a))) }
    }
    #[inline(always)]
    pub(super) fn i64x2_bitmask(a: V128) -> i32 {
        unsafe { _mm_movemask_pd(_mm_castsi128_pd(m(a))) }
    }

    #[inline(always)]
    pub(super) fn i8x16_all_true(a: V128) -> i32 {
        unsafe { (_mm_movemask_epi8(_mm_cmpeq_epi8(m(a), _mm_setzero_si128())) == 0) as i32 }
    }
    #[inline(always)]
    pub(super) fn i16x8_all_true(a: V128) -> i32 {
        unsafe { (_mm_movemask_epi8(_mm_cmpeq_epi16(m(a), _mm_setzero_si128())) == 0) as i32 }
    }
    #[inline(always)]
    pub(super) fn i32x4_all_true(a: V128) -> i32 {
        unsafe { (_mm_movemask_epi8(_mm_cmpeq_epi32(m(a), _mm_setzero_si128())) == 0) as i32 }
    }
    #[inline(always)]
    pub(super) fn i64x2_all_true(a: V128) -> i32 {
        // A 64-bit lane is zero when both of its 32-bit halves are.
        unsafe {
            let zero32 = _mm_cmpeq_epi32(m(a), _mm_setzero_si128());
            let zero64 = _mm_and_si128(zero32, _mm_shuffle_epi32::<0b10_11_00_01>(zero32));
            (_mm_movemask_epi8(zero64) == 0) as i32
        }
    }

    #[inline(always)]
    pub(super) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
        unsafe { v(_mm_madd_epi16(m(a), m(b))) }
    }

    #[cfg(target_feature = "ssse3")]
    #[inline(always)]
    pub(super) fn i8x16_swizzle(a: V128, indices: V128) -> V128 {
        // `pshufb` zeroes a lane whose index has its top bit set: adding 0x70 with
        // saturation sets it for every index above 15 and keeps the low bits of the rest.
        unsafe { v(_mm_shuffle_epi8(m(a), _mm_adds_epu8(m(indices), _mm_set1_epi8(0x70)))) }
    }

    #[cfg(target_feature = "ssse3")]
    #[inline(always)]
    pub(super) fn i8x16_shuffle(a: V128, b: V128, lanes: V128) -> V128 {
        unsafe {
            let lanes = m(lanes);
            // Indices 0-15 pick from `a` and 16-31 from `b`: each `pshufb` zeroes the
            // lanes the other one supplies.
            let from_a = _mm_adds_epu8(lanes, _mm_set1_epi8(0x70));
            let from_b = _mm_adds_epu8(_mm_sub_epi8(lanes, _mm_set1_epi8(16)), _mm_set1_epi8(0x70));
            v(_mm_or_si128(_mm_shuffle_epi8(m(a), from_a), _mm_shuffle_epi8(m(b), from_b)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_little_endian() {
        let v = V128::from_u128(0x0f0e0d0c_0b0a0908_07060504_03020100);
        assert_eq!(u8x16(v)[0], 0);
        assert_eq!(u8x16(v)[15], 15);
        assert_eq!(u16x8(v)[1], 0x0302);
        assert_eq!(u32x4(v)[3], 0x0f0e0d0c);
        assert_eq!(from_u8x16(u8x16(v)), v);
        assert_eq!(from_i64x2(i64x2(v)), v);
    }

    #[test]
    fn narrowing_saturates() {
        let a = from_i16x8([300, -300, 127, -128, 0, 1, -1, 255]);
        let b = from_i16x8([0; 8]);
        assert_eq!(i8x16(i8x16_narrow_i16x8_s(a, b))[..8], [127, -128, 127, -128, 0, 1, -1, 127]);
        assert_eq!(u8x16(i8x16_narrow_i16x8_u(a, b))[..8], [255, 0, 127, 0, 0, 1, 0, 255]);
    }

    #[test]
    fn shuffle_takes_lanes_from_both() {
        let a = from_u8x16(core::array::from_fn(|i| i as u8));
        let b = from_u8x16(core::array::from_fn(|i| 100 + i as u8));
        let lanes = from_u8x16(core::array::from_fn(|i| if i % 2 == 0 { i as u8 } else { 16 + i as u8 }));
        let got = u8x16(i8x16_shuffle(a, b, lanes));
        assert_eq!(got[0], 0);
        assert_eq!(got[1], 101);
        assert_eq!(got[15], 115);
    }

    #[test]
    fn bitmask_collects_sign_bits() {
        assert_eq!(i32x4_bitmask(from_i32x4([-1, 0, -5, 7])), 0b0101);
        assert_eq!(i8x16_bitmask(from_i8x16([-1; 16])), 0xffff);
    }
}
