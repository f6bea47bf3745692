//! The collector keeps a long-running allocator bounded: the guest allocates many times
//! more struct bytes than it keeps alive, and the heap (and the process) must stay within
//! a small multiple of the live set.
//!
//! The guest keeps `LIVE` structs of 16 `i64` fields (128 bytes each: 10 MB, 13.4 MiB with
//! bookkeeping) in an array held by a global and replaces one at a pseudo-random place per
//! allocation. Release builds allocate 10 GiB of structs; debug builds 1 GiB (the same
//! program, ten times fewer iterations). Set `GANNET_GC_CHURN_GIB` to choose.
//! The figures are printed: `cargo test --release -p gannet --test gc_churn -- --nocapture`.

use gannet::{Engine, Instance, Module, Store};

const LIVE: i32 = 80_000;
const STRUCT_BYTES: u64 = 128;

const WAT: &str = r#"
(module
  (type $obj (struct (field (mut i64)) (field i64) (field i64) (field i64) (field i64) (field i64)
                     (field i64) (field i64) (field i64) (field i64) (field i64) (field i64)
                     (field i64) (field i64) (field i64) (field i64)))
  (type $slots (array (mut (ref null $obj))))
  (global $live (mut (ref null $slots)) (ref.null $slots))
  (func (export "setup") (param $n i32)
    (global.set $live (array.new_default $slots (local.get $n))))
  ;; Allocates `count` structs, each replacing a pseudo-randomly chosen live one; returns a
  ;; checksum of the live set's first fields, so the work cannot be skipped.
  (func (export "churn") (param $count i64) (result i64)
    (local $i i64) (local $at i32) (local $n i32) (local $sum i64)
    (local.set $n (array.len (global.get $live)))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $count)))
        (local.set $at (i32.rem_u (i32.add (i32.mul (i32.wrap_i64 (local.get $i)) (i32.const 7919)) (i32.const 13))
                                  (local.get $n)))
        (array.set $slots (global.get $live) (local.get $at)
          (struct.new $obj (local.get $i) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
                           (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10) (i64.const 11)
                           (i64.const 12) (i64.const 13) (i64.const 14) (i64.const 15)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (local.set $i (i64.const 0))
    (block $summed
      (loop $sum_next
        (br_if $summed (i64.ge_u (local.get $i) (i64.extend_i32_u (local.get $n))))
        (local.set $sum (i64.add (local.get $sum)
          (struct.get $obj 0 (ref.as_non_null (array.get $slots (global.get $live) (i32.wrap_i64 (local.get $i)))))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $sum_next)))
    (local.get $sum)))
"#;

/// Peak resident set size of this process in bytes, where the OS reports it.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn churning_many_times_the_live_set_keeps_memory_bounded() {
    let gib: u64 = std::env::var("GANNET_GC_CHURN_GIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 1 } else { 10 });
    let count = (gib << 30) / STRUCT_BYTES;
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    instance.get_typed_func::<i32, ()>(&store, "setup").unwrap().call(&mut store, LIVE).unwrap();
    let rss_before = peak_rss();
    let started = std::time::Instant::now();
    let churn = instance.get_typed_func::<i64, i64>(&store, "churn").unwrap();
    let sum = churn.call(&mut store, count as i64).unwrap();
    let elapsed = started.elapsed();
    let stats = store.gc_stats();

    // Every live slot holds one of the last structs written there: their first fields
    // are distinct iteration numbers below `count`.
    assert!(sum > 0 && (sum as u64) < count * LIVE as u64, "checksum {sum}");
    assert_eq!(stats.allocated_objects, count + 1, "one struct per iteration, plus the array");
    assert!(stats.collections > 0);
    assert!(stats.freed_objects > count / 2, "freed {} of {count}", stats.freed_objects);
    let live = LIVE as u64 * STRUCT_BYTES;
    println!(
        "gc churn: {gib} GiB in {count} structs of {STRUCT_BYTES} bytes, {:.1} MiB live: {:.2} s, {} collections, \
         heap peak {:.1} MiB, process peak RSS {} (before the churn {})",
        live as f64 / (1 << 20) as f64,
        elapsed.as_secs_f64(),
        stats.collections,
        stats.peak_bytes as f64 / (1 << 20) as f64,
        peak_rss().map_or("unknown".into(), |b| format!("{:.1} MiB", b as f64 / (1 << 20) as f64)),
        rss_before.map_or("unknown".into(), |b| format!("{:.1} MiB", b as f64 / (1 << 20) as f64)),
    );
    // The heap's own accounting: at most the live set plus what may be allocated between
    // collections (the larger of the live bytes and 4 MiB), with bookkeeping.
    assert!(stats.peak_bytes < 4 * (live + (4 << 20)), "heap peak {} bytes", stats.peak_bytes);
    if let (Some(peak), Some(before)) = (peak_rss(), rss_before) {
        assert!(peak < before + 16 * live, "process peak RSS {peak} bytes (before: {before})");
    }
}
