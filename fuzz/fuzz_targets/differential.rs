//! A `wasm-smith` module runs in Gannet and in wasmi; any observable difference panics
//! with the module printed as text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(gannet_fuzz_smoke::differential::Mismatch { wasm, message }) =
        gannet_fuzz_smoke::differential::run_bytes(data)
    {
        panic!("{message}\nmodule:\n{}", gannet_fuzz_smoke::wat_of(&wasm));
    }
});
