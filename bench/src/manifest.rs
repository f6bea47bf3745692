//! `bench/programs/manifest.json`: which programs exist, their sizes and checksums.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One benchmark program as the manifest describes it.
#[derive(Deserialize, Debug, Clone)]
pub struct Program {
    pub name: String,
    /// `micro`, `c`, `simd` or `tail-call`.
    pub layer: String,
    /// The module, relative to `bench/` (a `.wat` file is accepted too).
    pub wasm: String,
    pub quick: i32,
    pub full: i32,
    pub expect: Expect,
    /// Proposals beyond WebAssembly 2.0 that the module needs (`tail-call`, `simd`). Every
    /// engine is configured with every proposal it supports; one that does not support
    /// all of these (`engines::proposals`) is not given the module.
    #[serde(default)]
    pub features: Vec<String>,
    /// SIMD builds only: the program built from the same source without SIMD.
    #[serde(default)]
    pub scalar: Option<String>,
    /// The native build of the same program: `target/bench/native/<native>`.
    #[serde(default)]
    pub native: Option<String>,
}

/// The expected checksums, as decimal strings of an `i64`.
#[derive(Deserialize, Debug, Clone)]
pub struct Expect {
    pub quick: String,
    pub full: String,
}

impl Program {
    pub fn n(&self, quick: bool) -> i32 {
        if quick { self.quick } else { self.full }
    }

    /// The expected checksum for the chosen size.
    pub fn expected(&self, quick: bool) -> Result<i64, String> {
        let text = if quick { &self.expect.quick } else { &self.expect.full };
        text.trim()
            .parse::<i64>()
            .map_err(|e| format!("manifest: program `{}` has a bad expected checksum `{text}`: {e}", self.name))
    }
}

/// Reads a manifest. Paths in it stay relative to `base` (the `bench/` directory).
pub fn load(path: &Path) -> Result<Vec<Program>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let programs: Vec<Program> =
        serde_json::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    for p in &programs {
        if !crate::stats::LAYERS.contains(&p.layer.as_str()) {
            return Err(format!("{}: program `{}` has unknown layer `{}`", path.display(), p.name, p.layer));
        }
        p.expected(true)?;
        p.expected(false)?;
        if let Some(scalar) = &p.scalar {
            let same = programs.iter().find(|q| &q.name == scalar).is_some_and(|q| {
                q.scalar.is_none()
                    && (q.quick, q.full) == (p.quick, p.full)
                    && q.expected(true) == p.expected(true)
                    && q.expected(false) == p.expected(false)
            });
            if !same {
                return Err(format!(
                    "{}: program `{}` names `{scalar}` as its scalar build, which must be another entry with the \
                     same sizes and checksums",
                    path.display(),
                    p.name
                ));
            }
        }
    }
    Ok(programs)
}

/// Reads a module from disk, turning WebAssembly text into binary first (outside of any
/// timing) so that every engine is handed the same bytes.
pub fn read_module(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if path.extension().is_some_and(|e| e == "wat") {
        wat::parse_bytes(&bytes).map(|b| b.into_owned()).map_err(|e| format!("{}: {e}", path.display()))
    } else {
        Ok(bytes)
    }
}

/// The module path of a program.
pub fn module_path(bench_dir: &Path, program: &Program) -> PathBuf {
    bench_dir.join(&program.wasm)
}
