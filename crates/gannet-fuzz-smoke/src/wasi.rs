//! A WASI guest driven by fuzz input: a small module imports WASI functions and exports a
//! thin wrapper for each; the input picks a sequence of calls, their arguments and what is
//! written into guest memory (paths, iovecs) between them. The guest gets one temporary
//! preopened directory; a sibling "canary" directory and the parent directory must be
//! exactly as they were afterwards, and the host must not panic.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use arbitrary::Unstructured;
use gannet::{Engine, Linker, Module, Store, Val};
use gannet_wasi::{OutputPipe, WasiCtx, WasiCtxBuilder};

/// A parameter type of a WASI function.
#[derive(Clone, Copy, PartialEq, Eq)]
enum P {
    I32,
    I64,
}
use P::{I32, I64};

/// The WASI functions the harness calls: all of preview 1. (`poll_oneoff`'s clock
/// subscriptions are shortened before each call, see `clamp_subscriptions`; `proc_exit`
/// ends the call it is made in, and the sequence goes on with the next.)
const FUNCTIONS: &[(&str, &[P])] = &[
    ("args_get", &[I32, I32]),
    ("args_sizes_get", &[I32, I32]),
    ("environ_get", &[I32, I32]),
    ("environ_sizes_get", &[I32, I32]),
    ("clock_res_get", &[I32, I32]),
    ("clock_time_get", &[I32, I64, I32]),
    ("fd_advise", &[I32, I64, I64, I32]),
    ("fd_allocate", &[I32, I64, I64]),
    ("fd_close", &[I32]),
    ("fd_datasync", &[I32]),
    ("fd_fdstat_get", &[I32, I32]),
    ("fd_fdstat_set_flags", &[I32, I32]),
    ("fd_fdstat_set_rights", &[I32, I64, I64]),
    ("fd_filestat_get", &[I32, I32]),
    ("fd_filestat_set_size", &[I32, I64]),
    ("fd_filestat_set_times", &[I32, I64, I64, I32]),
    ("fd_pread", &[I32, I32, I32, I64, I32]),
    ("fd_prestat_get", &[I32, I32]),
    ("fd_prestat_dir_name", &[I32, I32, I32]),
    ("fd_pwrite", &[I32, I32, I32, I64, I32]),
    ("fd_read", &[I32, I32, I32, I32]),
    ("fd_readdir", &[I32, I32, I32, I64, I32]),
    ("fd_renumber", &[I32, I32]),
    ("fd_seek", &[I32, I64, I32, I32]),
    ("fd_sync", &[I32]),
    ("fd_tell", &[I32, I32]),
    ("fd_write", &[I32, I32, I32, I32]),
    ("path_create_directory", &[I32, I32, I32]),
    ("path_filestat_get", &[I32, I32, I32, I32, I32]),
    ("path_filestat_set_times", &[I32, I32, I32, I32, I64, I64, I32]),
    ("path_link", &[I32, I32, I32, I32, I32, I32, I32]),
    ("path_open", &[I32, I32, I32, I32, I32, I64, I64, I32, I32]),
    ("path_readlink", &[I32, I32, I32, I32, I32, I32]),
    ("path_remove_directory", &[I32, I32, I32]),
    ("path_rename", &[I32, I32, I32, I32, I32, I32]),
    ("path_symlink", &[I32, I32, I32, I32, I32]),
    ("path_unlink_file", &[I32, I32, I32]),
    ("poll_oneoff", &[I32, I32, I32, I32]),
    ("proc_exit", &[I32]),
    ("proc_raise", &[I32]),
    ("random_get", &[I32, I32]),
    ("sched_yield", &[]),
    ("sock_accept", &[I32, I32, I32]),
    ("sock_recv", &[I32, I32, I32, I32, I32, I32]),
    ("sock_send", &[I32, I32, I32, I32, I32]),
    ("sock_shutdown", &[I32, I32]),
];

/// Paths the input can write into guest memory: ordinary names, and every kind of escape.
const PATHS: &[&str] = &[
    "a",
    "b",
    "a/b",
    "dir",
    "dir/file",
    ".",
    "..",
    "../canary",
    "../canary/keep.txt",
    "../canary/new",
    "a/../../canary/keep.txt",
    "/",
    "/tmp",
    "escape",
    "escape/keep.txt",
    "escape/new",
    "abs",
    "abs/keep.txt",
    "link",
    "dir/../..",
    "a\0b",
    "",
    "./a/./b/",
    "dir/",
];

/// Guest memory: one page. Paths are written at these offsets, so most pointer arguments
/// are chosen among them.
const SLOTS: &[u32] = &[0, 8, 16, 64, 256, 1024, 2048, 4096, 8192, 65_000, 65_532, 65_535, 65_536];

/// The wrapper module: one import and one exported wrapper per function.
pub fn guest_wat() -> String {
    let mut wat = String::from("(module\n");
    let ty = |p: &P| if *p == I32 { "i32" } else { "i64" };
    // `proc_exit` returns nothing (it does not return); its wrapper returns 0 after it.
    let returns = |name: &str| if name == "proc_exit" { "" } else { "(result i32)" };
    for (name, params) in FUNCTIONS {
        let params: Vec<&str> = params.iter().map(ty).collect();
        wat.push_str(&format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {}) {}))\n",
            params.join(" "),
            returns(name)
        ));
    }
    wat.push_str("  (memory (export \"memory\") 1)\n");
    for (name, params) in FUNCTIONS {
        let types: Vec<&str> = params.iter().map(ty).collect();
        let gets: Vec<String> = (0..params.len()).map(|i| format!("(local.get {i})")).collect();
        wat.push_str(&format!(
            "  (func (export \"{name}\") (param {}) (result i32) (call ${name} {}){})\n",
            types.join(" "),
            gets.join(" "),
            if name == &"proc_exit" { " (i32.const 0)" } else { "" }
        ));
    }
    wat.push(')');
    wat
}

/// What a directory tree holds: each path's kind and contents (or link target).
type Snapshot = BTreeMap<PathBuf, String>;

fn snapshot(root: &Path, skip: &Path, into: &mut Snapshot) {
    let Ok(entries) = fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path == skip {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&path) else { continue };
        let what = if meta.file_type().is_symlink() {
            format!("link -> {:?}", fs::read_link(&path).ok())
        } else if meta.is_dir() {
            snapshot(&path, skip, into);
            format!("dir {:o}", meta.permissions().readonly() as u8)
        } else {
            format!("file {:?} mtime {:?}", fs::read(&path).ok(), meta.modified().ok())
        };
        into.insert(path, what);
    }
}

/// A temporary root with `sandbox/` (the preopen, with a few files and links) and
/// `canary/` (outside it).
pub struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    /// Creates the directories.
    pub fn new() -> std::io::Result<Sandbox> {
        let root = tempfile::tempdir()?;
        let sandbox = root.path().join("sandbox");
        let canary = root.path().join("canary");
        fs::create_dir(&sandbox)?;
        fs::create_dir(&canary)?;
        fs::write(canary.join("keep.txt"), b"do not touch")?;
        fs::create_dir(canary.join("sub"))?;
        fs::write(sandbox.join("a"), b"hello")?;
        fs::create_dir(sandbox.join("dir"))?;
        fs::write(sandbox.join("dir/file"), b"inside")?;
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../canary", sandbox.join("escape"))?;
            std::os::unix::fs::symlink(&canary, sandbox.join("abs"))?;
            std::os::unix::fs::symlink("a", sandbox.join("link"))?;
        }
        Ok(Sandbox { root })
    }

    /// The preopened directory.
    pub fn sandbox(&self) -> PathBuf {
        self.root.path().join("sandbox")
    }

    /// Everything outside the preopen.
    fn outside(&self) -> Snapshot {
        let mut snap = Snapshot::new();
        snapshot(self.root.path(), &self.sandbox(), &mut snap);
        snap
    }
}

fn i32_arg(u: &mut Unstructured<'_>) -> arbitrary::Result<i32> {
    Ok(match u.int_in_range(0..=5u8)? {
        0 => u.int_in_range(0..=8)?,
        1 | 2 => *u.choose(SLOTS)? as i32,
        3 => u.int_in_range(0..=64)?,
        4 => *u.choose(&[-1, i32::MAX, i32::MIN, 0x1ff, 0xffff, 0x10000])?,
        _ => u.arbitrary()?,
    })
}

fn i64_arg(u: &mut Unstructured<'_>) -> arbitrary::Result<i64> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => u.int_in_range(0..=64)?,
        1 => *u.choose(&[-1, i64::MAX, i64::MIN, 0x1fff_ffff, 1 << 32, 1_000_000_000])?,
        _ => u.arbitrary()?,
    })
}

/// Keeps a call from filling the disk: allocation and truncation sizes stay under 1 MiB.
fn clamp(name: &str, args: &mut [Val]) {
    let clamp_at = |val: &mut Val| {
        if let Val::I64(v) = val {
            *v = v.rem_euclid(1 << 20);
        }
    };
    match name {
        "fd_allocate" => args[1..].iter_mut().for_each(clamp_at),
        "fd_filestat_set_size" | "fd_pwrite" | "fd_seek" => args.iter_mut().for_each(clamp_at),
        _ => {}
    }
}

/// Keeps `poll_oneoff` from sleeping for long: each clock subscription in guest memory
/// (48 bytes each, from `subscriptions`) gets a relative timeout under a millisecond.
/// Subscriptions outside memory stay as they are (the call fails on them anyway).
fn clamp_subscriptions(memory: &mut [u8], subscriptions: i32, count: i32) {
    const SIZE: usize = 48;
    const CLOCK: u8 = 0;
    let (start, count) = (subscriptions as u32 as usize, count as u32 as usize);
    for index in 0..count {
        let at = start + index * SIZE;
        let Some(subscription) = memory.get_mut(at..at + SIZE) else { break };
        if subscription[8] == CLOCK {
            let timeout = u64::from_le_bytes(subscription[24..32].try_into().expect("8 bytes"));
            subscription[24..32].copy_from_slice(&(timeout % 1_000_000).to_le_bytes());
            // Not `subscription_clock_abstime`: the timeout is relative.
            subscription[40] &= !1;
        }
    }
}

/// Statistics of one run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// WASI calls made.
    pub calls: usize,
    /// Calls that returned errno 0.
    pub successes: usize,
}

/// Runs the call sequence the input describes. Fails if anything outside the preopen
/// changed.
pub fn run(engine: &Engine, module: &Module, data: &[u8]) -> Result<Stats, String> {
    let mut stats = Stats::default();
    let sandbox = Sandbox::new().map_err(|e| format!("cannot create the sandbox: {e}"))?;
    let before = sandbox.outside();
    let wasi = WasiCtxBuilder::new()
        .args(&["guest", "--flag", "ünïcode"])
        .env("KEY", "value")
        .stdout(OutputPipe::new())
        .stderr(OutputPipe::new())
        .preopened_dir(sandbox.sandbox(), "/sandbox")
        .and_then(|b| b.preopened_dir(sandbox.sandbox().join("dir"), "."))
        .map_err(|e| format!("cannot preopen: {e}"))?
        .build();
    let mut store = Store::new(engine, wasi);
    let mut linker = Linker::new(engine);
    gannet_wasi::add_to_linker(&mut linker, &mut store, |wasi: &mut WasiCtx| wasi).map_err(|e| e.to_string())?;
    let instance = linker.instantiate(&mut store, module).map_err(|e| e.to_string())?;
    let memory = instance.get_memory(&store, "memory").expect("the guest exports its memory");

    let mut u = Unstructured::new(data);
    while !u.is_empty() && stats.calls < 64 {
        let Ok(step) = u.int_in_range(0..=9u8) else { break };
        match step {
            // Write a path (with or without its terminating length) into memory.
            0 | 1 => {
                let (Ok(path), Ok(slot)) = (u.choose(PATHS), u.choose(SLOTS)) else { break };
                let at = (*slot as usize).min(65_536);
                let len = path.len().min(65_536 - at);
                memory.data_mut(&mut store)[at..at + len].copy_from_slice(&path.as_bytes()[..len]);
            }
            // Write an iovec { buf, len } or raw bytes.
            2 => {
                let (Ok(slot), Ok(a), Ok(b)) = (u.choose(SLOTS), i32_arg(&mut u), i32_arg(&mut u)) else { break };
                let mut bytes = [0; 8];
                bytes[..4].copy_from_slice(&a.to_le_bytes());
                bytes[4..].copy_from_slice(&b.to_le_bytes());
                let _ = memory.write(&mut store, *slot as usize, &bytes);
            }
            _ => {
                let Ok((name, params)) = u.choose(FUNCTIONS) else { break };
                let mut args = Vec::new();
                for p in params.iter() {
                    args.push(match p {
                        I32 => Val::I32(i32_arg(&mut u).unwrap_or(0)),
                        I64 => Val::I64(i64_arg(&mut u).unwrap_or(0)),
                    });
                }
                clamp(name, &mut args);
                if *name == "poll_oneoff"
                    && let (Val::I32(subscriptions), Val::I32(count)) = (args[0], args[2])
                {
                    clamp_subscriptions(memory.data_mut(&mut store), subscriptions, count);
                }
                let func = instance.get_func(&store, name).expect("every wrapper is exported");
                let mut results = [Val::I32(0)];
                stats.calls += 1;
                if func.call(&mut store, &args, &mut results).is_ok() && results[0] == Val::I32(0) {
                    stats.successes += 1;
                }
            }
        }
    }
    drop(store);
    let after = sandbox.outside();
    if before != after {
        return Err(format!("outside the preopen changed:\nbefore {before:#?}\nafter {after:#?}"));
    }
    Ok(stats)
}
