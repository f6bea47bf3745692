//! The `gannet` command line.

mod cli;
mod failure;
mod limits;
mod load;
mod run;
mod values;
mod wasi;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use gannet::{CompilationMode, Config, Engine};

use cli::{Cli, Command};
use failure::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(with_default_command(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(error) => return failure::report_parse_error(error),
    };
    let outcome = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate { file } => validate(&file),
        Command::Inspect { file, func } => inspect(&file, func.as_deref()),
        Command::Wast { files } => wast(&files),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// `gannet app.wasm ...` means `gannet run app.wasm ...`, as with wasmtime. Only for an
/// argument that names a file or looks like a module, so a mistyped command still gets
/// clap's "unrecognized subcommand" with its suggestion instead of "cannot read".
fn with_default_command(mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = args.get(1) else { return args };
    let command = Cli::command();
    let is_command = command.get_subcommands().any(|sub| sub.get_name() == first) || first == "help";
    let path = std::path::Path::new(first);
    let looks_like_module = matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "wat"));
    if !is_command && !first.to_string_lossy().starts_with('-') && (looks_like_module || path.is_file()) {
        args.insert(1, "run".into());
    }
    args
}

fn engine(mode: CompilationMode) -> Engine {
    let mut config = Config::new();
    config.compilation_mode(mode);
    Engine::new(&config)
}

fn validate(file: &std::path::Path) -> Result<ExitCode, Failure> {
    load::module(&engine(CompilationMode::LazyTranslation), file)?;
    print_lines([format!("{}: valid", file.display())])?;
    Ok(ExitCode::SUCCESS)
}

/// Lazily compiled, so one function can be inspected even when another does not validate;
/// translating a function for printing validates it first either way.
fn inspect(file: &std::path::Path, selected: Option<&str>) -> Result<ExitCode, Failure> {
    let module = load::module(&engine(CompilationMode::Lazy), file)?;
    let indices: Vec<u32> = match selected {
        Some(name) => vec![
            module
                .find_function(name)
                .ok_or_else(|| Failure::error(format!("`{}` has no function `{name}`", file.display())))?,
        ],
        None => (0..module.num_functions()).collect(),
    };
    for index in indices {
        let name = module.function_name(index).map(|n| format!(" ${n}")).unwrap_or_default();
        let text = match module.disassemble(index) {
            None => format!("func {index}{name}: imported"),
            Some(Ok(text)) => format!("func {index}{name}:\n{}", text.trim_end()),
            Some(Err(error)) => return Err(Failure::from_gannet(error, &format!("`{}`", file.display()))),
        };
        print_lines([text])?;
    }
    Ok(ExitCode::SUCCESS)
}

fn wast(files: &[std::path::PathBuf]) -> Result<ExitCode, Failure> {
    let mut config = Config::new();
    config.compilation_mode(CompilationMode::LazyTranslation);
    let mut report = gannet_wast::Report::default();
    for file in files {
        let text = load::read_text(file)?;
        let file_report = gannet_wast::run_wast(&file.display().to_string(), &text, &config);
        for failure in &file_report.failures {
            eprintln!("{failure}");
        }
        report.merge(file_report);
    }
    print_lines([format!("{} passed, {} failed", report.passed, report.failed)])?;
    Ok(if report.is_success() { ExitCode::SUCCESS } else { ExitCode::from(failure::EXIT_ERROR) })
}

/// Writes to stdout without panicking when the reader has gone away (`gannet inspect x |
/// head`): Rust ignores SIGPIPE, so `println!` would panic there.
fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let written = lines.into_iter().try_for_each(|line| writeln!(out, "{line}")).and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::error(format!("cannot write to stdout: {error}")))
        }
        _ => Ok(()),
    }
}
