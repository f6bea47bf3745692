//! WASI for the guest, set up only when a module imports it.
//!
//! PENDING WASI CRATE: the implementation (`crates/gannet-wasi`) is not in this build yet,
//! so `link` refuses modules that import WASI. Everything else about the guest's
//! environment (argv, `--env`, `--dir`) is already worked out by `run` and handed over in
//! `WasiOptions`, ready for the crate.

use gannet::{Linker, Module, Store};

use crate::failure::Failure;

/// The module name WASI preview 1 functions are imported from.
const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// The store's data.
#[derive(Default)]
pub struct Host {}

/// The guest's view of the world, as the command line describes it.
#[expect(dead_code, reason = "read by `link` once the WASI crate is in this build")]
pub struct WasiOptions {
    /// The program name (the module path as given), then the guest's arguments.
    pub argv: Vec<String>,
    /// Variables after resolving `--env NAME` against gannet's environment.
    pub env: Vec<(String, String)>,
    /// Preopened directories: host path, guest name.
    pub dirs: Vec<(std::path::PathBuf, String)>,
}

pub fn imports_wasi(module: &Module) -> bool {
    module.imports().any(|(from, _, _)| from == WASI_MODULE)
}

pub fn link(_linker: &mut Linker<Host>, _store: &mut Store<Host>, _options: WasiOptions) -> Result<(), Failure> {
    Err(Failure::error("this module imports WASI, which this build does not support yet"))
}
