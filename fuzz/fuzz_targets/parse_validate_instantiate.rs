//! Arbitrary bytes → `Module::from_binary` (eager: every body validated and translated)
//! → instantiation with dummy imports → every export called under fuel.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    gannet_fuzz_smoke::instantiate::run(data);
});
