//! The engines the harness links in-process. Each one loads a module (parse, validate,
//! compile, instantiate) and then calls its `run(n: i32) -> i64` export as often as the
//! driver asks.

mod gannet_engine;
#[cfg(feature = "stitch")]
mod stitch_engine;
#[cfg(feature = "wasmi")]
mod wasmi_engine;
#[cfg(feature = "wasmtime")]
mod wasmtime_engine;

/// An error with its chain of sources (`trap: memory access out of bounds`).
#[allow(dead_code)]
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// A loaded, instantiated module whose `run` export can be called again and again.
pub trait Loaded {
    /// Calls `run(n)` once and returns its checksum.
    fn call(&mut self, n: i32) -> Result<i64, String>;
}

/// An engine configured once per worker process; `load` is what the harness times as
/// parse + compile + instantiate.
pub trait Runner {
    /// Parses, validates, compiles and instantiates `wasm`, and looks up `run`.
    fn load(&mut self, wasm: &[u8]) -> Result<Box<dyn Loaded>, String>;
}

/// The runner for an in-process engine id, or why this binary cannot serve it. `lazy`
/// asks for the engine's lazy compilation mode where it has one (the start-up
/// measurement); otherwise engines that can compile eagerly do, so that the load time
/// includes all of their compilation work.
pub fn runner(engine: &str, lazy: bool) -> Result<Box<dyn Runner>, String> {
    match engine {
        "gannet-nightly" | "gannet-nightly-fuel" | "gannet-stable" => {
            let nightly = engine != "gannet-stable";
            if nightly != cfg!(feature = "nightly") {
                return Err(format!(
                    "this harness binary was built {} the `nightly` feature; {engine} runs in the other build",
                    if cfg!(feature = "nightly") { "with" } else { "without" }
                ));
            }
            Ok(Box::new(gannet_engine::GannetRunner::new(engine == "gannet-nightly-fuel", lazy)))
        }
        #[cfg(feature = "wasmi")]
        "wasmi" => Ok(Box::new(wasmi_engine::WasmiRunner::new(lazy))),
        #[cfg(feature = "stitch")]
        "stitch" => Ok(Box::new(stitch_engine::StitchRunner::new())),
        #[cfg(feature = "wasmtime")]
        "wasmtime-cranelift" => Ok(Box::new(wasmtime_engine::WasmtimeRunner::new(false)?)),
        #[cfg(feature = "wasmtime")]
        "wasmtime-pulley" => Ok(Box::new(wasmtime_engine::WasmtimeRunner::new(true)?)),
        other => Err(format!("engine `{other}` is not built into this harness binary (see its cargo features)")),
    }
}

/// The proposals beyond WebAssembly 2.0 (as the manifest's `features` names them) that
/// `engine` supports, as this harness configures it. The driver does not load a program
/// that needs a proposal missing here into that engine at all: its cell is `n/a` with the
/// proposal named. Covers every id in `model::ALL_ENGINES`, including the out-of-process
/// ones; `native` runs native builds, which need no proposal.
pub fn proposals(engine: &str) -> &'static [&'static str] {
    match engine {
        // Gannet: `wasm_tail_call(true)` in gannet_engine.rs; SIMD, exceptions and GC need
        // no switch.
        "gannet-nightly" | "gannet-nightly-fuel" | "gannet-stable" => &["tail-call", "simd", "exceptions", "gc"],
        // wasmi's `simd` crate feature is on (bench/Cargo.toml); wasmi 2.0 has no
        // exception handling.
        "wasmi" => &["tail-call", "simd"],
        // `wasm_exceptions(true)` and `wasm_gc(true)` in wasmtime_engine.rs.
        "wasmtime-pulley" | "wasmtime-cranelift" => &["tail-call", "simd", "exceptions", "gc"],
        // stitch 0.1: neither (`illegal opcode`). wasm3 0.5: no SIMD; it parses
        // `return_call` but compiles it like a plain call (its source marks it TODO).
        "stitch" | "wasm3" => &[],
        "native" => &["tail-call", "simd"],
        _ => &[],
    }
}

/// The first proposal `features` needs that `engine` does not support.
pub fn missing_proposal<'a>(engine: &str, features: &'a [String]) -> Option<&'a str> {
    let supported = proposals(engine);
    features.iter().map(String::as_str).find(|f| !supported.contains(f))
}

/// Whether this binary can run `engine` in-process.
pub fn compiled_in(engine: &str) -> bool {
    match engine {
        "gannet-nightly" | "gannet-nightly-fuel" => cfg!(feature = "nightly"),
        "gannet-stable" => !cfg!(feature = "nightly"),
        "wasmi" => cfg!(feature = "wasmi"),
        "stitch" => cfg!(feature = "stitch"),
        "wasmtime-cranelift" | "wasmtime-pulley" => cfg!(feature = "wasmtime"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_without_a_proposal_are_not_given_its_programs() {
        let simd = ["simd".to_string()];
        let both = ["tail-call".to_string(), "simd".to_string()];
        for engine in crate::model::ALL_ENGINES {
            let lacking = matches!(*engine, "stitch" | "wasm3");
            assert_eq!(missing_proposal(engine, &simd), lacking.then_some("simd"), "{engine}");
            assert_eq!(missing_proposal(engine, &both).is_some(), lacking, "{engine}");
            assert_eq!(missing_proposal(engine, &[]), None, "{engine}");
        }
        assert_eq!(missing_proposal("wasmi", &["gc".to_string()]), Some("gc"));
    }
}
