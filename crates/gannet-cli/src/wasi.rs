//! WASI for the guest, set up only when a module imports it: a module without WASI
//! imports gets no context, no preopened directories and no WASI functions in its linker.

use gannet::{Linker, Store};
use gannet_wasi::{WasiCtx, WasiCtxBuilder};

use crate::failure::Failure;
use crate::load;

/// The store's data.
#[derive(Default)]
pub struct Host {
    /// Present once `link` has run, which is before any module that could call WASI exists.
    wasi: Option<WasiCtx>,
}

/// The guest's view of the world, as the command line describes it.
pub struct WasiOptions {
    /// The program name (the module path as given), then the guest's arguments.
    pub argv: Vec<String>,
    /// Variables after resolving `--env NAME` against gannet's environment.
    pub env: Vec<(String, String)>,
    /// Preopened directories: host path, guest name.
    pub dirs: Vec<(std::path::PathBuf, String)>,
}

/// Builds the guest's WASI context into `store` and defines the WASI functions in `linker`.
pub fn link(linker: &mut Linker<Host>, store: &mut Store<Host>, options: WasiOptions) -> Result<(), Failure> {
    let mut builder = WasiCtxBuilder::new();
    builder.args(&options.argv).inherit_stdio();
    for (name, value) in options.env {
        builder.env(name, value);
    }
    for (host, guest) in options.dirs {
        builder.preopened_dir(&host, guest).map_err(|error| {
            Failure::error(format!("cannot open --dir `{}`: {}", host.display(), load::io_reason(&error)))
        })?;
    }
    store.data_mut().wasi = Some(builder.build());
    gannet_wasi::add_to_linker(linker, store, |host: &mut Host| {
        host.wasi.as_mut().expect("the WASI context is stored before WASI functions can be called")
    })
    .map_err(|error| Failure::from_gannet(error, "setting up WASI"))
}
