//! `--invoke` arguments and results as text.
//!
//! Numbers are read with the WebAssembly text format's literal syntax (the `wast` crate's
//! lexer), so what works in a `.wat` file works here: `-7`, `0xff`, `1_000`, `4294967295`
//! for an i32 (wraps to -1), `1.5e3`, `0x1p-3`, `nan`, `nan:0x200000`, `inf`, `-inf`.

use gannet::{Val, ValType};
use wast::parser::{self, ParseBuffer};
use wast::token::{F32, F64};

/// Reads `text` as a value of type `ty`; the error says what was expected.
pub fn parse(text: &str, ty: ValType) -> Result<Val, String> {
    let literal = |expected: &str| format!("expected {expected}");
    Ok(match ty {
        ValType::I32 => Val::I32(wat_literal::<i32>(text).ok_or_else(|| literal("a 32-bit integer"))?),
        ValType::I64 => Val::I64(wat_literal::<i64>(text).ok_or_else(|| literal("a 64-bit integer"))?),
        ValType::F32 => Val::F32(wat_literal::<F32>(text).ok_or_else(|| literal("a number, nan or inf"))?.bits),
        ValType::F64 => Val::F64(wat_literal::<F64>(text).ok_or_else(|| literal("a number, nan or inf"))?.bits),
        ValType::V128 => Val::V128(parse_u128(text).ok_or_else(|| literal("a 128-bit integer"))?),
        ValType::FuncRef if text == "null" => Val::FuncRef(None),
        ValType::ExternRef if text == "null" => Val::ExternRef(None),
        ValType::FuncRef | ValType::ExternRef => {
            return Err(literal("`null`, the only reference a command line can give"));
        }
        other => return Err(format!("cannot pass a {other} from the command line")),
    })
}

/// Exactly one literal: `parse` fails on anything left over.
fn wat_literal<T: for<'a> wast::parser::Parse<'a>>(text: &str) -> Option<T> {
    let buffer = ParseBuffer::new(text).ok()?;
    parser::parse::<T>(&buffer).ok()
}

fn parse_u128(text: &str) -> Option<u128> {
    let text = text.replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u128::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// A result as wasmtime's `--invoke` prints it, so output can be compared between the two.
pub fn show(value: &Val) -> String {
    match value {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(v) => v.to_string(),
        Val::FuncRef(None) => "<null funcref>".into(),
        Val::FuncRef(Some(_)) => "<funcref>".into(),
        Val::ExternRef(None) => "<null externref>".into(),
        Val::ExternRef(Some(_)) => "<externref>".into(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, ty: ValType) -> Val {
        parse(text, ty).unwrap_or_else(|error| panic!("`{text}` as {ty}: {error}"))
    }

    #[test]
    fn integers() {
        assert_eq!(ok("42", ValType::I32), Val::I32(42));
        assert_eq!(ok("-42", ValType::I32), Val::I32(-42));
        assert_eq!(ok("+7", ValType::I32), Val::I32(7));
        assert_eq!(ok("0xff", ValType::I32), Val::I32(255));
        assert_eq!(ok("-0x10", ValType::I32), Val::I32(-16));
        assert_eq!(ok("4294967295", ValType::I32), Val::I32(-1));
        assert_eq!(ok("-2147483648", ValType::I32), Val::I32(i32::MIN));
        assert_eq!(ok("1_000", ValType::I32), Val::I32(1000));
        assert_eq!(ok("0xffffffffffffffff", ValType::I64), Val::I64(-1));
        assert_eq!(ok("-9223372036854775808", ValType::I64), Val::I64(i64::MIN));
        for bad in ["4294967296", "-2147483649", "1.5", "x", "", "-", "0x", "1 2", "(", "nan"] {
            assert!(parse(bad, ValType::I32).is_err(), "`{bad}` accepted as i32");
        }
        assert!(parse("18446744073709551616", ValType::I64).is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(ok("1.5", ValType::F32), Val::F32(1.5f32.to_bits()));
        assert_eq!(ok("-2", ValType::F32), Val::F32((-2.0f32).to_bits()));
        assert_eq!(ok("1e3", ValType::F64), Val::F64(1000f64.to_bits()));
        assert_eq!(ok("0x1p-2", ValType::F64), Val::F64(0.25f64.to_bits()));
        assert_eq!(ok("inf", ValType::F64), Val::F64(f64::INFINITY.to_bits()));
        assert_eq!(ok("-inf", ValType::F32), Val::F32(f32::NEG_INFINITY.to_bits()));
        assert_eq!(ok("nan", ValType::F32), Val::F32(0x7fc0_0000));
        assert_eq!(ok("-nan", ValType::F64), Val::F64(0xfff8_0000_0000_0000));
        assert_eq!(ok("nan:0x1", ValType::F32), Val::F32(0x7f80_0001));
        for bad in ["", "x", "1.5.2", "infinity", "--1"] {
            assert!(parse(bad, ValType::F64).is_err(), "`{bad}` accepted as f64");
        }
    }

    #[test]
    fn others() {
        assert_eq!(ok("0x10", ValType::V128), Val::V128(16));
        assert_eq!(ok("null", ValType::FuncRef), Val::FuncRef(None));
        assert!(parse("1", ValType::ExternRef).is_err());
    }

    #[test]
    fn shown_like_wasmtime() {
        assert_eq!(show(&Val::I32(-1)), "-1");
        assert_eq!(show(&Val::I64(i64::MAX)), "9223372036854775807");
        assert_eq!(show(&Val::F32(1.5f32.to_bits())), "1.5");
        assert_eq!(show(&Val::F64(3f64.to_bits())), "3");
        assert_eq!(show(&Val::F64(f64::NEG_INFINITY.to_bits())), "-inf");
        assert_eq!(show(&Val::F32(f32::NAN.to_bits())), "NaN");
        assert_eq!(show(&Val::FuncRef(None)), "<null funcref>");
    }
}
