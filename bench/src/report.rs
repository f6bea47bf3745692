//! The report: Markdown (stdout and `report.md`) and HTML with inline SVG charts. The
//! JSON report is the `Report` value serialized as is.

use crate::model::{Cell, REFERENCES, Report, Status};
use crate::stats::{self, LAYERS};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::NotAvailable => "n/a",
        Status::Wrong => "WRONG CHECKSUM",
        Status::Error => "ERROR",
        Status::Timeout => "TIMEOUT",
    }
}

/// A duration with three significant digits and a unit.
pub fn fmt_ns(ns: u64) -> String {
    let ns = ns as f64;
    let (v, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    if v >= 100.0 {
        format!("{v:.0} {unit}")
    } else if v >= 10.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.2} {unit}")
    }
}

pub fn fmt_ratio(r: f64) -> String {
    if r >= 10.0 { format!("{r:.1}×") } else { format!("{r:.2}×") }
}

fn fmt_kb(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

/// Footnotes for cells that are not numbers: identical reasons share one number.
#[derive(Default)]
struct Notes {
    list: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Notes {
    fn mark(&mut self, text: String) -> usize {
        if let Some(&i) = self.index.get(&text) {
            return i;
        }
        self.list.push(text.clone());
        let i = self.list.len();
        self.index.insert(text, i);
        i
    }
}

/// The reference engine ratios in the main tables are taken against.
pub fn main_reference(report: &Report) -> Option<&'static str> {
    REFERENCES.iter().copied().find(|r| report.engines.iter().any(|e| e.id == *r))
}

/// A table cell for a non-`ok` result: loud for failures, plain for n/a.
fn problem_cell(c: &Cell, notes: &mut Notes, md: bool) -> String {
    let n = notes.mark(format!("{}: {}", c.engine, c.reason.as_deref().unwrap_or("")));
    let word = status_word(c.status);
    match (c.status, md) {
        (Status::NotAvailable, _) => format!("n/a [{n}]"),
        (_, true) => format!("**❌ {word}** [{n}]"),
        (_, false) => format!("<b class=fail>✗ {word}</b> [{n}]"),
    }
}

/// The rows of one metric table: program, layer, then one cell per engine.
fn metric_rows(
    report: &Report,
    notes: &mut Notes,
    md: bool,
    value: &dyn Fn(&Cell) -> Option<String>,
    with_ratio: bool,
) -> Vec<Vec<String>> {
    let reference = main_reference(report);
    let mut rows = Vec::new();
    for p in &report.programs {
        let mut row = vec![p.name.clone(), p.layer.clone(), p.n.to_string()];
        for e in &report.engines {
            let text = match p.cell(&e.id) {
                None => "—".to_string(),
                Some(c) if !c.ok() => problem_cell(c, notes, md),
                Some(c) => {
                    let mut v = value(c).unwrap_or_else(|| "—".to_string());
                    if with_ratio
                        && let Some(r) = reference
                        && r != e.id
                        && let Some(x) = stats::ratio(p, &e.id, r)
                    {
                        write!(v, " ({})", fmt_ratio(x)).unwrap();
                    }
                    v
                }
            };
            row.push(text);
        }
        rows.push(row);
    }
    rows
}

fn md_table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    writeln!(out, "| {} |", header.join(" | ")).unwrap();
    writeln!(out, "|{}", header.iter().map(|_| "---|").collect::<String>()).unwrap();
    for r in rows {
        writeln!(out, "| {} |", r.join(" | ")).unwrap();
    }
    out.push('\n');
}

fn engine_header(report: &Report) -> Vec<String> {
    let mut h = vec!["program".to_string(), "layer".to_string(), "n".to_string()];
    h.extend(report.engines.iter().map(|e| e.id.clone()));
    h
}

fn geomean_rows(report: &Report, reference: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut layers: Vec<&str> =
        LAYERS.iter().copied().filter(|l| report.programs.iter().any(|p| p.layer == *l)).collect();
    layers.push("all");
    let mut header = vec!["engine".to_string()];
    header.extend(layers.iter().map(|l| l.to_string()));
    let mut rows = Vec::new();
    for e in &report.engines {
        let mut row = vec![e.id.clone()];
        let mut any = false;
        for l in &layers {
            let g =
                report.summary.geomeans.iter().find(|g| g.reference == reference && g.engine == e.id && g.layer == *l);
            row.push(match g {
                Some(g) if g.ratio.is_some() => {
                    any = true;
                    let partial = if g.programs < g.of { format!(" ({}/{})", g.programs, g.of) } else { String::new() };
                    format!("{}{partial}", fmt_ratio(g.ratio.unwrap()))
                }
                Some(g) => format!("— (0/{})", g.of),
                None => "—".to_string(),
            });
        }
        if any || e.id != "native" {
            rows.push(row);
        }
    }
    (header, rows)
}

/// The Markdown report.
pub fn markdown(report: &Report) -> String {
    let m = &report.meta;
    let mut out = String::new();
    let mut notes = Notes::default();
    writeln!(out, "# Gannet benchmark report\n").unwrap();
    writeln!(
        out,
        "`{}` — {} sizes, median of {} timed run(s) after one warm-up call, engines interleaved run by run; \
         {} on {} core(s); git {}.\n",
        m.command, m.mode, m.runs, m.cpu, m.cores, m.git
    )
    .unwrap();
    if !report.summary.failures.is_empty() {
        writeln!(out, "## ❌ FAILURES\n").unwrap();
        for f in &report.summary.failures {
            writeln!(out, "- **{f}**").unwrap();
        }
        out.push('\n');
    }
    let reference = main_reference(report);
    writeln!(out, "## Execution time\n").unwrap();
    if let Some(r) = reference {
        writeln!(
            out,
            "Median time of one `run(n)` call; in parentheses the time ratio to {r} (above 1× = slower than {r}).\n"
        )
        .unwrap();
    }
    let rows = metric_rows(report, &mut notes, true, &|c| c.median_ns.map(fmt_ns), true);
    md_table(&mut out, &engine_header(report), &rows);

    for r in REFERENCES.iter().filter(|r| report.engines.iter().any(|e| e.id == **r)) {
        writeln!(out, "## Geometric mean of time ratios to {r}\n").unwrap();
        writeln!(out, "Over the programs both ran correctly (k/n shown when that is not all of them).\n").unwrap();
        let (h, rows) = geomean_rows(report, r);
        md_table(&mut out, &h, &rows);
    }

    if report.programs.iter().any(|p| p.layer == "tail-call") {
        writeln!(out, "## Tail-call layer: overhead over the fastest native run\n").unwrap();
        if report.summary.tail_call_vs_native.is_empty() {
            writeln!(out, "No tail-call program had a native run to compare against.\n").unwrap();
        } else {
            let engines: Vec<&str> = report.engines.iter().map(|e| e.id.as_str()).filter(|e| *e != "native").collect();
            let mut header = vec!["program".to_string(), "fastest native".to_string()];
            header.extend(engines.iter().map(|e| e.to_string()));
            let mut rows = Vec::new();
            let mut programs: Vec<&str> =
                report.summary.tail_call_vs_native.iter().map(|o| o.program.as_str()).collect();
            programs.dedup();
            for p in programs {
                let entries: Vec<_> = report.summary.tail_call_vs_native.iter().filter(|o| o.program == p).collect();
                let mut row = vec![p.to_string(), fmt_ns(entries[0].native_min_ns)];
                for e in &engines {
                    row.push(
                        entries.iter().find(|o| o.engine == *e).map(|o| fmt_ratio(o.overhead)).unwrap_or("—".into()),
                    );
                }
                rows.push(row);
            }
            md_table(&mut out, &header, &rows);
        }
    }

    if report.programs.iter().any(|p| p.scalar.is_some()) {
        writeln!(out, "## SIMD builds: speed-up over the scalar build of the same source\n").unwrap();
        if report.summary.simd_speedups.is_empty() {
            writeln!(out, "No engine ran a SIMD build and its scalar build both correctly.\n").unwrap();
        } else {
            writeln!(
                out,
                "Median of the scalar build / median of the SIMD build (above 1× the SIMD build is faster).\n"
            )
            .unwrap();
            let engines: Vec<&str> = report.engines.iter().map(|e| e.id.as_str()).filter(|e| *e != "native").collect();
            let mut header = vec!["SIMD build".to_string(), "scalar build".to_string()];
            header.extend(engines.iter().map(|e| e.to_string()));
            let mut rows = Vec::new();
            for p in report.programs.iter().filter(|p| p.scalar.is_some()) {
                let mut row = vec![p.name.clone(), p.scalar.clone().unwrap_or_default()];
                for e in &engines {
                    row.push(
                        report
                            .summary
                            .simd_speedups
                            .iter()
                            .find(|s| s.program == p.name && s.engine == *e)
                            .map(|s| fmt_ratio(s.speedup))
                            .unwrap_or("—".into()),
                    );
                }
                rows.push(row);
            }
            md_table(&mut out, &header, &rows);
        }
    }

    writeln!(out, "## Load: parse + validate + compile + instantiate\n").unwrap();
    writeln!(out, "Median of {} load(s). stitch and wasm3 compile each function lazily, on its first call, so their load excludes compilation; see the first-call table.\n", m.load_reps).unwrap();
    let rows = metric_rows(report, &mut notes, true, &|c| c.load_median_ns.map(fmt_ns), false);
    md_table(&mut out, &engine_header(report), &rows);

    writeln!(out, "## First call (warm-up, not in the medians)\n").unwrap();
    let rows = metric_rows(report, &mut notes, true, &|c| c.first_ns.map(fmt_ns), false);
    md_table(&mut out, &engine_header(report), &rows);

    writeln!(out, "## Peak resident memory of the worker process\n").unwrap();
    writeln!(out, "`ru_maxrss` of the worker; in parentheses its RSS before it read the module (the idle harness binary, or Python for wasm3).\n").unwrap();
    let rows = metric_rows(
        report,
        &mut notes,
        true,
        &|c| {
            c.peak_rss_kb.map(|p| match c.start_rss_kb {
                Some(s) => format!("{} ({})", fmt_kb(p), fmt_kb(s)),
                None => fmt_kb(p),
            })
        },
        false,
    );
    md_table(&mut out, &engine_header(report), &rows);

    if !notes.list.is_empty() {
        writeln!(out, "## Notes\n").unwrap();
        for (i, n) in notes.list.iter().enumerate() {
            writeln!(out, "{}. {}", i + 1, one_line(n)).unwrap();
        }
        out.push('\n');
    }

    writeln!(out, "## Engines\n").unwrap();
    md_table(
        &mut out,
        &["engine".into(), "version".into(), "configuration".into()],
        &report.engines.iter().map(|e| vec![e.id.clone(), e.version.clone(), e.config.clone()]).collect::<Vec<_>>(),
    );
    writeln!(
        out,
        "Toolchains: {}; {}. Kernel {}. Manifest: {}.\n",
        m.rustc_stable, m.rustc_nightly, m.kernel, m.manifest
    )
    .unwrap();
    for n in &m.notes {
        writeln!(out, "- {n}").unwrap();
    }
    out
}

fn one_line(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    if s.chars().count() > 400 { format!("{}…", s.chars().take(400).collect::<String>()) } else { s }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const COLORS: &[(&str, &str)] = &[
    ("gannet-nightly", "#1f6feb"),
    ("gannet-nightly-fuel", "#0b3d91"),
    ("gannet-stable", "#79b8ff"),
    ("wasmi", "#d97706"),
    ("stitch", "#16a34a"),
    ("wasm3", "#9333ea"),
    ("wasmtime-pulley", "#dc2626"),
    ("wasmtime-cranelift", "#6b7280"),
    ("native", "#111827"),
];

fn color(engine: &str) -> &'static str {
    COLORS.iter().find(|(e, _)| *e == engine).map(|(_, c)| *c).unwrap_or("#888")
}

/// A section with a bar chart of one ratio per (program, engine), if there are any.
fn ratio_section<'a>(
    out: &mut String,
    title: &str,
    caption: &str,
    ratios: impl Iterator<Item = (&'a String, &'a String, f64)>,
) {
    let bars: Vec<(String, String, f64, String)> = ratios
        .map(|(program, engine, ratio)| (format!("{program} {engine}"), engine.clone(), ratio, fmt_ratio(ratio)))
        .collect();
    if !bars.is_empty() {
        write!(out, "<h2>{title}</h2>").unwrap();
        out.push_str(&bar_chart(caption, &bars));
    }
}

/// Horizontal bars, one per (label, value); values on a linear scale from zero.
fn bar_chart(title: &str, bars: &[(String, String, f64, String)]) -> String {
    let label_w = 130.0;
    let chart_w = 330.0;
    let value_w = 90.0;
    let row_h = 18.0;
    let top = 24.0;
    let height = top + row_h * bars.len() as f64 + 8.0;
    let max = bars.iter().map(|b| b.2).fold(0.0f64, f64::max).max(f64::MIN_POSITIVE);
    let mut s = String::new();
    write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" role="img" aria-label="{t}"><text x="0" y="15" font-weight="bold">{t}</text>"#,
        w = label_w + chart_w + value_w,
        t = esc(title)
    )
    .unwrap();
    for (i, (label, engine, value, text)) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (value / max * chart_w).max(1.0);
        write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{bh}" fill="{c}"><title>{l}: {tx}</title></rect><text x="{vx:.1}" y="{ty}">{tx}</text>"#,
            lx = label_w - 6.0,
            ty = y + 12.5,
            l = esc(label),
            bh = row_h - 4.0,
            c = color(engine),
            vx = label_w + w + 4.0,
            tx = esc(text),
        )
        .unwrap();
    }
    s.push_str("</svg>");
    s
}

/// Bars of ratios around 1× on a log scale: left of the axis faster than the reference,
/// right of it slower.
fn ratio_chart(title: &str, bars: &[(String, String, f64)]) -> String {
    let label_w = 150.0;
    let chart_w = 440.0;
    let row_h = 18.0;
    let top = 24.0;
    let height = top + row_h * bars.len() as f64 + 22.0;
    let span = bars.iter().map(|b| b.2.ln().abs()).fold(2f64.ln(), f64::max) * 1.15;
    let pad = 48.0;
    let x = |r: f64| label_w + pad + chart_w / 2.0 + r.ln() / span * (chart_w / 2.0);
    let mut s = String::new();
    write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" role="img" aria-label="{t}"><text x="0" y="15" font-weight="bold">{t}</text>"#,
        w = label_w + chart_w + 2.0 * pad,
        t = esc(title)
    )
    .unwrap();
    for (i, (label, engine, r)) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let (x0, x1) = (x(1.0), x(*r));
        let (left, w) = if x1 < x0 { (x1, x0 - x1) } else { (x0, x1 - x0) };
        let tx = fmt_ratio(*r);
        let (anchor, vx) = if *r < 1.0 { ("end", left - 3.0) } else { ("start", left + w + 3.0) };
        write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect x="{left:.1}" y="{y}" width="{w:.1}" height="{bh}" fill="{c}"><title>{l}: {tx}</title></rect><text x="{vx:.1}" y="{ty}" text-anchor="{anchor}">{tx}</text>"#,
            lx = label_w - 6.0,
            ty = y + 12.5,
            l = esc(label),
            bh = row_h - 4.0,
            c = color(engine),
        )
        .unwrap();
    }
    let axis_bottom = top + row_h * bars.len() as f64;
    write!(
        s,
        r##"<line x1="{a}" y1="{top}" x2="{a}" y2="{axis_bottom}" stroke="#000"/><text x="{a}" y="{ly}" text-anchor="middle" font-size="11">1× (faster ← → slower)</text>"##,
        a = x(1.0),
        ly = axis_bottom + 14.0
    )
    .unwrap();
    s.push_str("</svg>");
    s
}

fn html_table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    out.push_str("<table><tr>");
    for h in header {
        write!(out, "<th>{}</th>", esc(h)).unwrap();
    }
    out.push_str("</tr>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            // Cells are built by this module: plain text, or the fail marker below.
            if c.starts_with("<b class=fail>") {
                write!(out, "<td>{c}</td>").unwrap();
            } else {
                write!(out, "<td>{}</td>", esc(c)).unwrap();
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>\n");
}

/// The HTML report: the same tables as the Markdown one, plus bar charts.
pub fn html(report: &Report) -> String {
    let m = &report.meta;
    let mut notes = Notes::default();
    let mut out = String::new();
    out.push_str(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Gannet benchmark report</title><style>\
         body{font-family:system-ui,sans-serif;margin:2em;max-width:1500px}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
         td:first-child,th:first-child{text-align:left}.fail{color:#b91c1c}\
         svg{font-family:system-ui,sans-serif;font-size:12px;display:block;margin:1em 0}\
         .failures{background:#fee2e2;border:2px solid #b91c1c;padding:0.5em 1em}\
         .grid{display:flex;flex-wrap:wrap;gap:0 2em}\
         </style></head><body>\n",
    );
    writeln!(out, "<h1>Gannet benchmark report</h1><p><code>{}</code> — {} sizes, median of {} timed run(s) after one warm-up call, engines interleaved run by run; {} on {} core(s); git {}.</p>",
        esc(&m.command), esc(&m.mode), m.runs, esc(&m.cpu), m.cores, esc(&m.git)).unwrap();
    if !report.summary.failures.is_empty() {
        out.push_str("<div class=failures><h2>✗ FAILURES</h2><ul>");
        for f in &report.summary.failures {
            write!(out, "<li><b>{}</b></li>", esc(f)).unwrap();
        }
        out.push_str("</ul></div>\n");
    }
    let reference = main_reference(report);
    if let Some(r) = reference {
        for layer in LAYERS.iter().copied().chain(["all"]) {
            let bars: Vec<(String, String, f64)> = report
                .summary
                .geomeans
                .iter()
                .filter(|g| g.reference == r && g.layer == layer && g.engine != r)
                .filter_map(|g| g.ratio.map(|x| (g.engine.clone(), g.engine.clone(), x)))
                .collect();
            if !bars.is_empty() {
                out.push_str(&ratio_chart(&format!("Geometric mean time ratio to {r}: {layer}"), &bars));
            }
        }
    }
    out.push_str("<h2>Execution time</h2>");
    if let Some(r) = reference {
        write!(out, "<p>Median time of one <code>run(n)</code> call; in parentheses the time ratio to {r}.</p>")
            .unwrap();
    }
    let rows = metric_rows(report, &mut notes, false, &|c| c.median_ns.map(fmt_ns), true);
    html_table(&mut out, &engine_header(report), &rows);
    out.push_str("<div class=grid>");
    for p in &report.programs {
        let bars: Vec<(String, String, f64, String)> = report
            .engines
            .iter()
            .filter_map(|e| {
                let c = p.cell(&e.id)?;
                let ns = c.median_ns.filter(|_| c.ok())?;
                Some((e.id.clone(), e.id.clone(), ns as f64, fmt_ns(ns)))
            })
            .collect();
        if !bars.is_empty() {
            out.push_str(&bar_chart(&format!("{} ({}, n = {}): median run time", p.name, p.layer, p.n), &bars));
        }
    }
    out.push_str("</div>");
    for r in REFERENCES.iter().filter(|r| report.engines.iter().any(|e| e.id == **r)) {
        write!(out, "<h2>Geometric mean of time ratios to {r}</h2>").unwrap();
        let (h, rows) = geomean_rows(report, r);
        html_table(&mut out, &h, &rows);
    }
    let overheads = report.summary.tail_call_vs_native.iter().map(|o| (&o.program, &o.engine, o.overhead));
    ratio_section(
        &mut out,
        "Tail-call layer: overhead over the fastest native run",
        "engine median / fastest native run",
        overheads,
    );
    let speedups = report.summary.simd_speedups.iter().map(|s| (&s.program, &s.engine, s.speedup));
    ratio_section(
        &mut out,
        "SIMD builds: speed-up over the scalar build of the same source",
        "scalar build median / SIMD build median",
        speedups,
    );
    out.push_str(
        "<h2>Load: parse + validate + compile + instantiate</h2><p>stitch and wasm3 compile lazily, on first call.</p>",
    );
    let rows = metric_rows(report, &mut notes, false, &|c| c.load_median_ns.map(fmt_ns), false);
    html_table(&mut out, &engine_header(report), &rows);
    out.push_str("<h2>First call (warm-up)</h2>");
    let rows = metric_rows(report, &mut notes, false, &|c| c.first_ns.map(fmt_ns), false);
    html_table(&mut out, &engine_header(report), &rows);
    out.push_str("<h2>Peak resident memory of the worker</h2>");
    let rows = metric_rows(report, &mut notes, false, &|c| c.peak_rss_kb.map(fmt_kb), false);
    html_table(&mut out, &engine_header(report), &rows);
    if !notes.list.is_empty() {
        out.push_str("<h2>Notes</h2><ol>");
        for n in &notes.list {
            write!(out, "<li>{}</li>", esc(n)).unwrap();
        }
        out.push_str("</ol>");
    }
    out.push_str("<h2>Engines</h2>");
    html_table(
        &mut out,
        &["engine".into(), "version".into(), "configuration".into()],
        &report.engines.iter().map(|e| vec![e.id.clone(), e.version.clone(), e.config.clone()]).collect::<Vec<_>>(),
    );
    write!(
        out,
        "<p>Toolchains: {}; {}. Kernel {}. Manifest: {}.</p><ul>",
        esc(&m.rustc_stable),
        esc(&m.rustc_nightly),
        esc(&m.kernel),
        esc(&m.manifest)
    )
    .unwrap();
    for n in &m.notes {
        write!(out, "<li>{}</li>", esc(n)).unwrap();
    }
    out.push_str("</ul></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, EngineInfo, Meta, ProgramResult, Report};

    fn cell(engine: &str, status: Status, median: Option<u64>, reason: Option<&str>) -> Cell {
        let mut c = Cell::new(engine);
        c.status = status;
        c.reason = reason.map(str::to_string);
        c.median_ns = median;
        c.min_ns = median;
        c.run_ns = median.into_iter().collect();
        c
    }

    fn sample() -> Report {
        let engines = ["gannet-nightly", "gannet-stable", "wasmi", "stitch", "native"];
        let programs = vec![
            ProgramResult {
                name: "fib".into(),
                layer: "micro".into(),
                n: 20,
                wasm: "wasm/fib.wasm".into(),
                expected: "6765".into(),
                features: vec![],
                native: None,
                scalar: None,
                cells: vec![
                    cell("gannet-nightly", Status::Ok, Some(2_000_000), None),
                    cell("gannet-stable", Status::Ok, Some(3_000_000), None),
                    cell("wasmi", Status::Wrong, None, Some("returned 1, expected 6765")),
                    cell("stitch", Status::Ok, Some(1_000_000), None),
                ],
            },
            ProgramResult {
                name: "vm_tail".into(),
                layer: "tail-call".into(),
                n: 10,
                wasm: "wasm/vm_tail.wasm".into(),
                expected: "1".into(),
                features: vec!["tail-call".into()],
                native: Some("vm_tail".into()),
                scalar: None,
                cells: vec![
                    cell("gannet-nightly", Status::Ok, Some(4_000), None),
                    cell("gannet-stable", Status::Ok, Some(8_000), None),
                    cell("wasmi", Status::Ok, Some(6_000), None),
                    cell("stitch", Status::NotAvailable, None, Some("illegal <opcode>")),
                    cell("native", Status::Ok, Some(1_000), None),
                ],
            },
            ProgramResult {
                name: "blur".into(),
                layer: "simd".into(),
                n: 1,
                wasm: "wasm/blur.wasm".into(),
                expected: "7".into(),
                features: vec![],
                native: None,
                scalar: None,
                cells: vec![
                    cell("gannet-nightly", Status::Ok, Some(9_000), None),
                    cell("gannet-stable", Status::Ok, Some(12_000), None),
                    cell("wasmi", Status::Ok, Some(10_000), None),
                    cell("stitch", Status::Ok, Some(20_000), None),
                ],
            },
            ProgramResult {
                name: "blur_simd".into(),
                layer: "simd".into(),
                n: 1,
                wasm: "wasm/blur_simd.wasm".into(),
                expected: "7".into(),
                features: vec!["simd".into()],
                native: None,
                scalar: Some("blur".into()),
                cells: vec![
                    cell("gannet-nightly", Status::Ok, Some(3_000), None),
                    cell("gannet-stable", Status::NotAvailable, None, Some("simd not supported")),
                    cell("wasmi", Status::Ok, Some(4_000), None),
                    cell("stitch", Status::NotAvailable, None, Some("no `simd` support")),
                ],
            },
        ];
        let ids: Vec<String> = engines.iter().map(|s| s.to_string()).collect();
        let summary = stats::summarize(&programs, &ids);
        Report {
            meta: Meta {
                mode: "quick".into(),
                runs: 1,
                load_reps: 1,
                started_unix: 0,
                duration_s: 0.0,
                command: "gannet-bench --quick".into(),
                git: "abc".into(),
                cpu: "cpu".into(),
                cores: 2,
                kernel: "k".into(),
                rustc_stable: "s".into(),
                rustc_nightly: "n".into(),
                manifest: "m".into(),
                notes: vec![],
            },
            engines: engines
                .iter()
                .map(|e| EngineInfo { id: e.to_string(), name: e.to_string(), version: "1".into(), config: "c".into() })
                .collect(),
            programs,
            summary,
        }
    }

    #[test]
    fn ratios_and_geomeans() {
        let r = sample();
        let g = |reference: &str, engine: &str, layer: &str| {
            r.summary
                .geomeans
                .iter()
                .find(|g| g.reference == reference && g.engine == engine && g.layer == layer)
                .and_then(|g| g.ratio)
        };
        assert_eq!(g("gannet-nightly", "gannet-stable", "micro"), Some(1.5));
        assert_eq!(g("gannet-nightly", "gannet-stable", "tail-call"), Some(2.0));
        assert_eq!(g("gannet-nightly", "gannet-stable", "simd"), Some(12.0 / 9.0));
        // fib 1.5, vm_tail 2, blur 4/3; not blur_simd, which gannet-stable did not run
        assert!((g("gannet-nightly", "gannet-stable", "all").unwrap() - 4f64.cbrt()).abs() < 1e-9);
        // A wrong checksum never becomes a number.
        assert_eq!(g("gannet-nightly", "wasmi", "micro"), None);
        assert_eq!(g("gannet-stable", "stitch", "micro"), Some(1.0 / 3.0));
        let native: Vec<_> = r.summary.tail_call_vs_native.iter().map(|o| (o.engine.as_str(), o.overhead)).collect();
        assert!(native.contains(&("gannet-nightly", 4.0)));
        assert!(native.contains(&("wasmi", 6.0)));
        let simd: Vec<_> = r.summary.simd_speedups.iter().map(|s| (s.engine.as_str(), s.speedup)).collect();
        assert_eq!(simd, [("gannet-nightly", 3.0), ("wasmi", 2.5)]);
        assert!(r.summary.failures.iter().any(|f| f.starts_with("wasmi on fib: WRONG CHECKSUM")));
        // n/a is not a failure.
        assert!(!r.summary.failures.iter().any(|f| f.contains("stitch")));
    }

    #[test]
    fn markdown_is_loud_about_failures() {
        let md = markdown(&sample());
        assert!(md.contains("## ❌ FAILURES"));
        assert!(md.contains("**❌ WRONG CHECKSUM**"));
        assert!(md.contains("n/a ["));
        assert!(md.contains("| fib | micro | 20 | 2.00 ms | 3.00 ms (1.50×) |"));
        assert!(md.contains("Tail-call layer: overhead over the fastest native run"));
        assert!(md.contains("| blur_simd | blur | 3.00× | — | 2.50× | — |"));
    }

    #[test]
    fn html_is_self_contained_and_escaped() {
        let html = html(&sample());
        assert!(html.contains("<svg"));
        assert!(!html.contains("<script"));
        assert!(
            !html.contains("http://")
                || html.matches("http://").count() == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        assert!(html.contains("illegal &lt;opcode&gt;"));
        assert!(html.contains("class=fail"));
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_ns(999), "999 ns");
        assert_eq!(fmt_ns(1_500), "1.50 µs");
        assert_eq!(fmt_ns(23_600_000), "23.6 ms");
        assert_eq!(fmt_ns(2_000_000_000), "2.00 s");
    }
}
