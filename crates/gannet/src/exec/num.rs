//! WebAssembly numeric semantics that differ from (or are not directly
//! provided by) Rust's operators: trapping division and remainder, NaN- and
//! signed-zero-aware `min`/`max`, `nearest`, bitwise `copysign`, and the
//! trapping and saturating float-to-integer conversions.

use crate::error::TrapCode;

// ---------------------------------------------------------------------------
// Integer division and remainder.

/// `i32.div_s`: traps on division by zero and on `i32::MIN / -1`.
#[inline]
pub fn i32_div_s(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else if a == i32::MIN && b == -1 {
        Err(TrapCode::IntegerOverflow)
    } else {
        Ok(a / b)
    }
}

/// `i32.div_u`: traps on division by zero.
#[inline]
pub fn i32_div_u(a: u32, b: u32) -> Result<u32, TrapCode> {
    a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
}

/// `i32.rem_s`: traps on division by zero; `i32::MIN % -1` is 0.
#[inline]
pub fn i32_rem_s(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) }
}

/// `i32.rem_u`: traps on division by zero.
#[inline]
pub fn i32_rem_u(a: u32, b: u32) -> Result<u32, TrapCode> {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
}

/// `i64.div_s`: traps on division by zero and on `i64::MIN / -1`.
#[inline]
pub fn i64_div_s(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else if a == i64::MIN && b == -1 {
        Err(TrapCode::IntegerOverflow)
    } else {
        Ok(a / b)
    }
}

/// `i64.div_u`: traps on division by zero.
#[inline]
pub fn i64_div_u(a: u64, b: u64) -> Result<u64, TrapCode> {
    a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
}

/// `i64.rem_s`: traps on division by zero; `i64::MIN % -1` is 0.
#[inline]
pub fn i64_rem_s(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) }
}

/// `i64.rem_u`: traps on division by zero.
#[inline]
pub fn i64_rem_u(a: u64, b: u64) -> Result<u64, TrapCode> {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
}

// ---------------------------------------------------------------------------
// Float min / max / nearest / copysign.

/// `f32.min`: NaN if either operand is NaN (the canonical NaN is returned),
/// and `-0 < +0`.
#[inline]
pub fn f32_min(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else if b < a {
        b
    } else if a == b {
        // Equal, possibly zeros of different signs: the result is negative if
        // either is, which OR-ing the bit patterns gives.
        f32::from_bits(a.to_bits() | b.to_bits())
    } else {
        f32::NAN
    }
}

/// `f32.max`: NaN if either operand is NaN (the canonical NaN is returned),
/// and `-0 < +0`.
#[inline]
pub fn f32_max(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else if b > a {
        b
    } else if a == b {
        // Equal, possibly zeros of different signs: the result is positive if
        // either is, which AND-ing the bit patterns gives.
        f32::from_bits(a.to_bits() & b.to_bits())
    } else {
        f32::NAN
    }
}

/// `f64.min`: NaN if either operand is NaN (the canonical NaN is returned),
/// and `-0 < +0`.
#[inline]
pub fn f64_min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else if b < a {
        b
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else {
        f64::NAN
    }
}

/// `f64.max`: NaN if either operand is NaN (the canonical NaN is returned),
/// and `-0 < +0`.
#[inline]
pub fn f64_max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else if b > a {
        b
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else {
        f64::NAN
    }
}

/// `f32.nearest`: round to the nearest integer, ties to even, keeping the sign
/// of zero. A NaN operand comes back quieted (payload kept), so canonical NaNs
/// stay canonical and any NaN yields an arithmetic NaN.
#[inline]
pub fn f32_nearest(a: f32) -> f32 {
    // 2^23: from here on every f32 is an integer.
    const TWO_POW_23: f32 = 8_388_608.0;
    let abs = a.abs();
    if abs < TWO_POW_23 {
        // In [2^23, 2^24) the spacing of f32 is exactly 1, so the addition
        // rounds `abs` to an integer (ties to even, as 2^23 is even) and the
        // subtraction is exact. The sign is restored afterwards so that e.g.
        // -0.4 gives -0.0.
        ((abs + TWO_POW_23) - TWO_POW_23).copysign(a)
    } else if a.is_nan() {
        f32::from_bits(a.to_bits() | 0x0040_0000)
    } else {
        a
    }
}

/// `f64.nearest`: round to the nearest integer, ties to even, keeping the sign
/// of zero. A NaN operand comes back quieted (payload kept).
#[inline]
pub fn f64_nearest(a: f64) -> f64 {
    // 2^52: from here on every f64 is an integer.
    const TWO_POW_52: f64 = 4_503_599_627_370_496.0;
    let abs = a.abs();
    if abs < TWO_POW_52 {
        // As in `f32_nearest`, with spacing 1 in [2^52, 2^53).
        ((abs + TWO_POW_52) - TWO_POW_52).copysign(a)
    } else if a.is_nan() {
        f64::from_bits(a.to_bits() | 0x0008_0000_0000_0000)
    } else {
        a
    }
}

macro_rules! rounding {
    ($float:ty, $int:ty, $integral_from:expr, $quiet_bit:expr, $trunc:ident, $ceil:ident, $floor:ident) => {
        /// Rounds toward zero without calling the C library (which x86-64 needs for it
        /// without SSE4.1): below the magnitude where every value is an integer, a round
        /// trip through the integer type truncates exactly (the sign is kept for -0);
        /// above it the value is its own result, except that a NaN gets its quiet bit set
        /// (WebAssembly wants an arithmetic NaN; the bit is set explicitly because the
        /// optimiser may drop an arithmetic no-op such as `+ 0.0` that would quieten it).
        /// Without branches, so lane-wise uses vectorise.
        #[inline]
        pub fn $trunc(a: $float) -> $float {
            let small = ((a as $int) as $float).copysign(a);
            let quiet = <$float>::from_bits(a.to_bits() | if a.is_nan() { $quiet_bit } else { 0 });
            if a.abs() < $integral_from { small } else { quiet }
        }

        /// Rounds toward +infinity; see the truncation above.
        #[inline]
        pub fn $ceil(a: $float) -> $float {
            let t = $trunc(a);
            if t < a { t + 1.0 } else { t }
        }

        /// Rounds toward -infinity; see the truncation above.
        #[inline]
        pub fn $floor(a: $float) -> $float {
            let t = $trunc(a);
            if t > a { t - 1.0 } else { t }
        }
    };
}
rounding!(f32, i32, 8_388_608.0, 0x0040_0000, f32_trunc, f32_ceil, f32_floor);
rounding!(f64, i64, 4_503_599_627_370_496.0, 0x0008_0000_0000_0000, f64_trunc, f64_ceil, f64_floor);

#[cfg(test)]
mod rounding_tests {
    use super::*;

    #[test]
    fn rounding_a_signalling_nan_quietens_it() {
        // `black_box`: the optimiser must not see the constant.
        let snan32 = std::hint::black_box(f32::from_bits(0x7fa0_0000));
        let snan64 = std::hint::black_box(f64::from_bits(0xfff4_0000_0000_0000));
        for rounded in [f32_trunc(snan32), f32_ceil(snan32), f32_floor(snan32)] {
            assert_eq!(rounded.to_bits(), 0x7fe0_0000);
        }
        for rounded in [f64_trunc(snan64), f64_ceil(snan64), f64_floor(snan64)] {
            assert_eq!(rounded.to_bits(), 0xfffc_0000_0000_0000);
        }
    }

    #[test]
    fn rounding_keeps_signs_and_large_values() {
        assert_eq!(f64_ceil(-0.5).to_bits(), (-0.0f64).to_bits());
        assert_eq!(f64_floor(0.5).to_bits(), 0.0f64.to_bits());
        assert_eq!(f32_trunc(-7.9), -7.0);
        assert_eq!(f64_floor(-1.5), -2.0);
        assert_eq!(f32_ceil(1e30), 1e30);
        assert_eq!(f64_trunc(f64::NEG_INFINITY), f64::NEG_INFINITY);
    }
}

/// `f32.copysign`: the magnitude bits of `a` with the sign bit of `b`
/// (purely bitwise, NaNs included).
#[inline]
pub fn f32_copysign(a: f32, b: f32) -> f32 {
    const SIGN: u32 = 1 << 31;
    f32::from_bits((a.to_bits() & !SIGN) | (b.to_bits() & SIGN))
}

/// `f64.copysign`: the magnitude bits of `a` with the sign bit of `b`
/// (purely bitwise, NaNs included).
#[inline]
pub fn f64_copysign(a: f64, b: f64) -> f64 {
    const SIGN: u64 = 1 << 63;
    f64::from_bits((a.to_bits() & !SIGN) | (b.to_bits() & SIGN))
}

// ---------------------------------------------------------------------------
// Trapping float -> integer conversions.
//
// A value converts if truncating it toward zero lands in the target range.
// For a signed N-bit target that is `-2^(N-1) - 1 < x < 2^(N-1)`; for an
// unsigned one `-1 < x < 2^N`. All of these bounds are exact in the source
// type except `-2^(N-1) - 1` when it has no representation (f32 for both
// widths, f64 for 64 bits); there the next float below `-2^(N-1)` is at least
// 1 further down, so `x >= -2^(N-1)` is the same condition.
// Within range, `as` truncates toward zero exactly.

/// Shared body: NaN -> `BadConversionToInteger`, not `$in_range` -> `IntegerOverflow`.
macro_rules! checked_trunc {
    ($x:expr, $in_range:expr, $int:ty) => {{
        let x = $x;
        if x.is_nan() {
            Err(TrapCode::BadConversionToInteger)
        } else if $in_range {
            Ok(x as $int)
        } else {
            Err(TrapCode::IntegerOverflow)
        }
    }};
}

/// `i32.trunc_f32_s`.
#[inline]
pub fn i32_trunc_f32_s(x: f32) -> Result<i32, TrapCode> {
    checked_trunc!(x, (-2_147_483_648.0..2_147_483_648.0).contains(&x), i32)
}

/// `i32.trunc_f32_u`.
#[inline]
pub fn i32_trunc_f32_u(x: f32) -> Result<u32, TrapCode> {
    checked_trunc!(x, x > -1.0 && x < 4_294_967_296.0, u32)
}

/// `i32.trunc_f64_s`.
#[inline]
pub fn i32_trunc_f64_s(x: f64) -> Result<i32, TrapCode> {
    checked_trunc!(x, x > -2_147_483_649.0 && x < 2_147_483_648.0, i32)
}

/// `i32.trunc_f64_u`.
#[inline]
pub fn i32_trunc_f64_u(x: f64) -> Result<u32, TrapCode> {
    checked_trunc!(x, x > -1.0 && x < 4_294_967_296.0, u32)
}

/// `i64.trunc_f32_s`.
#[inline]
pub fn i64_trunc_f32_s(x: f32) -> Result<i64, TrapCode> {
    checked_trunc!(x, (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x), i64)
}

/// `i64.trunc_f32_u`.
#[inline]
pub fn i64_trunc_f32_u(x: f32) -> Result<u64, TrapCode> {
    checked_trunc!(x, x > -1.0 && x < 18_446_744_073_709_551_616.0, u64)
}

/// `i64.trunc_f64_s`.
#[inline]
pub fn i64_trunc_f64_s(x: f64) -> Result<i64, TrapCode> {
    checked_trunc!(x, (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x), i64)
}

/// `i64.trunc_f64_u`.
#[inline]
pub fn i64_trunc_f64_u(x: f64) -> Result<u64, TrapCode> {
    checked_trunc!(x, x > -1.0 && x < 18_446_744_073_709_551_616.0, u64)
}

// ---------------------------------------------------------------------------
// Saturating float -> integer conversions. Rust's `as` has exactly the wasm
// semantics: truncate toward zero, clamp to the target range, NaN -> 0.

/// `i32.trunc_sat_f32_s`.
#[inline]
pub fn i32_trunc_sat_f32_s(x: f32) -> i32 {
    x as i32
}

/// `i32.trunc_sat_f32_u`.
#[inline]
pub fn i32_trunc_sat_f32_u(x: f32) -> u32 {
    x as u32
}

/// `i32.trunc_sat_f64_s`.
#[inline]
pub fn i32_trunc_sat_f64_s(x: f64) -> i32 {
    x as i32
}

/// `i32.trunc_sat_f64_u`.
#[inline]
pub fn i32_trunc_sat_f64_u(x: f64) -> u32 {
    x as u32
}

/// `i64.trunc_sat_f32_s`.
#[inline]
pub fn i64_trunc_sat_f32_s(x: f32) -> i64 {
    x as i64
}

/// `i64.trunc_sat_f32_u`.
#[inline]
pub fn i64_trunc_sat_f32_u(x: f32) -> u64 {
    x as u64
}

/// `i64.trunc_sat_f64_s`.
#[inline]
pub fn i64_trunc_sat_f64_s(x: f64) -> i64 {
    x as i64
}

/// `i64.trunc_sat_f64_u`.
#[inline]
pub fn i64_trunc_sat_f64_u(x: f64) -> u64 {
    x as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TrapCode::{BadConversionToInteger as Nan, IntegerOverflow as Ovf};

    fn is_neg_zero32(x: f32) -> bool {
        x.to_bits() == 0x8000_0000
    }
    fn is_pos_zero32(x: f32) -> bool {
        x.to_bits() == 0
    }
    fn is_neg_zero64(x: f64) -> bool {
        x.to_bits() == 0x8000_0000_0000_0000
    }
    fn is_pos_zero64(x: f64) -> bool {
        x.to_bits() == 0
    }

    #[test]
    fn i32_division() {
        use TrapCode::{IntegerDivisionByZero as Div0, IntegerOverflow as Ovf};
        assert_eq!(i32_div_s(7, 2), Ok(3));
        assert_eq!(i32_div_s(-7, 2), Ok(-3));
        assert_eq!(i32_div_s(7, -2), Ok(-3));
        assert_eq!(i32_div_s(i32::MIN, 1), Ok(i32::MIN));
        assert_eq!(i32_div_s(i32::MIN, -1), Err(Ovf));
        assert_eq!(i32_div_s(i32::MIN, 2), Ok(-1 << 30));
        assert_eq!(i32_div_s(1, 0), Err(Div0));
        assert_eq!(i32_div_s(0, 0), Err(Div0));
        assert_eq!(i32_div_s(i32::MIN, 0), Err(Div0));

        assert_eq!(i32_div_u(7, 2), Ok(3));
        assert_eq!(i32_div_u(u32::MAX, 1), Ok(u32::MAX));
        assert_eq!(i32_div_u(0x8000_0000, u32::MAX), Ok(0));
        assert_eq!(i32_div_u(u32::MAX, 2), Ok(0x7fff_ffff));
        assert_eq!(i32_div_u(1, 0), Err(Div0));

        assert_eq!(i32_rem_s(7, 2), Ok(1));
        assert_eq!(i32_rem_s(-7, 2), Ok(-1));
        assert_eq!(i32_rem_s(7, -2), Ok(1));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i32_rem_s(i32::MIN, 2), Ok(0));
        assert_eq!(i32_rem_s(i32::MIN, 3), Ok(-2));
        assert_eq!(i32_rem_s(1, 0), Err(Div0));
        assert_eq!(i32_rem_s(i32::MIN, 0), Err(Div0));

        assert_eq!(i32_rem_u(7, 2), Ok(1));
        assert_eq!(i32_rem_u(u32::MAX, 0x8000_0000), Ok(0x7fff_ffff));
        assert_eq!(i32_rem_u(0x8000_0000, u32::MAX), Ok(0x8000_0000));
        assert_eq!(i32_rem_u(1, 0), Err(Div0));
    }

    #[test]
    fn i64_division() {
        use TrapCode::{IntegerDivisionByZero as Div0, IntegerOverflow as Ovf};
        assert_eq!(i64_div_s(7, 2), Ok(3));
        assert_eq!(i64_div_s(-7, 2), Ok(-3));
        assert_eq!(i64_div_s(i64::MIN, -1), Err(Ovf));
        assert_eq!(i64_div_s(i64::MIN, 1), Ok(i64::MIN));
        assert_eq!(i64_div_s(i64::MAX, -1), Ok(-i64::MAX));
        assert_eq!(i64_div_s(1, 0), Err(Div0));
        assert_eq!(i64_div_s(i64::MIN, 0), Err(Div0));

        assert_eq!(i64_div_u(u64::MAX, 2), Ok(u64::MAX / 2));
        assert_eq!(i64_div_u(1 << 63, u64::MAX), Ok(0));
        assert_eq!(i64_div_u(1, 0), Err(Div0));

        assert_eq!(i64_rem_s(-7, 2), Ok(-1));
        assert_eq!(i64_rem_s(7, -2), Ok(1));
        assert_eq!(i64_rem_s(i64::MIN, -1), Ok(0));
        assert_eq!(i64_rem_s(i64::MIN, 3), Ok(-2));
        assert_eq!(i64_rem_s(1, 0), Err(Div0));

        assert_eq!(i64_rem_u(u64::MAX, 1 << 63), Ok(i64::MAX as u64));
        assert_eq!(i64_rem_u(1 << 63, u64::MAX), Ok(1 << 63));
        assert_eq!(i64_rem_u(1, 0), Err(Div0));
    }

    #[test]
    fn min_max_f32() {
        assert_eq!(f32_min(1.0, 2.0), 1.0);
        assert_eq!(f32_min(2.0, 1.0), 1.0);
        assert_eq!(f32_max(1.0, 2.0), 2.0);
        assert_eq!(f32_max(2.0, 1.0), 2.0);
        assert_eq!(f32_min(-1.0, 1.0), -1.0);
        assert_eq!(f32_min(f32::NEG_INFINITY, 0.0), f32::NEG_INFINITY);
        assert_eq!(f32_max(f32::INFINITY, 0.0), f32::INFINITY);
        assert_eq!(f32_min(3.5, 3.5), 3.5);

        assert!(is_neg_zero32(f32_min(-0.0, 0.0)));
        assert!(is_neg_zero32(f32_min(0.0, -0.0)));
        assert!(is_neg_zero32(f32_min(-0.0, -0.0)));
        assert!(is_pos_zero32(f32_min(0.0, 0.0)));
        assert!(is_pos_zero32(f32_max(-0.0, 0.0)));
        assert!(is_pos_zero32(f32_max(0.0, -0.0)));
        assert!(is_neg_zero32(f32_max(-0.0, -0.0)));

        let snan = f32::from_bits(0x7f80_0001);
        let neg_nan = -f32::NAN;
        for nan in [f32::NAN, neg_nan, snan] {
            for other in [0.0, -0.0, 1.0, f32::INFINITY, f32::NEG_INFINITY, nan] {
                for r in [f32_min(nan, other), f32_min(other, nan), f32_max(nan, other), f32_max(other, nan)] {
                    assert!(r.is_nan());
                    // Quiet bit set.
                    assert_ne!(r.to_bits() & 0x0040_0000, 0);
                }
            }
        }
    }

    #[test]
    fn min_max_f64() {
        assert_eq!(f64_min(1.0, 2.0), 1.0);
        assert_eq!(f64_min(2.0, 1.0), 1.0);
        assert_eq!(f64_max(1.0, 2.0), 2.0);
        assert_eq!(f64_max(2.0, 1.0), 2.0);
        assert_eq!(f64_min(f64::NEG_INFINITY, f64::MIN), f64::NEG_INFINITY);
        assert_eq!(f64_max(f64::INFINITY, f64::MAX), f64::INFINITY);

        assert!(is_neg_zero64(f64_min(-0.0, 0.0)));
        assert!(is_neg_zero64(f64_min(0.0, -0.0)));
        assert!(is_pos_zero64(f64_min(0.0, 0.0)));
        assert!(is_pos_zero64(f64_max(-0.0, 0.0)));
        assert!(is_pos_zero64(f64_max(0.0, -0.0)));
        assert!(is_neg_zero64(f64_max(-0.0, -0.0)));

        let snan = f64::from_bits(0x7ff0_0000_0000_0001);
        for nan in [f64::NAN, -f64::NAN, snan] {
            for other in [0.0, -0.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, nan] {
                for r in [f64_min(nan, other), f64_min(other, nan), f64_max(nan, other), f64_max(other, nan)] {
                    assert!(r.is_nan());
                    assert_ne!(r.to_bits() & 0x0008_0000_0000_0000, 0);
                }
            }
        }
    }

    #[test]
    fn nearest_f32() {
        let cases: &[(f32, f32)] = &[
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (3.5, 4.0),
            (-1.5, -2.0),
            (-2.5, -2.0),
            (0.4, 0.0),
            (0.6, 1.0),
            (1.0, 1.0),
            (-3.7, -4.0),
            (8_388_607.5, 8_388_608.0),
            (8_388_606.5, 8_388_606.0),
            (8_388_608.0, 8_388_608.0),
            (8_388_609.0, 8_388_609.0),
            (-8_388_609.0, -8_388_609.0),
            (16_777_215.0, 16_777_215.0),
            (f32::MAX, f32::MAX),
            (f32::MIN, f32::MIN),
            (f32::INFINITY, f32::INFINITY),
            (f32::NEG_INFINITY, f32::NEG_INFINITY),
        ];
        for &(input, expected) in cases {
            assert_eq!(f32_nearest(input), expected, "nearest({input})");
        }
        assert!(is_neg_zero32(f32_nearest(-0.5)));
        assert!(is_neg_zero32(f32_nearest(-0.4)));
        assert!(is_neg_zero32(f32_nearest(-0.0)));
        assert!(is_neg_zero32(f32_nearest(-f32::MIN_POSITIVE)));
        assert!(is_pos_zero32(f32_nearest(0.0)));
        assert!(is_pos_zero32(f32_nearest(0.5)));
        assert!(is_pos_zero32(f32_nearest(f32::from_bits(1))));

        assert_eq!(f32_nearest(f32::NAN).to_bits(), f32::NAN.to_bits());
        assert_eq!(f32_nearest(-f32::NAN).to_bits(), (-f32::NAN).to_bits());
        let snan = f32::from_bits(0x7f80_0001);
        assert_eq!(f32_nearest(snan).to_bits(), 0x7fc0_0001);

        // Exhaustive-ish comparison against std's ties-even rounding.
        let mut bits = 0u32;
        loop {
            let x = f32::from_bits(bits);
            if !x.is_nan() {
                assert_eq!(f32_nearest(x).to_bits(), x.round_ties_even().to_bits(), "{x}");
            }
            bits = match bits.checked_add(9_973) {
                Some(b) => b,
                None => break,
            };
        }
    }

    #[test]
    fn nearest_f64() {
        let cases: &[(f64, f64)] = &[
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (-1.5, -2.0),
            (-2.5, -2.0),
            (0.49999999999999994, 0.0),
            (4_503_599_627_370_495.5, 4_503_599_627_370_496.0),
            (4_503_599_627_370_494.5, 4_503_599_627_370_494.0),
            (4_503_599_627_370_496.0, 4_503_599_627_370_496.0),
            (4_503_599_627_370_497.0, 4_503_599_627_370_497.0),
            (-4_503_599_627_370_497.0, -4_503_599_627_370_497.0),
            (9_007_199_254_740_991.0, 9_007_199_254_740_991.0),
            (f64::MAX, f64::MAX),
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NEG_INFINITY),
        ];
        for &(input, expected) in cases {
            assert_eq!(f64_nearest(input), expected, "nearest({input})");
        }
        assert!(is_neg_zero64(f64_nearest(-0.5)));
        assert!(is_neg_zero64(f64_nearest(-0.0)));
        assert!(is_pos_zero64(f64_nearest(0.5)));
        assert!(is_pos_zero64(f64_nearest(0.0)));

        assert_eq!(f64_nearest(f64::NAN).to_bits(), f64::NAN.to_bits());
        let snan = f64::from_bits(0x7ff0_0000_0000_0001);
        assert_eq!(f64_nearest(snan).to_bits(), 0x7ff8_0000_0000_0001);

        let mut bits = 0u64;
        loop {
            let x = f64::from_bits(bits);
            if !x.is_nan() {
                assert_eq!(f64_nearest(x).to_bits(), x.round_ties_even().to_bits(), "{x}");
            }
            bits = match bits.checked_add(0x0000_1234_5678_9abd) {
                Some(b) => b,
                None => break,
            };
        }
    }

    #[test]
    fn copysign() {
        assert_eq!(f32_copysign(1.5, -0.0), -1.5);
        assert_eq!(f32_copysign(-1.5, 0.0), 1.5);
        assert_eq!(f32_copysign(-1.5, -2.0), -1.5);
        assert!(is_neg_zero32(f32_copysign(0.0, -1.0)));
        assert_eq!(f32_copysign(2.0, -f32::NAN), -2.0);
        assert_eq!(f32_copysign(2.0, f32::NAN), 2.0);
        // NaN payloads pass through untouched.
        let snan = f32::from_bits(0x7f80_0001);
        assert_eq!(f32_copysign(snan, -1.0).to_bits(), 0xff80_0001);
        assert_eq!(f32_copysign(f32::from_bits(0xff80_0001), 1.0).to_bits(), 0x7f80_0001);

        assert_eq!(f64_copysign(1.5, -0.0), -1.5);
        assert_eq!(f64_copysign(-1.5, 0.0), 1.5);
        assert!(is_neg_zero64(f64_copysign(0.0, -1.0)));
        assert_eq!(f64_copysign(2.0, -f64::NAN), -2.0);
        let snan = f64::from_bits(0x7ff0_0000_0000_0001);
        assert_eq!(f64_copysign(snan, -1.0).to_bits(), 0xfff0_0000_0000_0001);
    }

    /// The float just below/above `x` (for finite nonzero `x`).
    fn next_down32(x: f32) -> f32 {
        if x > 0.0 { f32::from_bits(x.to_bits() - 1) } else { f32::from_bits(x.to_bits() + 1) }
    }
    fn next_up32(x: f32) -> f32 {
        if x > 0.0 { f32::from_bits(x.to_bits() + 1) } else { f32::from_bits(x.to_bits() - 1) }
    }
    fn next_down64(x: f64) -> f64 {
        if x > 0.0 { f64::from_bits(x.to_bits() - 1) } else { f64::from_bits(x.to_bits() + 1) }
    }
    fn next_up64(x: f64) -> f64 {
        if x > 0.0 { f64::from_bits(x.to_bits() + 1) } else { f64::from_bits(x.to_bits() - 1) }
    }

    #[test]
    fn trunc_i32_f32() {
        // Signed.
        assert_eq!(i32_trunc_f32_s(0.0), Ok(0));
        assert_eq!(i32_trunc_f32_s(-0.0), Ok(0));
        assert_eq!(i32_trunc_f32_s(1.9), Ok(1));
        assert_eq!(i32_trunc_f32_s(-1.9), Ok(-1));
        assert_eq!(i32_trunc_f32_s(-0.9), Ok(0));
        assert_eq!(i32_trunc_f32_s(-2_147_483_648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(next_up32(-2_147_483_648.0)), Ok(-2_147_483_520));
        assert_eq!(i32_trunc_f32_s(next_down32(-2_147_483_648.0)), Err(Ovf));
        assert_eq!(i32_trunc_f32_s(2_147_483_648.0), Err(Ovf));
        assert_eq!(i32_trunc_f32_s(next_down32(2_147_483_648.0)), Ok(2_147_483_520));
        assert_eq!(i32_trunc_f32_s(f32::INFINITY), Err(Ovf));
        assert_eq!(i32_trunc_f32_s(f32::NEG_INFINITY), Err(Ovf));
        assert_eq!(i32_trunc_f32_s(f32::NAN), Err(Nan));
        assert_eq!(i32_trunc_f32_s(-f32::NAN), Err(Nan));
        assert_eq!(i32_trunc_f32_s(f32::from_bits(0x7f80_0001)), Err(Nan));
        // Unsigned.
        assert_eq!(i32_trunc_f32_u(0.0), Ok(0));
        assert_eq!(i32_trunc_f32_u(-0.0), Ok(0));
        assert_eq!(i32_trunc_f32_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f32_u(next_up32(-1.0)), Ok(0));
        assert_eq!(i32_trunc_f32_u(-1.0), Err(Ovf));
        assert_eq!(i32_trunc_f32_u(2_147_483_648.0), Ok(2_147_483_648));
        assert_eq!(i32_trunc_f32_u(4_294_967_296.0), Err(Ovf));
        assert_eq!(i32_trunc_f32_u(next_down32(4_294_967_296.0)), Ok(4_294_967_040));
        assert_eq!(i32_trunc_f32_u(f32::INFINITY), Err(Ovf));
        assert_eq!(i32_trunc_f32_u(f32::NEG_INFINITY), Err(Ovf));
        assert_eq!(i32_trunc_f32_u(f32::NAN), Err(Nan));
    }

    #[test]
    fn trunc_i32_f64() {
        assert_eq!(i32_trunc_f64_s(-2_147_483_648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2_147_483_648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(next_up64(-2_147_483_649.0)), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2_147_483_649.0), Err(Ovf));
        assert_eq!(i32_trunc_f64_s(2_147_483_647.9), Ok(i32::MAX));
        assert_eq!(i32_trunc_f64_s(next_down64(2_147_483_648.0)), Ok(i32::MAX));
        assert_eq!(i32_trunc_f64_s(2_147_483_648.0), Err(Ovf));
        assert_eq!(i32_trunc_f64_s(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_s(1e300), Err(Ovf));
        assert_eq!(i32_trunc_f64_s(f64::NEG_INFINITY), Err(Ovf));
        assert_eq!(i32_trunc_f64_s(f64::NAN), Err(Nan));
        assert_eq!(i32_trunc_f64_s(f64::from_bits(0x7ff0_0000_0000_0001)), Err(Nan));

        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(next_up64(-1.0)), Ok(0));
        assert_eq!(i32_trunc_f64_u(-1.0), Err(Ovf));
        assert_eq!(i32_trunc_f64_u(4_294_967_295.9), Ok(u32::MAX));
        assert_eq!(i32_trunc_f64_u(next_down64(4_294_967_296.0)), Ok(u32::MAX));
        assert_eq!(i32_trunc_f64_u(4_294_967_296.0), Err(Ovf));
        assert_eq!(i32_trunc_f64_u(1e16), Err(Ovf));
        assert_eq!(i32_trunc_f64_u(f64::INFINITY), Err(Ovf));
        assert_eq!(i32_trunc_f64_u(-f64::NAN), Err(Nan));
    }

    #[test]
    fn trunc_i64_f32() {
        let two63 = 9_223_372_036_854_775_808.0f32;
        let two64 = 18_446_744_073_709_551_616.0f32;
        assert_eq!(i64_trunc_f32_s(-two63), Ok(i64::MIN));
        assert_eq!(i64_trunc_f32_s(next_down32(-two63)), Err(Ovf));
        assert_eq!(i64_trunc_f32_s(two63), Err(Ovf));
        assert_eq!(i64_trunc_f32_s(next_down32(two63)), Ok(9_223_371_487_098_961_920));
        assert_eq!(i64_trunc_f32_s(-1.5), Ok(-1));
        assert_eq!(i64_trunc_f32_s(4_294_967_296.0), Ok(4_294_967_296));
        assert_eq!(i64_trunc_f32_s(f32::INFINITY), Err(Ovf));
        assert_eq!(i64_trunc_f32_s(f32::NAN), Err(Nan));

        assert_eq!(i64_trunc_f32_u(-0.9), Ok(0));
        assert_eq!(i64_trunc_f32_u(-1.0), Err(Ovf));
        assert_eq!(i64_trunc_f32_u(two63), Ok(1 << 63));
        assert_eq!(i64_trunc_f32_u(two64), Err(Ovf));
        assert_eq!(i64_trunc_f32_u(next_down32(two64)), Ok(18_446_742_974_197_923_840));
        assert_eq!(i64_trunc_f32_u(f32::NEG_INFINITY), Err(Ovf));
        assert_eq!(i64_trunc_f32_u(f32::NAN), Err(Nan));
    }

    #[test]
    fn trunc_i64_f64() {
        let two63 = 9_223_372_036_854_775_808.0f64;
        let two64 = 18_446_744_073_709_551_616.0f64;
        assert_eq!(i64_trunc_f64_s(-two63), Ok(i64::MIN));
        assert_eq!(i64_trunc_f64_s(next_down64(-two63)), Err(Ovf));
        assert_eq!(i64_trunc_f64_s(two63), Err(Ovf));
        assert_eq!(i64_trunc_f64_s(next_down64(two63)), Ok(9_223_372_036_854_774_784));
        assert_eq!(i64_trunc_f64_s(-0.9), Ok(0));
        assert_eq!(i64_trunc_f64_s(-4_294_967_297.5), Ok(-4_294_967_297));
        assert_eq!(i64_trunc_f64_s(f64::NEG_INFINITY), Err(Ovf));
        assert_eq!(i64_trunc_f64_s(f64::NAN), Err(Nan));

        assert_eq!(i64_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i64_trunc_f64_u(next_up64(-1.0)), Ok(0));
        assert_eq!(i64_trunc_f64_u(-1.0), Err(Ovf));
        assert_eq!(i64_trunc_f64_u(two63), Ok(1 << 63));
        assert_eq!(i64_trunc_f64_u(two64), Err(Ovf));
        assert_eq!(i64_trunc_f64_u(next_down64(two64)), Ok(18_446_744_073_709_549_568));
        assert_eq!(i64_trunc_f64_u(f64::INFINITY), Err(Ovf));
        assert_eq!(i64_trunc_f64_u(f64::NAN), Err(Nan));
    }

    #[test]
    fn trunc_sat() {
        assert_eq!(i32_trunc_sat_f32_s(f32::NAN), 0);
        assert_eq!(i32_trunc_sat_f32_s(-2_147_483_648.0), i32::MIN);
        assert_eq!(i32_trunc_sat_f32_s(2_147_483_648.0), i32::MAX);
        assert_eq!(i32_trunc_sat_f32_s(f32::NEG_INFINITY), i32::MIN);
        assert_eq!(i32_trunc_sat_f32_s(-1.9), -1);
        assert_eq!(i32_trunc_sat_f32_u(-1.0), 0);
        assert_eq!(i32_trunc_sat_f32_u(f32::INFINITY), u32::MAX);
        assert_eq!(i32_trunc_sat_f32_u(f32::NAN), 0);
        assert_eq!(i32_trunc_sat_f32_u(3.9), 3);

        assert_eq!(i32_trunc_sat_f64_s(-2_147_483_648.9), i32::MIN);
        assert_eq!(i32_trunc_sat_f64_s(-2_147_483_649.0), i32::MIN);
        assert_eq!(i32_trunc_sat_f64_s(2_147_483_647.9), i32::MAX);
        assert_eq!(i32_trunc_sat_f64_s(1e300), i32::MAX);
        assert_eq!(i32_trunc_sat_f64_s(-f64::NAN), 0);
        assert_eq!(i32_trunc_sat_f64_u(4_294_967_295.9), u32::MAX);
        assert_eq!(i32_trunc_sat_f64_u(4_294_967_296.0), u32::MAX);
        assert_eq!(i32_trunc_sat_f64_u(-5.0), 0);
        assert_eq!(i32_trunc_sat_f64_u(f64::NAN), 0);

        assert_eq!(i64_trunc_sat_f32_s(9_223_372_036_854_775_808.0), i64::MAX);
        assert_eq!(i64_trunc_sat_f32_s(-9_223_372_036_854_775_808.0), i64::MIN);
        assert_eq!(i64_trunc_sat_f32_s(f32::NEG_INFINITY), i64::MIN);
        assert_eq!(i64_trunc_sat_f32_s(f32::NAN), 0);
        assert_eq!(i64_trunc_sat_f32_u(18_446_744_073_709_551_616.0), u64::MAX);
        assert_eq!(i64_trunc_sat_f32_u(-0.9), 0);
        assert_eq!(i64_trunc_sat_f32_u(f32::NAN), 0);

        assert_eq!(i64_trunc_sat_f64_s(9_223_372_036_854_775_808.0), i64::MAX);
        assert_eq!(i64_trunc_sat_f64_s(-1e300), i64::MIN);
        assert_eq!(i64_trunc_sat_f64_s(-3.7), -3);
        assert_eq!(i64_trunc_sat_f64_s(f64::NAN), 0);
        assert_eq!(i64_trunc_sat_f64_u(18_446_744_073_709_551_616.0), u64::MAX);
        assert_eq!(i64_trunc_sat_f64_u(f64::NEG_INFINITY), 0);
        assert_eq!(i64_trunc_sat_f64_u(f64::NAN), 0);
    }

    /// The trapping conversions agree with the saturating ones wherever they
    /// succeed, and fail exactly where saturation or NaN handling kicks in.
    #[test]
    fn trapping_agrees_with_saturating() {
        let mut bits = 0u32;
        loop {
            let x = f32::from_bits(bits);
            let t = x.trunc();
            let s = i32_trunc_f32_s(x);
            assert_eq!(s.is_ok(), !x.is_nan() && (-2_147_483_648.0..2_147_483_648.0).contains(&t));
            if let Ok(v) = s {
                assert_eq!(v, i32_trunc_sat_f32_s(x));
            }
            let u = i64_trunc_f32_u(x);
            if let Ok(v) = u {
                assert_eq!(v, i64_trunc_sat_f32_u(x));
            }
            bits = match bits.checked_add(7_919) {
                Some(b) => b,
                None => break,
            };
        }
    }
}
