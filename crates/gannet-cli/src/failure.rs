//! How gannet ends when something goes wrong, and with which exit status (the scheme is
//! documented in `--help` and the README; keep the three in agreement).

use std::process::ExitCode;

use gannet::Trap;

/// Gannet could not run the program: bad input, invalid module, link error, ...
pub const EXIT_ERROR: u8 = 1;
/// The command line could not be parsed (clap's convention).
pub const EXIT_USAGE: u8 = 2;
/// The guest trapped. 134 is what a process killed by SIGABRT reports on Unix, which is
/// also what wasmtime exits with on a trap, so scripts written for either keep working.
pub const EXIT_TRAP: u8 = 134;

/// Why a command did not finish normally.
#[derive(Debug)]
pub enum Failure {
    /// One line explaining what is wrong.
    Error(String),
    /// The guest trapped; printed with its backtrace.
    Trap(Trap),
    /// The guest asked to exit with this status.
    Exit(i32),
}

impl Failure {
    pub fn error(message: impl Into<String>) -> Self {
        Failure::Error(message.into())
    }

    /// Sorts an error out of the engine; `context` (e.g. "`app.wasm`") is put in front of
    /// errors that would otherwise not say which module they are about.
    pub fn from_gannet(error: gannet::Error, context: &str) -> Self {
        match error {
            gannet::Error::Trap(trap) => Failure::Trap(trap),
            gannet::Error::Exit(code) => Failure::Exit(code),
            other => Failure::Error(format!("{context}: {other}")),
        }
    }

    pub fn report(self) -> ExitCode {
        match self {
            Failure::Error(message) => {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_ERROR)
            }
            Failure::Trap(trap) => {
                eprintln!("error: {}", describe_trap(&trap));
                ExitCode::from(EXIT_TRAP)
            }
            // Truncating is what the OS would do with `exit(code)` on Unix anyway.
            Failure::Exit(code) => ExitCode::from(code as u8),
        }
    }
}

/// Like `Trap`'s `Display`, except that a run of identical frames (deep recursion: the
/// usual way to exhaust the stack) is one line plus a count rather than a screenful.
fn describe_trap(trap: &Trap) -> String {
    let mut text = format!("wasm trap: {}", trap.code());
    let frames = trap.backtrace();
    if !frames.is_empty() {
        text.push_str("\nwasm backtrace:");
    }
    let mut i = 0;
    while i < frames.len() {
        text.push_str(&format!("\n  {i:>3}: {}", frames[i]));
        let repeats = frames[i + 1..].iter().take_while(|frame| **frame == frames[i]).count();
        if repeats > 1 {
            text.push_str(&format!("\n       ... the same frame {repeats} more times"));
            i += repeats;
        }
        i += 1;
    }
    text
}

/// Prints a command line error. A malformed option value is one line (what and why);
/// other usage errors keep clap's usage summary, which is what helps there.
pub fn report_parse_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // Help asked for explicitly goes to stdout with success; `gannet` alone prints
            // it to stderr and fails, as any other incomplete command line does.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { 0 });
        }
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let rendered = error.render().to_string();
            eprintln!("{}", rendered.lines().next().unwrap_or("error: invalid option value"));
        }
        _ => {
            let _ = error.print();
        }
    }
    ExitCode::from(EXIT_USAGE)
}
