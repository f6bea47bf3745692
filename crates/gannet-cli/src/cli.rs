//! The command line's grammar, and the parsers for option values that can be checked
//! without looking at a module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    the program finished: `_start` (or the --invoke'd function) returned
  N    the guest exited with status N (WASI `proc_exit`; the OS keeps N modulo 256)
  1    gannet could not run the program: unreadable or invalid module, unknown import,
       bad --invoke arguments, unopenable --dir, ... (one `error:` line on stderr)
  2    the command line itself is malformed (unknown option, bad option value, ...)
  134  the guest trapped (running out of --fuel or --max-stack included):
       `error: wasm trap: KIND` and a wasm backtrace on stderr";

#[derive(Parser)]
#[command(
    name = "gannet",
    version,
    about = "Run, validate and inspect WebAssembly modules with the Gannet interpreter",
    after_help = EXIT_STATUS_HELP,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a module: call its `_start` export if it has one, or --invoke a function
    ///
    /// `gannet FILE ...` is short for `gannet run FILE ...`.
    #[command(after_help = EXIT_STATUS_HELP)]
    Run(RunArgs),
    /// Decode and validate a module (every function body), without running it
    Validate {
        /// A `.wasm` binary or `.wat` text module
        file: PathBuf,
    },
    /// Print the register IR that a module's functions translate to
    Inspect {
        /// A `.wasm` binary or `.wat` text module
        file: PathBuf,
        /// Only this function: an export name, a name-section name or an index
        #[arg(long, value_name = "NAME|INDEX")]
        func: Option<String>,
    },
    /// Run WebAssembly spec test scripts (`.wast`); exit status 1 if any directive fails
    Wast {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct RunArgs {
    /// Let the guest open host directory HOST, under the name GUEST (default: HOST)
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    pub dirs: Vec<DirMapping>,

    /// Set the guest's environment variable NAME to VAL; `--env NAME` copies NAME from
    /// gannet's own environment (and leaves it unset if it is unset there)
    #[arg(long = "env", value_name = "NAME[=VAL]", value_parser = parse_env)]
    pub envs: Vec<EnvVar>,

    /// Call export NAME instead of `_start`, with ARGS as its parameters (i32, i64, f32,
    /// f64: decimal, negative, 0x hex; floats also nan, inf, -inf); print each result
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// Instantiate module FILE first and make its exports importable from module NAME
    #[arg(long = "preload", value_name = "NAME=FILE", value_parser = parse_preload)]
    pub preloads: Vec<Preload>,

    /// Give the guest N units of fuel, one per operator executed; it traps with `all fuel
    /// consumed` when they run out
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,

    /// Limit each linear memory to BYTES (plain bytes or with a unit: 64KiB, 16MiB, 1GiB,
    /// or 1000-based KB, MB, GB): `memory.grow` beyond it returns -1, and a module whose
    /// memory starts larger fails to instantiate
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub max_memory: Option<u64>,

    /// Trap with `call stack exhausted` beyond N nested guest calls
    #[arg(long, value_name = "N", value_parser = parse_call_depth)]
    pub max_stack: Option<usize>,

    /// Validate and translate every function before running, so an invalid function body
    /// is reported up front instead of when it is first called
    #[arg(long)]
    pub eager: bool,

    /// Count the IR instructions the guest executes, and which follow which, and print
    /// the most frequent to stderr when it ends (a profiling aid: runs several times
    /// slower)
    #[arg(long)]
    pub op_stats: bool,

    /// The module to run (a `.wasm` binary or `.wat` text), then the guest's arguments
    /// (its argv after the program name) or, with --invoke, the function's parameters.
    /// Everything after FILE belongs to the guest, options included; a `--` right after
    /// FILE is dropped
    // One positional rather than two: clap keeps parsing options after a separate FILE
    // positional, and they must go to the guest instead, as with wasmtime.
    #[arg(
        value_names = ["FILE", "ARGS"],
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = false
    )]
    pub module_and_args: Vec<String>,
}

/// A `--dir HOST[::GUEST]` mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirMapping {
    pub host: PathBuf,
    pub guest: String,
}

/// A `--env NAME[=VAL]` setting; no value means "inherit".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
}

/// A `--preload NAME=FILE` module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preload {
    pub name: String,
    pub file: PathBuf,
}

fn parse_dir(text: &str) -> Result<DirMapping, String> {
    let (host, guest) = text.split_once("::").unwrap_or((text, text));
    if host.is_empty() {
        return Err("the host directory is empty; expected HOST or HOST::GUEST".into());
    }
    if guest.is_empty() {
        return Err("the guest directory name is empty; expected HOST or HOST::GUEST".into());
    }
    Ok(DirMapping { host: host.into(), guest: guest.into() })
}

fn parse_env(text: &str) -> Result<EnvVar, String> {
    let (name, value) = match text.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (text, None),
    };
    if name.is_empty() {
        return Err("the variable name is empty; expected NAME=VAL or NAME".into());
    }
    Ok(EnvVar { name: name.into(), value })
}

fn parse_preload(text: &str) -> Result<Preload, String> {
    match text.split_once('=') {
        Some((name, file)) if !name.is_empty() && !file.is_empty() => {
            Ok(Preload { name: name.into(), file: file.into() })
        }
        _ => Err("expected NAME=FILE, e.g. `--preload env=lib.wasm`".into()),
    }
}

fn parse_call_depth(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("the call depth must be at least 1".into()),
        Ok(depth) => Ok(depth),
        Err(_) => Err("expected a positive whole number of calls".into()),
    }
}

/// Parses a byte count such as `65536`, `64KiB`, `16 MiB` or `2GB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits_end = text.find(|c: char| !c.is_ascii_digit() && c != '_').unwrap_or(text.len());
    let (number, unit) = text.split_at(digits_end);
    let number: String = number.chars().filter(|&c| c != '_').collect();
    if number.is_empty() {
        return Err("expected a number of bytes, optionally with a unit (e.g. 16MiB)".into());
    }
    let number: u64 = number.parse().map_err(|_| "the number is too large".to_string())?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        other => return Err(format!("unknown unit `{other}`; use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB")),
    };
    number.checked_mul(scale).ok_or_else(|| "the size does not fit in 64 bits".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64KiB"), Ok(65536));
        assert_eq!(parse_size("64k"), Ok(65536));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("16 mib"), Ok(16 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_size("1_000KB"), Ok(1_000_000));
        assert_eq!(parse_size("0"), Ok(0));
        assert!(parse_size("").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("1.5GiB").is_err());
        assert!(parse_size("12XB").unwrap_err().contains("unknown unit `xb`"));
        assert!(parse_size("99999999999999999999").is_err());
        assert!(parse_size("20000000TiB").unwrap_err().contains("64 bits"));
    }

    #[test]
    fn dirs() {
        assert_eq!(parse_dir("data"), Ok(DirMapping { host: "data".into(), guest: "data".into() }));
        assert_eq!(parse_dir("/tmp/x::/sandbox"), Ok(DirMapping { host: "/tmp/x".into(), guest: "/sandbox".into() }));
        assert_eq!(parse_dir(".::."), Ok(DirMapping { host: ".".into(), guest: ".".into() }));
        assert!(parse_dir("::guest").is_err());
        assert!(parse_dir("host::").is_err());
    }

    #[test]
    fn envs() {
        assert_eq!(parse_env("A=1"), Ok(EnvVar { name: "A".into(), value: Some("1".into()) }));
        assert_eq!(parse_env("A=b=c"), Ok(EnvVar { name: "A".into(), value: Some("b=c".into()) }));
        assert_eq!(parse_env("A="), Ok(EnvVar { name: "A".into(), value: Some(String::new()) }));
        assert_eq!(parse_env("HOME"), Ok(EnvVar { name: "HOME".into(), value: None }));
        assert!(parse_env("=1").is_err());
        assert!(parse_env("").is_err());
    }

    #[test]
    fn preloads() {
        assert_eq!(parse_preload("lib=a.wasm"), Ok(Preload { name: "lib".into(), file: "a.wasm".into() }));
        assert!(parse_preload("lib").is_err());
        assert!(parse_preload("=a.wasm").is_err());
        assert!(parse_preload("lib=").is_err());
    }
}
