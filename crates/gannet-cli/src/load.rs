//! Reading modules from files, with errors that fit on one line.

use std::path::Path;

use gannet::{Engine, Module};
use wast::parser::{self, ParseBuffer};

use crate::failure::Failure;

fn read(file: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(file)
        .map_err(|error| Failure::error(format!("cannot read `{}`: {}", file.display(), io_reason(&error))))
}

pub fn read_text(file: &Path) -> Result<String, Failure> {
    String::from_utf8(read(file)?).map_err(|_| Failure::error(format!("`{}` is not UTF-8 text", file.display())))
}

/// The OS's description without Rust's " (os error 2)" suffix, which tells a user nothing.
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Loads a `.wasm` binary or `.wat` text module; which one is decided by the content, so a
/// binary named `.wat` (or a file without extension) works too.
pub fn module(engine: &Engine, file: &Path) -> Result<Module, Failure> {
    let bytes = read(file)?;
    let shown = file.display();
    let binary = match wat::Detect::from_bytes(&bytes) {
        wat::Detect::WasmBinary => bytes,
        wat::Detect::WasmText => {
            // Text is known to be UTF-8 here: `Detect` only says `WasmText` for UTF-8.
            let text = String::from_utf8_lossy(&bytes);
            assemble(&text).map_err(|reason| Failure::error(format!("{shown}:{reason}")))?
        }
        wat::Detect::Unknown => {
            return Err(Failure::error(format!(
                "`{shown}` is not a WebAssembly module: neither binary (it does not start with `\\0asm`) \
                 nor text (it does not start with `(`)"
            )));
        }
    };
    Module::from_binary(engine, &binary).map_err(|error| Failure::from_gannet(error, &format!("`{shown}`")))
}

/// Turns WebAssembly text into a binary; an error is `LINE:COL: message`, the first place
/// that is wrong, rather than `wat`'s multi-line rendering with a source excerpt.
fn assemble(text: &str) -> Result<Vec<u8>, String> {
    let located = |error: wast::Error| {
        let (line, col) = error.span().linecol_in(text);
        format!("{}:{}: invalid WebAssembly text: {}", line + 1, col + 1, error.message())
    };
    let buffer = ParseBuffer::new(text).map_err(located)?;
    let mut wat = parser::parse::<wast::Wat>(&buffer).map_err(located)?;
    wat.encode().map_err(located)
}
