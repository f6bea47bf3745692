//! The oracles behind Gannet's fuzz targets (`fuzz/`), shared with the deterministic smoke
//! tests in `tests/` that plain `cargo test` runs:
//!
//! - [`instantiate::run`]: arbitrary bytes are decoded, validated, translated (eagerly) and
//!   instantiated with dummy imports; every exported function is then called under fuel.
//! - [`differential::run`]: a `wasm-smith` module runs in Gannet and in wasmi, and every
//!   observable result must agree.
//! - [`gc::run`]: a `wasm-smith` module with GC and exceptions runs with a collection
//!   before every allocation, without panicking.
//! - [`wasi::run`]: random sequences of WASI calls on a temporary preopened directory must
//!   neither panic the host nor touch anything outside the preopen.

pub mod differential;
pub mod gc;
pub mod instantiate;
pub mod wasi;

/// A small deterministic generator (SplitMix64) that turns a seed into the bytes a fuzz
/// target would get from libFuzzer, so the smoke tests need no randomness crate.
pub fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The module as WebAssembly text, for failure reports (or why it cannot be printed).
pub fn wat_of(wasm: &[u8]) -> String {
    wasmprinter::print_bytes(wasm).unwrap_or_else(|error| format!("<not printable: {error}>"))
}
