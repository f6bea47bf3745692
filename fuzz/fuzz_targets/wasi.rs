//! Random sequences of WASI calls from a guest with a temporary preopened directory: the
//! host must not panic, and nothing outside the preopen may change.
#![no_main]

use std::sync::OnceLock;

use gannet::{Engine, Module};

fn guest() -> &'static (Engine, Module) {
    static GUEST: OnceLock<(Engine, Module)> = OnceLock::new();
    GUEST.get_or_init(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, gannet_fuzz_smoke::wasi::guest_wat()).expect("the guest is valid");
        (engine, module)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (engine, module) = guest();
    if let Err(message) = gannet_fuzz_smoke::wasi::run(engine, module, data) {
        panic!("{message}");
    }
});
