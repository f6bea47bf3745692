//! WASI preview 1 (`wasi_snapshot_preview1`) for Gannet.
//!
//! A guest sees only what its [`WasiCtx`] gives it: arguments, environment variables,
//! standard streams and preopened directories. Paths are resolved with `cap-std` inside
//! the directory a descriptor refers to, so `..`, absolute paths and symlinks cannot reach
//! anything outside the preopens.
//!
//! ```no_run
//! use gannet::{Engine, Linker, Module, Store};
//! use gannet_wasi::{WasiCtx, WasiCtxBuilder};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, std::fs::read("app.wasm")?)?;
//! let wasi = WasiCtxBuilder::new().args(&["app.wasm"]).inherit_stdio().build();
//! let mut store = Store::new(&engine, wasi);
//! let mut linker = Linker::new(&engine);
//! gannet_wasi::add_to_linker(&mut linker, &mut store, |wasi: &mut WasiCtx| wasi)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
//! match start.call(&mut store, ()) {
//!     Ok(()) => {}
//!     Err(gannet::Error::Exit(code)) => std::process::exit(code),
//!     Err(error) => return Err(error.into()),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod ctx;
mod errno;
mod guest;
mod host;
mod rights;

use gannet::{Caller, Extern, FuncType, Linker, Module, Store, Val, ValType};

pub use ctx::{OutputPipe, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;

use guest::GuestMemory;
use host::Cx;

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Whether `module` imports anything from WASI preview 1: only such modules need a
/// [`WasiCtx`].
pub fn imports_wasi(module: &Module) -> bool {
    module.imports().any(|(module, _, _)| module == MODULE)
}

/// Runs `call` with the calling instance's memory (empty if it exports none, so every
/// pointer is then `EFAULT`) and the store's WASI state.
fn with_cx<T, R>(
    caller: &mut Caller<'_, T>,
    get: impl Fn(&mut T) -> &mut WasiCtx,
    call: impl FnOnce(&mut Cx<'_>) -> R,
) -> R {
    match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => {
            let (bytes, data) = memory.data_and_store_mut(caller.store());
            call(&mut Cx { mem: GuestMemory::new(bytes), wasi: get(data) })
        }
        _ => call(&mut Cx { mem: GuestMemory::new(&mut []), wasi: get(caller.data_mut()) }),
    }
}

/// A parameter of a WASI function: `u32` for `i32` slots, `u64` (or `i64`) for `i64`.
trait Param: Sized {
    const TYPE: ValType;
    fn from_val(val: &Val) -> Option<Self>;
}
impl Param for u32 {
    const TYPE: ValType = ValType::I32;
    fn from_val(val: &Val) -> Option<Self> {
        val.i32().map(|v| v as u32)
    }
}
impl Param for u64 {
    const TYPE: ValType = ValType::I64;
    fn from_val(val: &Val) -> Option<Self> {
        val.i64().map(|v| v as u64)
    }
}
impl Param for i64 {
    const TYPE: ValType = ValType::I64;
    fn from_val(val: &Val) -> Option<Self> {
        val.i64()
    }
}

macro_rules! wasi_functions {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        /// Names of every WASI preview 1 function Gannet provides.
        pub const FUNCTIONS: &[&str] = &[$(stringify!($name),)* "proc_exit"];

        fn define_all<T: 'static>(
            linker: &mut Linker<T>,
            store: &mut Store<T>,
            get: impl Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
        ) -> gannet::Result<()> {
            $(
                let ty = FuncType::new(vec![$(<$ty as Param>::TYPE),*], vec![ValType::I32]);
                linker.func_new(store, MODULE, stringify!($name), ty, move |mut caller, params, results| {
                    #[allow(unused_mut, unused_variables)]
                    let mut params = params.iter();
                    $(let $arg = params.next().and_then(<$ty as Param>::from_val).ok_or_else(|| {
                        gannet::Error::Host(concat!(stringify!($name), ": wrong argument types").into())
                    })?;)*
                    let outcome = with_cx(&mut caller, get, |cx| cx.$name($($arg),*));
                    results[0] = Val::I32(outcome.err().unwrap_or(Errno::SUCCESS).0 as i32);
                    Ok(())
                })?;
            )*
            Ok(())
        }
    };
}

wasi_functions! {
    args_get(argv: u32, argv_buf: u32);
    args_sizes_get(argc: u32, buf_size: u32);
    environ_get(environ: u32, environ_buf: u32);
    environ_sizes_get(count: u32, buf_size: u32);
    clock_res_get(id: u32, resolution: u32);
    clock_time_get(id: u32, precision: u64, time: u32);
    fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
    fd_allocate(fd: u32, offset: u64, len: u64);
    fd_close(fd: u32);
    fd_datasync(fd: u32);
    fd_fdstat_get(fd: u32, stat: u32);
    fd_fdstat_set_flags(fd: u32, flags: u32);
    fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
    fd_filestat_get(fd: u32, buf: u32);
    fd_filestat_set_size(fd: u32, size: u64);
    fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32);
    fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
    fd_prestat_get(fd: u32, buf: u32);
    fd_prestat_dir_name(fd: u32, path: u32, path_len: u32);
    fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
    fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
    fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
    fd_renumber(fd: u32, to: u32);
    fd_seek(fd: u32, offset: i64, whence: u32, newoffset: u32);
    fd_sync(fd: u32);
    fd_tell(fd: u32, offset: u32);
    fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
    path_create_directory(fd: u32, path: u32, path_len: u32);
    path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
    path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
    path_link(old_fd: u32, old_flags: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
    path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, opened: u32);
    path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
    path_remove_directory(fd: u32, path: u32, path_len: u32);
    path_rename(fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
    path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
    path_unlink_file(fd: u32, path: u32, path_len: u32);
    poll_oneoff(subscriptions: u32, events: u32, count: u32, nevents: u32);
    proc_raise(signal: u32);
    sched_yield();
    random_get(buf: u32, buf_len: u32);
    sock_accept(fd: u32, flags: u32, opened: u32);
    sock_recv(fd: u32, data: u32, len: u32, flags: u32, nread: u32, oflags: u32);
    sock_send(fd: u32, data: u32, len: u32, flags: u32, nwritten: u32);
    sock_shutdown(fd: u32, how: u32);
}

/// Defines every `wasi_snapshot_preview1` function in `linker`. `get` finds the
/// [`WasiCtx`] inside the store's data.
///
/// `proc_exit(code)` ends the guest: the call that ran it returns
/// `Err(gannet::Error::Exit(code))`.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
) -> gannet::Result<()> {
    define_all(linker, store, get)?;
    linker.func_wrap(store, MODULE, "proc_exit", |_: Caller<'_, T>, code: i32| -> gannet::Result<()> {
        Err(gannet::Error::Exit(code))
    })?;
    Ok(())
}
