//! GC and exceptions: a `wasm-smith` module using them, compiled eagerly and run with a
//! collection before every allocation; nothing may panic (`gannet_fuzz_smoke::gc`).
#![no_main]

use std::sync::OnceLock;

static ENGINE: OnceLock<gannet::Engine> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    gannet_fuzz_smoke::gc::run(ENGINE.get_or_init(gannet_fuzz_smoke::gc::engine), data);
});
