//! Medians, ratios and geometric means.

use crate::model::{ProgramResult, REFERENCES};
use serde::Serialize;

pub fn median(samples: &[u64]) -> Option<u64> {
    if samples.is_empty() {
        return None;
    }
    let mut s = samples.to_vec();
    s.sort_unstable();
    let mid = s.len() / 2;
    Some(if s.len() % 2 == 1 { s[mid] } else { (s[mid - 1] / 2) + (s[mid] / 2) + (s[mid - 1] % 2 + s[mid] % 2) / 2 })
}

pub fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan() || *v <= 0.0) {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// The geometric mean of one engine's time ratios to a reference over a set of programs.
#[derive(Serialize, Clone, Debug)]
pub struct GeoMean {
    pub reference: String,
    pub engine: String,
    /// A layer name, or `all`.
    pub layer: String,
    /// `engine time / reference time`: above 1 the engine is slower than the reference.
    pub ratio: Option<f64>,
    /// How many programs both engines ran correctly, of how many in the layer.
    pub programs: usize,
    pub of: usize,
}

/// A tail-call program's overhead over its fastest native run.
#[derive(Serialize, Clone, Debug)]
pub struct NativeOverhead {
    pub program: String,
    pub native_min_ns: u64,
    pub engine: String,
    pub median_ns: u64,
    /// `engine median / fastest native run`.
    pub overhead: f64,
}

/// How much faster one engine runs a SIMD build than the scalar build of the same source.
#[derive(Serialize, Clone, Debug)]
pub struct SimdSpeedup {
    pub program: String,
    pub scalar: String,
    pub engine: String,
    pub scalar_ns: u64,
    pub simd_ns: u64,
    /// `scalar median / SIMD median`: above 1 the SIMD build is faster.
    pub speedup: f64,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Summary {
    pub geomeans: Vec<GeoMean>,
    pub tail_call_vs_native: Vec<NativeOverhead>,
    pub simd_speedups: Vec<SimdSpeedup>,
    pub failures: Vec<String>,
}

pub const LAYERS: &[&str] = &["micro", "c", "simd", "tail-call", "wasm3"];

/// `engine / reference` on one program, when both ran correctly.
pub fn ratio(p: &ProgramResult, engine: &str, reference: &str) -> Option<f64> {
    let e = p.median(engine)?;
    let r = p.median(reference)?;
    (r > 0).then(|| e as f64 / r as f64)
}

pub fn summarize(programs: &[ProgramResult], engines: &[String]) -> Summary {
    let mut summary = Summary::default();
    for reference in REFERENCES.iter().filter(|r| engines.iter().any(|e| e == *r)) {
        for engine in engines {
            let mut layers: Vec<&str> =
                LAYERS.iter().copied().filter(|l| programs.iter().any(|p| p.layer == *l)).collect();
            layers.push("all");
            for layer in layers {
                let in_layer: Vec<&ProgramResult> =
                    programs.iter().filter(|p| layer == "all" || p.layer == layer).collect();
                let ratios: Vec<f64> = in_layer.iter().filter_map(|p| ratio(p, engine, reference)).collect();
                // Programs an engine has no cell for (native without a native build)
                // do not count against it.
                let of = in_layer.iter().filter(|p| p.cell(engine).is_some()).count();
                if of == 0 {
                    continue;
                }
                summary.geomeans.push(GeoMean {
                    reference: reference.to_string(),
                    engine: engine.clone(),
                    layer: layer.to_string(),
                    ratio: geomean(&ratios),
                    programs: ratios.len(),
                    of,
                });
            }
        }
    }
    for p in programs.iter().filter(|p| p.layer == "tail-call") {
        let Some(native_min) = p.cell("native").filter(|c| c.ok()).and_then(|c| c.min_ns) else { continue };
        if native_min == 0 {
            continue;
        }
        for engine in engines.iter().filter(|e| *e != "native") {
            if let Some(m) = p.median(engine) {
                summary.tail_call_vs_native.push(NativeOverhead {
                    program: p.name.clone(),
                    native_min_ns: native_min,
                    engine: engine.clone(),
                    median_ns: m,
                    overhead: m as f64 / native_min as f64,
                });
            }
        }
    }
    for p in programs {
        let Some(scalar) = p.scalar.as_ref().and_then(|s| programs.iter().find(|q| &q.name == s)) else { continue };
        for engine in engines {
            if let (Some(simd_ns), Some(scalar_ns)) = (p.median(engine), scalar.median(engine))
                && simd_ns > 0
            {
                summary.simd_speedups.push(SimdSpeedup {
                    program: p.name.clone(),
                    scalar: scalar.name.clone(),
                    engine: engine.clone(),
                    scalar_ns,
                    simd_ns,
                    speedup: scalar_ns as f64 / simd_ns as f64,
                });
            }
        }
    }
    for p in programs {
        for c in p.cells.iter().filter(|c| c.is_failure() || (c.engine.starts_with("gannet") && !c.ok())) {
            summary.failures.push(format!(
                "{} on {}: {}: {}",
                c.engine,
                p.name,
                crate::report::status_word(c.status),
                c.reason.as_deref().unwrap_or("")
            ));
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[9, 1, 5]), Some(5));
        assert_eq!(median(&[4, 1, 3, 2]), Some(2));
        assert_eq!(median(&[u64::MAX, u64::MAX]), Some(u64::MAX));
        assert_eq!(median(&[3, 4]), Some(3));
    }

    #[test]
    fn geomean_basics() {
        assert_eq!(geomean(&[]), None);
        assert!((geomean(&[2.0, 8.0]).unwrap() - 4.0).abs() < 1e-12);
        assert_eq!(geomean(&[1.0, 0.0]), None);
    }
}
