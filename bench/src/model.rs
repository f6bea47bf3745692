//! What a benchmark run produces: the JSON report's shape.

use serde::Serialize;

/// The engines, in the order columns appear.
pub const ALL_ENGINES: &[&str] = &[
    "gannet-nightly",
    "gannet-nightly-fuel",
    "gannet-stable",
    "wasmi",
    "stitch",
    "wasm3",
    "wasmtime-pulley",
    "wasmtime-cranelift",
    "native",
];

/// The reference engines ratios are taken against, in order of preference.
pub const REFERENCES: &[&str] = &["gannet-nightly", "gannet-stable"];

#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    /// Every run returned the expected checksum.
    #[serde(rename = "ok")]
    Ok,
    /// The engine could not load the module (validation, compilation or instantiation
    /// failed, or the engine is not available); the reason is the real error.
    #[serde(rename = "n/a")]
    NotAvailable,
    /// A run returned a checksum other than the expected one.
    #[serde(rename = "wrong-checksum")]
    Wrong,
    /// A run trapped, or the worker crashed.
    #[serde(rename = "error")]
    Error,
    #[serde(rename = "timeout")]
    Timeout,
}

#[derive(Serialize, Clone, Debug)]
pub struct Cell {
    pub engine: String,
    pub status: Status,
    /// Why the status is not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Parse + validate + compile + instantiate, one sample per load.
    pub load_ns: Vec<u64>,
    /// The untimed-for-the-median warm-up call (it includes lazy compilation, where an
    /// engine compiles lazily).
    pub first_ns: Option<u64>,
    /// The timed runs, in order.
    pub run_ns: Vec<u64>,
    pub median_ns: Option<u64>,
    pub min_ns: Option<u64>,
    pub load_median_ns: Option<u64>,
    /// The checksum the engine returned last (the wrong one, for `wrong-checksum`).
    pub checksum: Option<String>,
    /// Peak resident set size of the worker process (from `wait4`).
    pub peak_rss_kb: Option<u64>,
    /// The worker's resident set size before it read the module (what an idle worker
    /// costs: the harness binary or the Python interpreter).
    pub start_rss_kb: Option<u64>,
}

impl Cell {
    pub fn new(engine: &str) -> Cell {
        Cell {
            engine: engine.to_string(),
            status: Status::Ok,
            reason: None,
            load_ns: Vec::new(),
            first_ns: None,
            run_ns: Vec::new(),
            median_ns: None,
            min_ns: None,
            load_median_ns: None,
            checksum: None,
            peak_rss_kb: None,
            start_rss_kb: None,
        }
    }

    pub fn fail(&mut self, status: Status, reason: impl Into<String>) {
        if self.status == Status::Ok {
            self.status = status;
            self.reason = Some(reason.into());
        }
    }

    pub fn ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// A failure of the engine (not a proposal it lacks): a wrong checksum, a trap or
    /// crash, or a timeout.
    pub fn is_failure(&self) -> bool {
        matches!(self.status, Status::Wrong | Status::Error | Status::Timeout)
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct ProgramResult {
    pub name: String,
    pub layer: String,
    pub n: i32,
    pub wasm: String,
    pub expected: String,
    pub features: Vec<String>,
    pub native: Option<String>,
    /// For a SIMD build: the program built from the same source without SIMD.
    pub scalar: Option<String>,
    pub cells: Vec<Cell>,
}

impl ProgramResult {
    pub fn cell(&self, engine: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.engine == engine)
    }

    /// The median time of `engine`, if it ran correctly.
    pub fn median(&self, engine: &str) -> Option<u64> {
        self.cell(engine).filter(|c| c.ok()).and_then(|c| c.median_ns)
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct EngineInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub config: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct Meta {
    pub mode: String,
    pub runs: usize,
    pub load_reps: usize,
    pub started_unix: u64,
    pub duration_s: f64,
    pub command: String,
    pub git: String,
    pub cpu: String,
    pub cores: usize,
    pub kernel: String,
    pub rustc_stable: String,
    pub rustc_nightly: String,
    pub manifest: String,
    pub notes: Vec<String>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Report {
    pub meta: Meta,
    pub engines: Vec<EngineInfo>,
    pub programs: Vec<ProgramResult>,
    pub summary: crate::stats::Summary,
}
