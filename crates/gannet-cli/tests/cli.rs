//! Runs the built `gannet` binary on the programs in `tests/programs/` and checks exit
//! status, stdout and stderr.

use std::path::PathBuf;
use std::process::Command;

const TRAP: i32 = 134;
const ERROR: i32 = 1;
const USAGE: i32 = 2;

fn programs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

/// A scratch directory of this test's own, for files made at test time.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Outcome {
    args: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `gannet ARGS` in `tests/programs/`.
fn gannet(args: &[&str]) -> Outcome {
    gannet_in(&programs(), args)
}

fn gannet_in(dir: &std::path::Path, args: &[&str]) -> Outcome {
    gannet_with(Command::new(env!("CARGO_BIN_EXE_gannet")).current_dir(dir), args)
}

/// Runs `gannet ARGS` as `command` (with its directory and environment) describes.
fn gannet_with(command: &mut Command, args: &[&str]) -> Outcome {
    let output = command.args(args).env_remove("RUST_BACKTRACE").output().expect("cannot start gannet");
    Outcome {
        args: args.join(" "),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

impl Outcome {
    fn context(&self) -> String {
        format!("`gannet {}`\n--- stdout:\n{}--- stderr:\n{}", self.args, self.stdout, self.stderr)
    }

    fn exits(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "exit status of {}", self.context());
        assert!(!self.stderr.contains("panicked"), "panic in {}", self.context());
        self
    }

    fn prints(&self, stdout: &str) -> &Self {
        assert_eq!(self.stdout, stdout, "stdout of {}", self.context());
        self
    }

    fn quiet(&self) -> &Self {
        assert_eq!(self.stderr, "", "stderr of {}", self.context());
        self
    }

    fn says(&self, part: &str) -> &Self {
        assert!(self.stderr.contains(part), "stderr lacks `{part}` in {}", self.context());
        self
    }

    /// An error explained on exactly one `error:` line.
    fn one_error_line(&self, part: &str) -> &Self {
        assert_eq!(self.stderr.lines().count(), 1, "not one line on stderr in {}", self.context());
        assert!(self.stderr.starts_with("error: "), "no `error: ` in {}", self.context());
        self.says(part)
    }

    /// The lines of stderr containing each of `parts`, in this order.
    fn says_in_order(&self, parts: &[&str]) -> &Self {
        let mut lines = self.stderr.lines();
        for part in parts {
            assert!(lines.any(|line| line.contains(part)), "`{part}` missing or out of order in {}", self.context());
        }
        self
    }
}

/// The README's first command (with a smaller argument).
#[test]
fn readme_quick_start() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    gannet_in(&root, &["run", "--invoke", "fib", "examples/fib.wat", "20"]).exits(0).prints("6765\n").quiet();
}

#[test]
fn invoke_i32() {
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "2", "3"]).exits(0).prints("5\n").quiet();
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "-5", "0x10"]).exits(0).prints("11\n");
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "4294967295", "-0x7fffffff"])
        .exits(0)
        .prints("-2147483648\n");
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "2147483647", "1"]).exits(0).prints("-2147483648\n");
}

#[test]
fn invoke_i64() {
    gannet(&["run", "--invoke", "add_i64", "numbers.wat", "9223372036854775807", "1"])
        .exits(0)
        .prints("-9223372036854775808\n");
    gannet(&["run", "--invoke", "add_i64", "numbers.wat", "-0x10", "1_000"]).exits(0).prints("984\n");
    gannet(&["run", "--invoke", "halves", "numbers.wat", "0x300000002"]).exits(0).prints("2\n3\n");
}

#[test]
fn invoke_f32() {
    gannet(&["run", "--invoke", "mul_f32", "numbers.wat", "1.5", "-2"]).exits(0).prints("-3\n");
    gannet(&["run", "--invoke", "mul_f32", "numbers.wat", "inf", "0"]).exits(0).prints("NaN\n");
    gannet(&["run", "--invoke", "mul_f32", "numbers.wat", "-inf", "2"]).exits(0).prints("-inf\n");
    // The canonical quiet NaN, and -inf, bit for bit.
    gannet(&["run", "--invoke", "bits_f32", "numbers.wat", "nan"]).exits(0).prints("2143289344\n");
    gannet(&["run", "--invoke", "bits_f32", "numbers.wat", "-inf"]).exits(0).prints("-8388608\n");
    gannet(&["run", "--invoke", "bits_f32", "numbers.wat", "0x1p-149"]).exits(0).prints("1\n");
}

#[test]
fn invoke_f64() {
    gannet(&["run", "--invoke", "div_f64", "numbers.wat", "1", "4"]).exits(0).prints("0.25\n");
    gannet(&["run", "--invoke", "div_f64", "numbers.wat", "-1", "0"]).exits(0).prints("-inf\n");
    gannet(&["run", "--invoke", "div_f64", "numbers.wat", "nan", "1"]).exits(0).prints("NaN\n");
    gannet(&["run", "--invoke", "div_f64", "numbers.wat", "1e300", "1e-10"]).exits(0).prints("inf\n");
}

#[test]
fn invoke_without_results_prints_nothing() {
    gannet(&["run", "--invoke", "nothing", "numbers.wat"]).exits(0).prints("").quiet();
}

#[test]
fn double_dash_before_guest_arguments() {
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "--", "-1", "-2"]).exits(0).prints("-3\n");
    gannet(&["run", "--invoke", "add_i32", "--", "numbers.wat", "1", "2"]).exits(0).prints("3\n");
}

#[test]
fn binary_modules_run_like_text() {
    let dir = scratch("binary_modules_run_like_text");
    let binary = dir.join("numbers.wasm");
    std::fs::write(&binary, wat::parse_file(programs().join("numbers.wat")).unwrap()).unwrap();
    gannet(&["run", "--invoke", "add_i32", binary.to_str().unwrap(), "40", "2"]).exits(0).prints("42\n");
}

#[test]
fn invoke_errors() {
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "1"])
        .exits(ERROR)
        .one_error_line("`add_i32` takes 2 arguments, (func (param i32 i32) (result i32)), but 1 was given");
    gannet(&["run", "--invoke", "nothing", "numbers.wat", "1", "2"]).exits(ERROR).one_error_line("but 2 were given");
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "1", "x"])
        .exits(ERROR)
        .one_error_line("argument 2 of `add_i32` (i32) is `x`: expected a 32-bit integer");
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "4294967296", "1"])
        .exits(ERROR)
        .one_error_line("argument 1 of `add_i32` (i32) is `4294967296`");
    gannet(&["run", "--invoke", "add_i64", "numbers.wat", "1.5", "1"]).exits(ERROR).one_error_line("64-bit integer");
    gannet(&["run", "--invoke", "div_f64", "numbers.wat", "1", "one"])
        .exits(ERROR)
        .one_error_line("argument 2 of `div_f64` (f64) is `one`: expected a number, nan or inf");
    gannet(&["run", "--invoke", "sub", "numbers.wat"])
        .exits(ERROR)
        .one_error_line("cannot invoke `sub`: `numbers.wat` exports no such function (it has `add_i32`, `add_i64`");
    gannet(&["run", "--invoke", "memory", "numbers.wat"])
        .exits(ERROR)
        .one_error_line("cannot invoke `memory`: it is a memory, not a function");
    gannet(&["run", "--invoke", "answer", "numbers.wat"]).exits(ERROR).one_error_line("it is a global");
}

#[test]
fn options_after_file_belong_to_the_guest() {
    gannet(&["run", "numbers.wat", "--invoke", "add_i32", "1", "2"]).exits(ERROR).one_error_line(
        "has no `_start` to pass the arguments starting at `--invoke` to (options for gannet go before FILE",
    );
    gannet(&["run", "--invoke", "add_i32", "numbers.wat", "--eager", "1"])
        .exits(ERROR)
        .one_error_line("argument 1 of `add_i32` (i32) is `--eager`");
}

#[test]
fn start_function_runs_before_invoke() {
    gannet(&["run", "--invoke", "get", "start.wat"]).exits(0).prints("7\n");
    gannet(&["run", "start.wat"]).exits(0).prints("").quiet();
}

#[test]
fn start_function_trap() {
    gannet(&["run", "start_trap.wat"]).exits(TRAP).says_in_order(&[
        "error: wasm trap: unreachable",
        "wasm backtrace:",
        "check",
        "init",
    ]);
}

#[test]
fn underscore_start_runs() {
    gannet(&["run", "command.wat"]).exits(TRAP).says_in_order(&["error: wasm trap: unreachable", "main", "start"]);
    gannet(&["run", "command_ok.wat"]).exits(0).prints("").quiet();
    gannet(&["run", "command_ok.wat", "--", "a", "b"]).exits(0).quiet();
    // `gannet FILE` is `gannet run FILE`, but a command name is never taken for a file.
    gannet(&["command.wat"]).exits(TRAP).says("main");
    let dir = scratch("underscore_start_runs");
    std::fs::write(dir.join("validate"), "").unwrap();
    std::fs::copy(programs().join("command_ok.wat"), dir.join("command_ok.wat")).unwrap();
    gannet_in(&dir, &["validate", "command_ok.wat"]).exits(0).prints("command_ok.wat: valid\n");
    // `--invoke` calls only the function asked for, not `_start` first.
    gannet(&["run", "--invoke", "other", "command.wat"]).exits(0).prints("5\n").quiet();
}

#[test]
fn trap_exit_status_and_backtrace() {
    let outcome = gannet(&["run", "--invoke", "outer", "trap.wat", "0"]);
    outcome.exits(TRAP).prints("");
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "error: wasm trap: integer divide by zero",
            "wasm backtrace:",
            "    0: inner (func 0)",
            "    1: middle (func 1)",
            "    2: outer (func 2)"
        ],
        "{}",
        outcome.context()
    );
    gannet(&["run", "--invoke", "outer", "trap.wat", "4"]).exits(0).prints("25\n");
}

#[test]
fn max_stack_limits_call_depth() {
    gannet(&["run", "--invoke", "depth", "recurse.wat", "1000"]).exits(0).prints("1000\n");
    gannet(&["run", "--max-stack", "2000", "--invoke", "depth", "recurse.wat", "1000"]).exits(0).prints("1000\n");
    gannet(&["run", "--max-stack", "100", "--invoke", "depth", "recurse.wat", "1000"])
        .exits(TRAP)
        .prints("")
        .says_in_order(&["error: wasm trap: call stack exhausted", "0: depth (func 0)", "the same frame"]);
    gannet(&["run", "--max-stack", "0", "recurse.wat"]).exits(USAGE).one_error_line("at least 1");
    gannet(&["run", "--max-stack", "many", "recurse.wat"]).exits(USAGE).one_error_line("--max-stack");
}

#[test]
fn eager_rejects_invalid_bodies_up_front() {
    // Lazily, a function that is never called is never validated.
    gannet(&["run", "--invoke", "ok", "lazy_invalid.wat"]).exits(0).prints("7\n");
    gannet(&["run", "--eager", "--invoke", "ok", "lazy_invalid.wat"])
        .exits(ERROR)
        .prints("")
        .one_error_line("`lazy_invalid.wat`: invalid module: type mismatch: expected i32, found i64 (at offset 0x");
    // Called lazily, it is reported when it is first called.
    gannet(&["run", "--invoke", "bad", "lazy_invalid.wat"])
        .exits(ERROR)
        .one_error_line("invalid module: function 1 $bad: type mismatch");
}

#[test]
fn preload_links_modules() {
    gannet(&["run", "--preload", "lib=lib.wat", "--invoke", "quadruple", "uses_lib.wat", "5"]).exits(0).prints("20\n");
    gannet(&["run", "--invoke", "quadruple", "uses_lib.wat", "5"]).exits(ERROR).one_error_line(
        "`uses_lib.wat`: link error: unknown import: `lib::double` has not been defined \
         (expected (func (param i32) (result i32)))",
    );
    // Under another name it does not satisfy the import.
    gannet(&["run", "--preload", "other=lib.wat", "--invoke", "quadruple", "uses_lib.wat", "5"])
        .exits(ERROR)
        .one_error_line("unknown import: `lib::double`");
    gannet(&[
        "run",
        "--preload",
        "lib=lib.wat",
        "--preload",
        "lib=lib.wat",
        "--invoke",
        "quadruple",
        "uses_lib.wat",
        "5",
    ])
    .exits(ERROR)
    .one_error_line("`lib.wat` (--preload lib): link error: `lib::double` is already defined");
    gannet(&["run", "--preload", "lib=missing.wat", "uses_lib.wat"])
        .exits(ERROR)
        .one_error_line("cannot read `missing.wat`: No such file or directory");
    gannet(&["run", "--preload", "lib", "uses_lib.wat"])
        .exits(USAGE)
        .one_error_line("invalid value 'lib' for '--preload <NAME=FILE>': expected NAME=FILE");
}

#[test]
fn unreadable_or_foreign_files() {
    gannet(&["run", "missing.wasm"])
        .exits(ERROR)
        .one_error_line("cannot read `missing.wasm`: No such file or directory");
    gannet(&["missing.wasm"]).exits(ERROR).one_error_line("cannot read `missing.wasm`");
    gannet(&["validate", "."]).exits(ERROR).one_error_line("cannot read `.`: Is a directory");

    let dir = scratch("unreadable_or_foreign_files");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "just some notes\n").unwrap();
    let junk = dir.join("junk.wasm");
    std::fs::write(&junk, [0x7f, b'E', b'L', b'F', 0xff, 0xfe, 0]).unwrap();
    for file in [&text, &junk] {
        gannet(&["run", file.to_str().unwrap()]).exits(ERROR).one_error_line(&format!(
            "`{}` is not a WebAssembly module: neither binary (it does not start with `\\0asm`) nor text",
            file.display()
        ));
    }
}

#[test]
fn invalid_modules() {
    gannet(&["run", "syntax_error.wat"])
        .exits(ERROR)
        .one_error_line("syntax_error.wat:3:23: invalid WebAssembly text: unknown operator or unexpected token");

    let dir = scratch("invalid_modules");
    // A header, then a type section that declares one type and ends.
    let truncated = dir.join("truncated.wasm");
    std::fs::write(&truncated, b"\0asm\x01\0\0\0\x01\x01\x01").unwrap();
    gannet(&["run", truncated.to_str().unwrap()]).exits(ERROR).one_error_line("invalid module: ").says("(at offset 0x");
    let version = dir.join("version.wasm");
    std::fs::write(&version, b"\0asm\x02\0\0\0").unwrap();
    gannet(&["validate", version.to_str().unwrap()]).exits(ERROR).one_error_line("invalid module: ").says("offset 0x4");
}

#[test]
fn malformed_options() {
    gannet(&["run", "--env", "=1", "command_ok.wat"])
        .exits(USAGE)
        .one_error_line("invalid value '=1' for '--env <NAME[=VAL]>': the variable name is empty");
    gannet(&["run", "--max-memory", "12XB", "command_ok.wat"])
        .exits(USAGE)
        .one_error_line("invalid value '12XB' for '--max-memory <BYTES>': unknown unit `xb`");
    gannet(&["run", "--max-memory", "lots", "command_ok.wat"])
        .exits(USAGE)
        .one_error_line("expected a number of bytes");
    gannet(&["run", "--dir", "::guest", "command_ok.wat"]).exits(USAGE).one_error_line("the host directory is empty");
    gannet(&["run", "--fuel", "-5", "command_ok.wat"]).exits(USAGE).says("error: unexpected argument '-5'");
    gannet(&["run", "--fuel", "x", "command_ok.wat"]).exits(USAGE).one_error_line("invalid value 'x' for '--fuel <N>'");
    gannet(&["run", "--bogus", "command_ok.wat"]).exits(USAGE).says("error: unexpected argument '--bogus' found");
    gannet(&["run"]).exits(USAGE).says("required arguments were not provided").says("Usage: gannet run");
    gannet(&["frobnicate"]).exits(USAGE).says("unrecognized subcommand 'frobnicate'");
    gannet(&[]).exits(USAGE).says("Usage: gannet <COMMAND>");
}

#[test]
fn unopenable_dir() {
    gannet(&["run", "--dir", "no-such-dir", "command_ok.wat"])
        .exits(ERROR)
        .one_error_line("cannot open --dir `no-such-dir`: No such file or directory");
    gannet(&["run", "--dir", "numbers.wat::data", "command_ok.wat"])
        .exits(ERROR)
        .one_error_line("cannot open --dir `numbers.wat`: Not a directory");
}

#[test]
fn validate() {
    gannet(&["validate", "numbers.wat"]).exits(0).prints("numbers.wat: valid\n").quiet();
    // Unlike `run`, validation checks every body.
    gannet(&["validate", "lazy_invalid.wat"]).exits(ERROR).one_error_line("invalid module: type mismatch");
}

#[test]
fn inspect() {
    let outcome = gannet(&["inspect", "--func", "add_i32", "numbers.wat"]);
    outcome.exits(0).quiet();
    assert!(
        outcome.stdout.starts_with("func 0:\nframe: 3 slots (2 for params, 0 for locals)\n"),
        "{}",
        outcome.context()
    );
    assert!(outcome.stdout.contains("i32.add dst=s0 lhs=s0 rhs=s1"), "{}", outcome.context());
    let by_name = gannet(&["inspect", "numbers.wat", "--func", "div_f64"]);
    gannet(&["inspect", "numbers.wat", "--func", "3"]).exits(0).prints(&by_name.exits(0).stdout);
    gannet(&["inspect", "--func", "99", "numbers.wat"])
        .exits(ERROR)
        .one_error_line("`numbers.wat` has no function `99`");
    // The valid function is printed before the invalid one is reported.
    let outcome = gannet(&["inspect", "lazy_invalid.wat"]);
    outcome.exits(ERROR).one_error_line("function 1 $bad: type mismatch");
    assert!(outcome.stdout.starts_with("func 0 $ok:\n"), "{}", outcome.context());
}

#[test]
fn simd_runs_and_inspects() {
    gannet(&["run", "--invoke", "sum_bytes", "simd.wat", "0x0f0e0d0c0b0a09080706050403020100"])
        .exits(0)
        .prints("120\n")
        .quiet();
    // v128 results print as unsigned 128-bit integers, as wasmtime prints them.
    gannet(&["run", "--invoke", "reverse_bytes", "simd.wat", "0x0f0e0d0c0b0a09080706050403020100"])
        .exits(0)
        .prints(&format!("{}\n", 0x00010203_04050607_08090a0b_0c0d0e0fu128))
        .quiet();
    let outcome = gannet(&["inspect", "--func", "reverse_bytes", "simd.wat"]);
    outcome.exits(0).quiet();
    assert!(outcome.stdout.contains("frame: 4 slots (2 for params, 0 for locals)"), "{}", outcome.context());
    assert!(
        outcome.stdout.contains("i8x16.shuffle dst=s2 lhs=s0 rhs=s0 lanes=0x000102030405060708090a0b0c0d0e0f"),
        "{}",
        outcome.context()
    );
}

#[test]
fn fuel_limits_work() {
    gannet(&["run", "--fuel", "1000", "--invoke", "spin", "spin.wat", "10"]).exits(0).prints("10\n").quiet();
    gannet(&["run", "--fuel", "1000", "--invoke", "spin", "spin.wat", "1000"])
        .exits(TRAP)
        .prints("")
        .says_in_order(&["error: wasm trap: all fuel consumed", "0: spin (func 0)"]);
    // Without --fuel there is no limit.
    gannet(&["run", "--invoke", "spin", "spin.wat", "100000"]).exits(0).prints("100000\n");
}

#[test]
fn max_memory_limits_each_memory() {
    // grow.wat starts with 2 pages (128 KiB); `grow` returns the old size or -1.
    gannet(&["run", "--invoke", "grow", "grow.wat", "2"]).exits(0).prints("2\n");
    gannet(&["run", "--max-memory", "192KiB", "--invoke", "grow", "grow.wat", "1"]).exits(0).prints("2\n");
    gannet(&["run", "--max-memory", "192KiB", "--invoke", "grow", "grow.wat", "2"]).exits(0).prints("-1\n");
    gannet(&["run", "--max-memory", "196608", "--invoke", "grow", "grow.wat", "2"]).exits(0).prints("-1\n");
    gannet(&["run", "--max-memory", "64KiB", "--invoke", "grow", "grow.wat", "0"])
        .exits(ERROR)
        .prints("")
        .one_error_line("`grow.wat`: instantiation failed: memory of 2 pages (131072 bytes) exceeds");
}

#[test]
fn wasi_arguments() {
    // argv[0] is FILE as given; only a `--` right after FILE is gannet's.
    gannet(&["run", "wasi_echo.wat", "a b", "--b", "--", "-c"])
        .exits(0)
        .prints("wasi_echo.wat\na b\n--b\n--\n-c\n")
        .quiet();
    gannet(&["run", "wasi_echo.wat", "--", "--invoke"]).exits(0).prints("wasi_echo.wat\n--invoke\n");
    gannet(&["wasi_echo.wat", "x"]).exits(0).prints("wasi_echo.wat\nx\n");
}

#[test]
fn wasi_environment() {
    // Only what --env names reaches the guest: not PATH, not the unset variable.
    let mut command = Command::new(env!("CARGO_BIN_EXE_gannet"));
    command.current_dir(programs()).env("GANNET_TEST_FROM_HOST", "inherited").env_remove("GANNET_TEST_UNSET");
    let args = [
        "run",
        "--env",
        "A=1",
        "--env",
        "GANNET_TEST_FROM_HOST",
        "--env",
        "GANNET_TEST_UNSET",
        "--env",
        "B=x=y",
        "--env",
        "EMPTY=",
        "wasi_echo.wat",
    ];
    gannet_with(&mut command, &args)
        .exits(0)
        .prints("wasi_echo.wat\nA=1\nGANNET_TEST_FROM_HOST=inherited\nB=x=y\nEMPTY=\n")
        .quiet();
}

#[test]
fn wasi_preopened_directories() {
    let dir = scratch("wasi_preopened_directories");
    std::fs::create_dir(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/hello.txt"), "hi there\n").unwrap();
    let cat = programs().join("wasi_cat.wat");
    let cat = cat.to_str().unwrap();
    gannet_in(&dir, &["run", "--dir", "data::sandbox", cat, "hello.txt"])
        .exits(0)
        .prints("sandbox\nhi there\n")
        .quiet();
    // Without GUEST, the guest sees the directory under the host path as given.
    gannet_in(&dir, &["run", "--dir", "data", cat, "hello.txt"]).exits(0).prints("data\nhi there\n");
    // The program exits with WASI's errno: ENOENT is 44, EBADF (no fd 3 without --dir) is 8.
    gannet_in(&dir, &["run", "--dir", "data::sandbox", cat, "missing.txt"]).exits(44).prints("sandbox\n");
    gannet_in(&dir, &["run", cat, "hello.txt"]).exits(8).prints("");
}

#[test]
fn wasi_exit_status() {
    gannet(&["run", "wasi_exit.wat"]).exits(0).prints("").quiet();
    gannet(&["run", "wasi_exit.wat", "a", "b", "c"]).exits(3).prints("").quiet();
    let many: Vec<String> = (0..258).map(|i| i.to_string()).collect();
    let mut args = vec!["run", "wasi_exit.wat"];
    args.extend(many.iter().map(String::as_str));
    gannet(&args).exits(258 % 256).quiet();
}

#[test]
fn wasi_for_a_preloaded_module_only() {
    gannet(&["run", "--preload", "logger=wasi_logger.wat", "uses_logger.wat"])
        .exits(0)
        .prints("hello from the preloaded module\n")
        .quiet();
}

#[test]
fn wast_scripts() {
    gannet(&["wast", "pass.wast"]).exits(0).prints("3 passed, 0 failed\n").quiet();
    gannet(&["wast", "pass.wast", "fail.wast"])
        .exits(ERROR)
        .prints("4 passed, 1 failed\n")
        .says("fail.wast:3:2: assert_return: expected [i32.const 3 (0x3)], got [i32.const 2 (0x2)]");
    gannet(&["wast", "missing.wast"]).exits(ERROR).one_error_line("cannot read `missing.wast`");
    gannet(&["wast"]).exits(USAGE).says("required arguments were not provided");
}

#[test]
fn help_documents_the_exit_status() {
    for args in [&["--help"][..], &["run", "--help"]] {
        let outcome = gannet(args);
        outcome.exits(0).quiet();
        for part in
            ["Exit status:", "134  the guest trapped", "N    the guest exited with status N", "2    the command"]
        {
            assert!(outcome.stdout.contains(part), "`{part}` missing from {}", outcome.context());
        }
    }
    let outcome = gannet(&["run", "--help"]);
    for option in ["--dir <HOST[::GUEST]>", "--env <NAME[=VAL]>", "--invoke <NAME>", "--preload <NAME=FILE>", "--eager"]
    {
        assert!(outcome.stdout.contains(option), "`{option}` missing from {}", outcome.context());
    }
    gannet(&["--version"]).exits(0).prints(&format!("gannet {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn op_stats_count_the_executed_instructions() {
    // `depth 1000` runs 1001 calls: each executes the `if`'s test, and all but the last
    // a `sub` (translated as adding -1), a call, an `add` of the result the call left in
    // the accumulator, and a return.
    let run = gannet(&["run", "--op-stats", "--invoke", "depth", "recurse.wat", "1000"]);
    run.exits(0).prints("1000\n");
    let stats: Vec<&str> = run.stderr.lines().collect();
    assert!(stats[0].starts_with("op stats: ") && stats[0].ends_with(" IR instructions executed"), "{}", run.context());
    let count = |op: &str| -> u64 {
        let line = stats.iter().find(|line| line.split_whitespace().nth(2) == Some(op));
        line.unwrap_or_else(|| panic!("no {op} in {}", run.context()))
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(count("CallInternal"), 1000);
    assert_eq!(count("I32AddImm"), 1000);
    assert_eq!(count("I32AddImmAcc"), 1000);
    assert!(run.stderr.contains("CallInternal -> "), "pairs missing: {}", run.context());
    // Without the option nothing is counted or printed.
    gannet(&["run", "--invoke", "depth", "recurse.wat", "10"]).exits(0).prints("10\n").quiet();
}
