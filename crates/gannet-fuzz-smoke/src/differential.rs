//! Differential execution against wasmi: a `wasm-smith` module is instantiated in both
//! engines and every exported function is called with the same arguments. Results,
//! whether (and roughly why) a call trapped, exported memories, globals and tables must
//! agree.
//!
//! Resource exhaustion is not comparable: fuel is accounted differently by the two
//! engines, and their call-depth limits differ. Once either engine runs out of fuel or
//! stack, the run stops comparing (the engines' states may have diverged from there on).

use arbitrary::Unstructured;
use gannet::{Extern, TrapCode};

/// Fuel for the start function, and again for each call.
pub const FUEL: u64 = 10_000;
/// Both stores' limit on one memory's size.
pub const MEMORY_LIMIT: usize = 1 << 20;
/// Both stores' limit on one table's size.
pub const TABLE_LIMIT: usize = 10_000;
/// How many times each exported function is called (with fresh arguments).
const ROUNDS: usize = 2;

/// The `wasm-smith` configuration: WebAssembly 2.0 (bulk memory, reference types,
/// multi-value, sign extension, saturating conversions, SIMD) plus tail calls, extended
/// constant expressions, wide arithmetic, 64-bit memories and tables, 1-byte pages and
/// up to two memories; one table at most, no imports, everything exported, NaNs
/// canonicalised before they reach memory.
pub fn smith_config(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    config.bulk_memory_enabled = true;
    config.reference_types_enabled = true;
    config.multi_value_enabled = true;
    config.sign_extension_ops_enabled = true;
    config.saturating_float_to_int_enabled = true;
    config.tail_call_enabled = true;
    config.simd_enabled = true;
    config.relaxed_simd_enabled = false;
    config.threads_enabled = false;
    config.shared_everything_threads_enabled = false;
    config.gc_enabled = false;
    config.exceptions_enabled = false;
    config.memory64_enabled = true;
    config.custom_page_sizes_enabled = true;
    config.wide_arithmetic_enabled = true;
    config.extended_const_enabled = true;
    config.compact_imports_enabled = false;
    config.custom_descriptors_enabled = false;
    config.multibyte_array_access_enabled = false;
    config.acquire_release_atomics_enabled = false;
    config.max_memories = config.max_memories.min(2);
    config.max_tables = config.max_tables.min(1);
    config.max_imports = 0;
    config.export_everything = true;
    config.canonicalize_nans = true;
    config.max_memory32_bytes = config.max_memory32_bytes.min(MEMORY_LIMIT as u64);
    config.max_memory64_bytes = config.max_memory64_bytes.min(MEMORY_LIMIT as u128);
    config.max_table_elements = config.max_table_elements.min(TABLE_LIMIT as u64);
    config.max_funcs = config.max_funcs.min(50);
    config.max_instructions = config.max_instructions.min(500);
    config.max_data_segments = config.max_data_segments.min(20);
    config.max_element_segments = config.max_element_segments.min(20);
    config.max_elements = config.max_elements.min(100);
    config.max_globals = config.max_globals.min(50);
    config.max_types = config.max_types.min(50);
    config.max_exports = config.max_exports.min(100);
    Ok(config)
}

/// Generates a module from the start of `u`.
pub fn generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let config = smith_config(u)?;
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

/// How far a run got, for statistics.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Both engines instantiated the module.
    pub instantiated: bool,
    /// Calls whose outcomes were compared.
    pub compared_calls: usize,
    /// Calls that ended in a (comparable) trap on both sides.
    pub traps: usize,
    /// The run stopped early because an engine ran out of fuel or stack.
    pub exhausted: bool,
}

/// What a call did, reduced to what both engines can be compared on.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    I32(i32),
    I64(i64),
    /// Bits, with every NaN replaced by one canonical NaN.
    F32(u32),
    F64(u64),
    /// Bits as they are: `wasm-smith` canonicalises the NaNs vector operations make.
    V128(u128),
    /// Whether the reference is null: identities are not comparable across engines.
    Ref {
        null: bool,
    },
}

fn f32_bits(bits: u32) -> u32 {
    if f32::from_bits(bits).is_nan() { 0x7fc0_0000 } else { bits }
}

fn f64_bits(bits: u64) -> u64 {
    if f64::from_bits(bits).is_nan() { 0x7ff8_0000_0000_0000 } else { bits }
}

impl Value {
    fn of_gannet(val: &gannet::Val) -> Value {
        match *val {
            gannet::Val::I32(v) => Value::I32(v),
            gannet::Val::I64(v) => Value::I64(v),
            gannet::Val::F32(v) => Value::F32(f32_bits(v)),
            gannet::Val::F64(v) => Value::F64(f64_bits(v)),
            gannet::Val::V128(v) => Value::V128(v),
            gannet::Val::FuncRef(f) => Value::Ref { null: f.is_none() },
            gannet::Val::ExternRef(r) => Value::Ref { null: r.is_none() },
            other => panic!("unexpected Gannet value {other:?}"),
        }
    }

    fn of_wasmi(val: &wasmi::Val) -> Value {
        match val {
            wasmi::Val::I32(v) => Value::I32(*v),
            wasmi::Val::I64(v) => Value::I64(*v),
            wasmi::Val::F32(v) => Value::F32(f32_bits(v.to_bits())),
            wasmi::Val::F64(v) => Value::F64(f64_bits(v.to_bits())),
            wasmi::Val::V128(v) => Value::V128(v.as_u128()),
            wasmi::Val::FuncRef(f) => Value::Ref { null: f.is_null() },
            wasmi::Val::ExternRef(r) => Value::Ref { null: r.is_null() },
        }
    }
}

/// The trap kinds both engines distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trap {
    Unreachable,
    Memory,
    /// A table access out of bounds, including `call_indirect` past the table's end.
    Table,
    /// `call_indirect` of a null element.
    Null,
    Signature,
    DivideByZero,
    Overflow,
    Conversion,
    /// Fuel or stack: not comparable.
    Exhausted,
    Other,
}

fn gannet_trap(error: &gannet::Error) -> Trap {
    match error.trap_code() {
        Some(TrapCode::Unreachable) => Trap::Unreachable,
        Some(TrapCode::MemoryOutOfBounds) => Trap::Memory,
        Some(TrapCode::TableOutOfBounds | TrapCode::UndefinedElement) => Trap::Table,
        Some(TrapCode::UninitializedElement | TrapCode::NullReference) => Trap::Null,
        Some(TrapCode::IndirectCallTypeMismatch) => Trap::Signature,
        Some(TrapCode::IntegerDivisionByZero) => Trap::DivideByZero,
        Some(TrapCode::IntegerOverflow) => Trap::Overflow,
        Some(TrapCode::BadConversionToInteger) => Trap::Conversion,
        Some(TrapCode::StackOverflow | TrapCode::OutOfFuel) => Trap::Exhausted,
        _ => Trap::Other,
    }
}

fn wasmi_trap(error: &wasmi::Error) -> Trap {
    use wasmi::TrapCode as W;
    match error.as_trap_code() {
        Some(W::UnreachableCodeReached) => Trap::Unreachable,
        Some(W::MemoryOutOfBounds) => Trap::Memory,
        Some(W::TableOutOfBounds) => Trap::Table,
        Some(W::IndirectCallToNull) => Trap::Null,
        Some(W::BadSignature) => Trap::Signature,
        Some(W::IntegerDivisionByZero) => Trap::DivideByZero,
        Some(W::IntegerOverflow) => Trap::Overflow,
        Some(W::BadConversionToInteger) => Trap::Conversion,
        Some(W::StackOverflow | W::OutOfFuel | W::GrowthOperationLimited) => Trap::Exhausted,
        // Bulk table and memory operations report their own errors rather than trap codes.
        _ => {
            let message = error.to_string();
            if message.contains("out of bounds table access") {
                Trap::Table
            } else if message.contains("out of bounds memory access") {
                Trap::Memory
            } else {
                Trap::Other
            }
        }
    }
}

struct Gannet {
    store: gannet::Store<()>,
    instance: gannet::Instance,
}

struct Wasmi {
    store: wasmi::Store<wasmi::StoreLimits>,
    instance: wasmi::Instance,
}

fn gannet_side(wasm: &[u8]) -> Result<Result<Gannet, gannet::Error>, String> {
    let mut config = gannet::Config::new();
    config.consume_fuel(true).wasm_wide_arithmetic(true).wasm_custom_page_sizes(true);
    let engine = gannet::Engine::new(&config);
    let module = gannet::Module::from_binary(&engine, wasm).map_err(|e| format!("Gannet rejects the module: {e}"))?;
    let mut store = gannet::Store::new(&engine, ());
    store.set_limits(gannet::StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).table_elements(TABLE_LIMIT).build());
    store.set_fuel(FUEL).expect("fuel is enabled");
    let linker = gannet::Linker::new(&engine);
    Ok(linker.instantiate(&mut store, &module).map(|instance| Gannet { store, instance }))
}

fn wasmi_side(wasm: &[u8]) -> Result<Result<Wasmi, wasmi::Error>, String> {
    let mut config = wasmi::Config::default();
    config
        .consume_fuel(true)
        .wasm_multi_memory(true)
        .wasm_extended_const(true)
        .wasm_custom_page_sizes(true)
        .wasm_memory64(true)
        .wasm_wide_arithmetic(true)
        .wasm_tail_call(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("wasmi rejects the module: {e}"))?;
    let limits = wasmi::StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).table_elements(TABLE_LIMIT).build();
    let mut store = wasmi::Store::new(&engine, limits);
    store.limiter(|limits| limits);
    store.set_fuel(FUEL).expect("fuel is enabled");
    let linker = wasmi::Linker::new(&engine);
    Ok(linker.instantiate_and_start(&mut store, &module).map(|instance| Wasmi { store, instance }))
}

/// An argument of type `ty`, for both engines: mostly interesting small values.
fn argument(u: &mut Unstructured<'_>, ty: gannet::ValType) -> arbitrary::Result<(gannet::Val, wasmi::Val)> {
    let small: bool = u.ratio(3, 4)?;
    Ok(match ty {
        gannet::ValType::I32 => {
            let v: i32 = if small { u.int_in_range(-2..=16)? } else { u.arbitrary()? };
            (gannet::Val::I32(v), wasmi::Val::I32(v))
        }
        gannet::ValType::I64 => {
            let v: i64 = if small { u.int_in_range(-2..=16)? } else { u.arbitrary()? };
            (gannet::Val::I64(v), wasmi::Val::I64(v))
        }
        gannet::ValType::F32 => {
            let bits: u32 = if small { (u.int_in_range(-2..=16)? as f32).to_bits() } else { u.arbitrary()? };
            (gannet::Val::F32(bits), wasmi::Val::F32(wasmi::F32::from_bits(bits)))
        }
        gannet::ValType::F64 => {
            let bits: u64 = if small { (u.int_in_range(-2..=16)? as f64).to_bits() } else { u.arbitrary()? };
            (gannet::Val::F64(bits), wasmi::Val::F64(wasmi::F64::from_bits(bits)))
        }
        gannet::ValType::V128 => {
            let bits: u128 = if small { u.int_in_range(0..=16)? } else { u.arbitrary()? };
            (gannet::Val::V128(bits), wasmi::Val::V128(wasmi::V128::from(bits)))
        }
        gannet::ValType::FuncRef => (gannet::Val::FuncRef(None), wasmi::Val::FuncRef(wasmi::Ref::Null)),
        gannet::ValType::ExternRef => (gannet::Val::ExternRef(None), wasmi::Val::ExternRef(wasmi::Ref::Null)),
        other => panic!("wasm-smith was configured without {other:?}"),
    })
}

/// Runs `wasm` in both engines, calling exports with arguments drawn from `u`. `Ok` means
/// no difference was observed (or the module could not be compared); `Err` describes the
/// first difference.
pub fn run(wasm: &[u8], u: &mut Unstructured<'_>) -> Result<Stats, String> {
    let mut stats = Stats::default();
    let gannet = gannet_side(wasm)?;
    let wasmi = wasmi_side(wasm)?;
    let (mut g, mut w) = match (gannet, wasmi) {
        (Ok(g), Ok(w)) => (g, w),
        (Err(_), Err(_)) => return Ok(stats),
        (Err(e), Ok(_)) if gannet_trap(&e) == Trap::Exhausted => return Ok(stats),
        (Ok(_), Err(e)) if wasmi_trap(&e) == Trap::Exhausted => return Ok(stats),
        (Err(e), Ok(_)) => return Err(format!("instantiation: Gannet fails ({e}), wasmi succeeds")),
        (Ok(_), Err(e)) => return Err(format!("instantiation: wasmi fails ({e}), Gannet succeeds")),
    };
    stats.instantiated = true;
    compare_state(&mut g, &mut w).map_err(|e| format!("after instantiation: {e}"))?;

    let exports = g.instance.exports(&g.store);
    for round in 0..ROUNDS {
        for (name, export) in &exports {
            let Extern::Func(gfunc) = export else { continue };
            let wfunc = w.instance.get_func(&w.store, name).ok_or_else(|| format!("wasmi lacks export {name:?}"))?;
            let ty = gfunc.ty(&g.store);
            let mut gparams = Vec::new();
            let mut wparams = Vec::new();
            for ty in ty.params() {
                let (gv, wv) = argument(u, *ty).unwrap_or_else(|_| (gannet::Val::default_for(*ty), wasmi_default(*ty)));
                gparams.push(gv);
                wparams.push(wv);
            }
            let mut gresults: Vec<gannet::Val> = ty.results().iter().map(|t| gannet::Val::default_for(*t)).collect();
            let mut wresults: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi_default(*t)).collect();
            g.store.set_fuel(FUEL).expect("fuel is enabled");
            w.store.set_fuel(FUEL).expect("fuel is enabled");
            let gout = gfunc.call(&mut g.store, &gparams, &mut gresults);
            let wout = wfunc.call(&mut w.store, &wparams, &mut wresults);
            let call = format!("round {round}: call {name:?}{gparams:?}");
            match (gout, wout) {
                (Ok(()), Ok(())) => {
                    let gvals: Vec<Value> = gresults.iter().map(Value::of_gannet).collect();
                    let wvals: Vec<Value> = wresults.iter().map(Value::of_wasmi).collect();
                    if gvals != wvals {
                        return Err(format!("{call}: Gannet returns {gvals:?}, wasmi {wvals:?}"));
                    }
                }
                (Err(ge), Err(we)) => {
                    let (gt, wt) = (gannet_trap(&ge), wasmi_trap(&we));
                    if gt == Trap::Exhausted || wt == Trap::Exhausted {
                        stats.exhausted = true;
                        return Ok(stats);
                    }
                    if gt != wt {
                        return Err(format!("{call}: Gannet traps with {ge} ({gt:?}), wasmi with {we} ({wt:?})"));
                    }
                    stats.traps += 1;
                }
                (Err(ge), Ok(())) => {
                    if gannet_trap(&ge) == Trap::Exhausted {
                        stats.exhausted = true;
                        return Ok(stats);
                    }
                    let wvals: Vec<Value> = wresults.iter().map(Value::of_wasmi).collect();
                    return Err(format!("{call}: Gannet traps with {ge}, wasmi returns {wvals:?}"));
                }
                (Ok(()), Err(we)) => {
                    if wasmi_trap(&we) == Trap::Exhausted {
                        stats.exhausted = true;
                        return Ok(stats);
                    }
                    let gvals: Vec<Value> = gresults.iter().map(Value::of_gannet).collect();
                    return Err(format!("{call}: wasmi traps with {we}, Gannet returns {gvals:?}"));
                }
            }
            stats.compared_calls += 1;
            compare_state(&mut g, &mut w).map_err(|e| format!("after {call}: {e}"))?;
        }
    }
    Ok(stats)
}

fn wasmi_default(ty: gannet::ValType) -> wasmi::Val {
    match ty {
        gannet::ValType::I32 => wasmi::Val::I32(0),
        gannet::ValType::I64 => wasmi::Val::I64(0),
        gannet::ValType::F32 => wasmi::Val::F32(wasmi::F32::from_bits(0)),
        gannet::ValType::F64 => wasmi::Val::F64(wasmi::F64::from_bits(0)),
        gannet::ValType::V128 => wasmi::Val::V128(wasmi::V128::from(0u128)),
        gannet::ValType::FuncRef => wasmi::Val::FuncRef(wasmi::Ref::Null),
        _ => wasmi::Val::ExternRef(wasmi::Ref::Null),
    }
}

/// Compares every exported memory, global and table.
fn compare_state(g: &mut Gannet, w: &mut Wasmi) -> Result<(), String> {
    for (name, export) in g.instance.exports(&g.store) {
        match export {
            Extern::Memory(gm) => {
                let wm =
                    w.instance.get_memory(&w.store, &name).ok_or_else(|| format!("wasmi lacks memory {name:?}"))?;
                let (gd, wd) = (gm.data(&g.store), wm.data(&w.store));
                if gd.len() != wd.len() {
                    return Err(format!("memory {name:?}: Gannet has {} bytes, wasmi {}", gd.len(), wd.len()));
                }
                // Slice equality is one `memcmp`, which the fuzzer's coverage
                // instrumentation leaves alone; comparing byte by byte in Rust made each
                // comparison of a 1 MiB memory a million instrumented branches (a fuzz
                // input took 6 s, 149 s on a loaded machine: a false "timeout").
                if gd == wd {
                    continue;
                }
                if let Some(at) = gd.iter().zip(wd).position(|(a, b)| a != b) {
                    return Err(format!(
                        "memory {name:?} differs first at byte {at}: Gannet {:#04x}, wasmi {:#04x}",
                        gd[at], wd[at]
                    ));
                }
            }
            Extern::Global(gg) => {
                let wg =
                    w.instance.get_global(&w.store, &name).ok_or_else(|| format!("wasmi lacks global {name:?}"))?;
                let (gv, wv) = (Value::of_gannet(&gg.get(&g.store)), Value::of_wasmi(&wg.get(&w.store)));
                if gv != wv {
                    return Err(format!("global {name:?}: Gannet {gv:?}, wasmi {wv:?}"));
                }
            }
            Extern::Table(gt) => {
                let wt = w.instance.get_table(&w.store, &name).ok_or_else(|| format!("wasmi lacks table {name:?}"))?;
                let (gsize, wsize) = (gt.size(&g.store), wt.size(&w.store));
                if gsize != wsize {
                    return Err(format!("table {name:?}: Gannet has {gsize} elements, wasmi {wsize}"));
                }
                for index in 0..gsize {
                    let gnull = match gt.get(&g.store, index) {
                        Some(gannet::Val::FuncRef(f)) => f.is_none(),
                        Some(gannet::Val::ExternRef(r)) => r.is_none(),
                        other => return Err(format!("table {name:?}[{index}]: Gannet gives {other:?}")),
                    };
                    let wnull = wt.get(&w.store, index).map(|r| match r {
                        wasmi::Val::FuncRef(f) => f.is_null(),
                        wasmi::Val::ExternRef(r) => r.is_null(),
                        _ => false,
                    });
                    if Some(gnull) != wnull {
                        return Err(format!("table {name:?}[{index}]: Gannet null={gnull}, wasmi null={wnull:?}"));
                    }
                }
            }
            // Functions are compared by calling them; tags are not generated.
            _ => {}
        }
    }
    Ok(())
}

/// A module that ran in both engines without a difference.
#[derive(Debug)]
pub struct Ran {
    /// The module.
    pub wasm: Vec<u8>,
    /// How far the run got.
    pub stats: Stats,
}

/// A difference between the engines.
#[derive(Debug)]
pub struct Mismatch {
    /// The module.
    pub wasm: Vec<u8>,
    /// What differed.
    pub message: String,
}

/// Generates a module and runs it, as the fuzz target does with libFuzzer's bytes.
/// `Ok(None)` means the bytes ran out before a module could be generated.
pub fn run_bytes(data: &[u8]) -> Result<Option<Ran>, Mismatch> {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = generate(&mut u) else {
        return Ok(None);
    };
    match run(&wasm, &mut u) {
        Ok(stats) => Ok(Some(Ran { wasm, stats })),
        Err(message) => Err(Mismatch { wasm, message }),
    }
}
