//! A guest reaches only its preopened directory: escapes through `..`, absolute paths and
//! symlinks fail with an errno and touch nothing outside; bad pointers are `EFAULT`.

use std::path::Path;

use gannet::{Engine, Instance, Linker, Module, Store};
use gannet_wasi::{Errno, OutputPipe, WasiCtx, WasiCtxBuilder};

/// A guest whose exports call WASI path functions on the preopen (fd 3), with paths the
/// test writes at offset 1024 (first path) and 2048 (second path).
const GUEST: &str = r#"
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; Opens the first path for reading; the new fd is stored at 0.
  (func (export "open") (param $len i32) (param $follow i32) (param $oflags i32) (result i32)
    (call $path_open (i32.const 3) (local.get $follow) (i32.const 1024) (local.get $len)
      (local.get $oflags) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
  (func (export "open_write") (param $len i32) (param $oflags i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (local.get $len)
      (local.get $oflags) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))
  (func (export "open_raw") (param $path i32) (param $len i32) (param $result i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (local.get $result)))
  (func (export "mkdir") (param $len i32) (result i32)
    (call $mkdir (i32.const 3) (i32.const 1024) (local.get $len)))
  (func (export "unlink") (param $len i32) (result i32)
    (call $unlink (i32.const 3) (i32.const 1024) (local.get $len)))
  (func (export "rmdir") (param $len i32) (result i32)
    (call $rmdir (i32.const 3) (i32.const 1024) (local.get $len)))
  (func (export "rename") (param $len i32) (param $len2 i32) (result i32)
    (call $rename (i32.const 3) (i32.const 1024) (local.get $len) (i32.const 3) (i32.const 2048) (local.get $len2)))
  (func (export "symlink") (param $len i32) (param $len2 i32) (result i32)
    (call $symlink (i32.const 1024) (local.get $len) (i32.const 3) (i32.const 2048) (local.get $len2)))
  (func (export "link") (param $len i32) (param $len2 i32) (result i32)
    (call $link (i32.const 3) (i32.const 0) (i32.const 1024) (local.get $len) (i32.const 3) (i32.const 2048) (local.get $len2)))
  (func (export "stat") (param $len i32) (param $follow i32) (result i32)
    (call $stat (i32.const 3) (local.get $follow) (i32.const 1024) (local.get $len) (i32.const 4096)))
  ;; Reads up to 64 bytes from the fd stored at 0 into 512.
  (func (export "read") (result i32)
    (i32.store (i32.const 16) (i32.const 512))
    (i32.store (i32.const 20) (i32.const 64))
    (call $fd_read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 24)))
  (func (export "write_raw") (param $fd i32) (param $iovs i32) (param $count i32) (param $result i32) (result i32)
    (call $fd_write (local.get $fd) (local.get $iovs) (local.get $count) (local.get $result)))
)
"#;

struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
}

impl Guest {
    fn new(sandbox: &Path) -> Guest {
        let engine = Engine::default();
        let module = Module::new(&engine, GUEST).unwrap();
        let mut builder = WasiCtxBuilder::new();
        builder.preopened_dir(sandbox, "/sandbox").unwrap().stdout(OutputPipe::new());
        let mut store = Store::new(&engine, builder.build());
        let mut linker = Linker::new(&engine);
        gannet_wasi::add_to_linker(&mut linker, &mut store, |wasi: &mut WasiCtx| wasi).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        Guest { store, instance }
    }

    fn set_paths(&mut self, first: &str, second: &str) -> (i32, i32) {
        let memory = self.instance.get_memory(&self.store, "memory").unwrap();
        memory.write(&mut self.store, 1024, first.as_bytes()).unwrap();
        memory.write(&mut self.store, 2048, second.as_bytes()).unwrap();
        (first.len() as i32, second.len() as i32)
    }

    fn call(&mut self, name: &str, args: &[i32]) -> Errno {
        let func = self.instance.get_func(&self.store, name).unwrap();
        let params: Vec<gannet::Val> = args.iter().map(|&a| gannet::Val::I32(a)).collect();
        let mut results = [gannet::Val::I32(0)];
        func.call(&mut self.store, &params, &mut results).unwrap();
        Errno(results[0].i32().unwrap() as u16)
    }

    fn open(&mut self, path: &str, follow: bool) -> Errno {
        let (len, _) = self.set_paths(path, "");
        self.call("open", &[len, follow as i32, 0])
    }

    fn on_paths(&mut self, name: &str, first: &str, second: &str) -> Errno {
        let (len, len2) = self.set_paths(first, second);
        self.call(name, &[len, len2])
    }
}

/// A sandbox directory and a sibling `outside` directory holding a secret.
struct Fixture {
    _root: tempfile::TempDir,
    sandbox: std::path::PathBuf,
    outside: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let root = tempfile::tempdir().unwrap();
    let sandbox = root.path().join("sandbox");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(sandbox.join("dir")).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    std::fs::write(sandbox.join("inside.txt"), "inside").unwrap();
    let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, sandbox.join(name)).unwrap();
    link(&outside.join("secret.txt"), "absolute_link");
    link(Path::new("../outside"), "relative_out");
    link(Path::new("loop_b"), "loop_a");
    link(Path::new("loop_a"), "loop_b");
    link(Path::new("inside.txt"), "good_link");
    std::os::unix::fs::symlink("..", sandbox.join("dir/up")).unwrap();
    Fixture { _root: root, sandbox, outside }
}

fn assert_outside_untouched(fixture: &Fixture) {
    let mut names: Vec<_> =
        std::fs::read_dir(&fixture.outside).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["secret.txt"]);
    assert_eq!(std::fs::read_to_string(fixture.outside.join("secret.txt")).unwrap(), "secret");
}

#[test]
fn paths_inside_the_preopen_work() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    assert_eq!(guest.open("inside.txt", false), Errno::SUCCESS);
    assert_eq!(guest.call("read", &[]), Errno::SUCCESS);
    assert_eq!(guest.open("good_link", true), Errno::SUCCESS);
    assert_eq!(guest.open("dir/../inside.txt", false), Errno::SUCCESS);
    assert_eq!(guest.open("dir/up/inside.txt", true), Errno::SUCCESS);
}

#[test]
fn dot_dot_cannot_leave_the_preopen() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    assert_eq!(guest.open("../outside/secret.txt", false), Errno::PERM);
    assert_eq!(guest.open("dir/../../outside/secret.txt", false), Errno::PERM);
    assert_eq!(guest.open("..", false), Errno::PERM);
    assert_outside_untouched(&fixture);
}

#[test]
fn absolute_paths_are_refused() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    let secret = fixture.outside.join("secret.txt");
    assert_eq!(guest.open(secret.to_str().unwrap(), false), Errno::PERM);
    assert_eq!(guest.open("/etc/passwd", true), Errno::PERM);
}

#[test]
fn symlinks_cannot_leave_the_preopen() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    // An absolute symlink to a file outside.
    assert_eq!(guest.open("absolute_link", true), Errno::PERM);
    // Not following it opens nothing either: the path names a symlink.
    assert_eq!(guest.open("absolute_link", false), Errno::LOOP);
    // A relative symlink pointing outside, used as a directory.
    assert_eq!(guest.open("relative_out/secret.txt", true), Errno::PERM);
    // `..` through a symlinked subdirectory that itself stays inside.
    assert_eq!(guest.open("dir/up/../outside/secret.txt", true), Errno::PERM);
    assert_outside_untouched(&fixture);
}

#[test]
fn symlink_loops_fail_with_eloop() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    assert_eq!(guest.open("loop_a", true), Errno::LOOP);
}

#[test]
fn modifications_cannot_reach_outside() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    let (len, _) = guest.set_paths("../outside/new_dir", "");
    assert_eq!(guest.call("mkdir", &[len]), Errno::PERM);
    let (len, _) = guest.set_paths("relative_out/secret.txt", "");
    assert_ne!(guest.call("unlink", &[len]), Errno::SUCCESS);
    let (len, _) = guest.set_paths("relative_out/created.txt", "");
    assert_eq!(guest.call("open_write", &[len, 1]), Errno::PERM);
    let (len, _) = guest.set_paths("absolute_link", "");
    // O_CREAT through a dangling-or-escaping symlink must not create the target.
    assert_ne!(guest.call("open_write", &[len, 1 | 8]), Errno::SUCCESS);
    assert_eq!(guest.on_paths("rename", "inside.txt", "../outside/moved.txt"), Errno::PERM);
    assert_eq!(guest.on_paths("rename", "relative_out/secret.txt", "stolen.txt"), Errno::PERM);
    assert_eq!(guest.on_paths("link", "relative_out/secret.txt", "hardlink"), Errno::PERM);
    assert_eq!(guest.on_paths("link", "inside.txt", "../outside/hardlink"), Errno::PERM);
    assert_eq!(guest.on_paths("symlink", "x", "../outside/symlink"), Errno::PERM);
    let (len, _) = guest.set_paths("../outside", "");
    assert_eq!(guest.call("rmdir", &[len]), Errno::PERM);
    assert_outside_untouched(&fixture);
    assert!(fixture.sandbox.join("inside.txt").exists());
}

#[test]
fn a_guest_made_symlink_to_outside_cannot_be_followed() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    // Absolute symlink targets are refused outright.
    let target = fixture.outside.join("secret.txt");
    assert_eq!(guest.on_paths("symlink", target.to_str().unwrap(), "mine"), Errno::PERM);
    // A relative one may be made, but never leads outside.
    assert_eq!(guest.on_paths("symlink", "../outside/secret.txt", "mine2"), Errno::SUCCESS);
    assert_eq!(guest.open("mine2", true), Errno::PERM);
    let (len, _) = guest.set_paths("mine2", "");
    assert_eq!(guest.call("stat", &[len, 1]), Errno::PERM);
}

#[test]
fn bad_pointers_are_efault() {
    let fixture = fixture();
    let mut guest = Guest::new(&fixture.sandbox);
    let page = 65536;
    // Path beyond memory, path straddling the end, result pointer beyond memory.
    assert_eq!(guest.call("open_raw", &[page, 4, 0]), Errno::FAULT);
    assert_eq!(guest.call("open_raw", &[page - 2, 4, 0]), Errno::FAULT);
    assert_eq!(guest.call("open_raw", &[-1, -1, 0]), Errno::FAULT);
    guest.set_paths("inside.txt", "");
    assert_eq!(guest.call("open_raw", &[1024, 10, page - 2]), Errno::FAULT);
    assert_eq!(guest.call("open_raw", &[1024, 10, -4]), Errno::FAULT);
    // No descriptor leaked by the failed open: the next one is fd 4.
    assert_eq!(guest.call("open_raw", &[1024, 10, 0]), Errno::SUCCESS);
    let memory = guest.instance.get_memory(&guest.store, "memory").unwrap();
    assert_eq!(memory.data(&guest.store)[0], 4);
    // An iovec array past the end, an iovec whose buffer is past the end, a huge count.
    let memory = guest.instance.get_memory(&guest.store, "memory").unwrap();
    memory.write(&mut guest.store, 64, &[0, 0, 1, 0, 16, 0, 0, 0]).unwrap(); // buf 65536, len 16
    assert_eq!(guest.call("write_raw", &[1, page - 4, 1, 100]), Errno::FAULT);
    assert_eq!(guest.call("write_raw", &[1, 64, 1, 100]), Errno::FAULT);
    assert_eq!(guest.call("write_raw", &[1, 64, i32::MAX, 100]), Errno::FAULT);
    assert_eq!(guest.call("write_raw", &[1, 0, 0, page]), Errno::FAULT);
    // Bad descriptors.
    assert_eq!(guest.call("write_raw", &[99, 0, 0, 100]), Errno::BADF);
    assert_eq!(guest.call("write_raw", &[-1, 0, 0, 100]), Errno::BADF);
}
