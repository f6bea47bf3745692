//! Chooses the interpreter's dispatch mode (see `exec::dispatch`).
//!
//! Handlers jump to the next handler with a tail call when that call is guaranteed
//! (`become`, the `nightly` feature) or when the optimiser reliably turns it into a
//! jump: an optimised build (`opt-level` 2 or 3) for x86-64. Anything else (debug builds,
//! other targets) uses the dispatch loop, which is correct under any compiler settings.
//!
//! `GANNET_SIMD=portable` builds the SIMD operations without the x86-64 intrinsics
//! (`exec::simd`), so the portable code can be tested on x86-64 too.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(gannet_tail_dispatch)");
    println!("cargo::rustc-check-cfg=cfg(gannet_portable_simd)");
    println!("cargo::rerun-if-env-changed=GANNET_SIMD");
    if std::env::var("GANNET_SIMD").as_deref() == Ok("portable") {
        println!("cargo::rustc-cfg=gannet_portable_simd");
    }
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=GANNET_DISPATCH");
    let nightly = std::env::var_os("CARGO_FEATURE_NIGHTLY").is_some();
    let optimised = matches!(std::env::var("OPT_LEVEL").as_deref(), Ok("2" | "3"));
    let x86_64 = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64");
    // `GANNET_DISPATCH=loop` forces the loop, e.g. to measure what tail calls are worth.
    let forced_loop = std::env::var("GANNET_DISPATCH").as_deref() == Ok("loop");
    if nightly || (optimised && x86_64 && !forced_loop) {
        println!("cargo::rustc-cfg=gannet_tail_dispatch");
    }
}
