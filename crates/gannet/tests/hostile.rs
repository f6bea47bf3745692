//! Hostile modules: huge nesting, huge frames, huge function counts, huge data, unbounded
//! recursion and growth past every limit. Each is either rejected with a clear error or
//! run, within bounded time (and memory bounded by the store limits where they apply).

use std::time::{Duration, Instant};

use gannet::{
    Caller, CompilationMode, Config, Engine, Error, Func, Linker, Module, Store, StoreLimitsBuilder, TrapCode, Val,
};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, ExportKind, ExportSection, Function, FunctionSection,
    Instruction as I, MemorySection, MemoryType, TypeSection, ValType,
};

/// Generous: the test profile is lightly optimised and the machine is shared.
const TIME_BUDGET: Duration = Duration::from_secs(30);

fn eager() -> Engine {
    let mut config = Config::new();
    config.compilation_mode(CompilationMode::Eager);
    Engine::new(&config)
}

/// A module with one type `() -> i32` and the given bodies, every function exported as
/// `f<index>` (or only the first, if `export_all` is false).
fn module_of(bodies: impl IntoIterator<Item = Function>, export_all: bool) -> Vec<u8> {
    let mut module = wasm_encoder::Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]);
    module.section(&types);
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut count = 0;
    for body in bodies {
        functions.function(0);
        code.function(&body);
        count += 1;
    }
    module.section(&functions);
    let mut exports = ExportSection::new();
    for index in 0..if export_all { count } else { count.min(1) } {
        exports.export(&format!("f{index}"), ExportKind::Func, index);
    }
    module.section(&exports);
    module.section(&code);
    module.finish()
}

fn call_i32(engine: &Engine, wasm: &[u8], export: &str) -> Result<i32, Error> {
    let module = Module::new(engine, wasm)?;
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, &module)?;
    instance.get_typed_func::<(), i32>(&store, export)?.call(&mut store, ())
}

fn within_budget<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let result = f();
    let elapsed = start.elapsed();
    assert!(elapsed < TIME_BUDGET, "{what} took {elapsed:?}");
    result
}

#[test]
fn ten_thousand_nested_blocks() {
    let depth = 10_000;
    let mut body = Function::new([]);
    for _ in 0..depth {
        body.instruction(&I::Block(BlockType::Result(ValType::I32)));
    }
    body.instruction(&I::I32Const(7));
    for level in 0..depth {
        // Every other level branches out of two blocks at once.
        if level % 2 == 1 {
            body.instruction(&I::Br(1));
        }
        body.instruction(&I::End);
    }
    body.instruction(&I::End);
    let wasm = module_of([body], true);
    let result = within_budget("10,000 nested blocks", || call_i32(&eager(), &wasm, "f0"));
    assert_eq!(result.expect("runs"), 7);
}

#[test]
fn ten_thousand_nested_ifs_and_loops() {
    let depth = 10_000;
    let mut body = Function::new([]);
    for level in 0..depth {
        body.instruction(&I::I32Const(1));
        if level % 2 == 0 {
            body.instruction(&I::If(BlockType::Empty));
        } else {
            body.instruction(&I::Drop);
            body.instruction(&I::Loop(BlockType::Empty));
        }
    }
    for _ in 0..depth {
        body.instruction(&I::End);
    }
    body.instruction(&I::I32Const(3));
    body.instruction(&I::End);
    let wasm = module_of([body], true);
    let result = within_budget("10,000 nested ifs and loops", || call_i32(&eager(), &wasm, "f0"));
    assert_eq!(result.expect("runs"), 3);
}

#[test]
fn fifty_thousand_locals() {
    let mut body = Function::new([(25_000, ValType::I64), (25_000, ValType::I32)]);
    body.instruction(&I::I32Const(11));
    body.instruction(&I::LocalSet(49_999));
    body.instruction(&I::LocalGet(49_999));
    body.instruction(&I::LocalGet(0));
    body.instruction(&I::I32WrapI64);
    body.instruction(&I::I32Add);
    body.instruction(&I::End);
    let wasm = module_of([body], true);
    let result = within_budget("50,000 locals", || call_i32(&eager(), &wasm, "f0"));
    assert_eq!(result.expect("runs"), 11);
}

#[test]
fn fifty_thousand_locals_in_a_recursion_traps() {
    // Each frame needs 50,000 slots: the value stack limit is reached after a few hundred.
    let mut module = wasm_encoder::Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]);
    module.section(&types);
    let mut functions = FunctionSection::new();
    functions.function(0);
    module.section(&functions);
    let mut exports = ExportSection::new();
    exports.export("f0", ExportKind::Func, 0);
    module.section(&exports);
    let mut body = Function::new([(50_000, ValType::I64)]);
    body.instruction(&I::Call(0));
    body.instruction(&I::End);
    let mut code = CodeSection::new();
    code.function(&body);
    module.section(&code);
    let wasm = module.finish();
    let error =
        within_budget("recursion with 50,000 locals", || call_i32(&eager(), &wasm, "f0")).expect_err("cannot return");
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow), "{error}");
}

#[test]
fn a_hundred_thousand_functions() {
    let bodies = (0..100_000).map(|index| {
        let mut body = Function::new([]);
        body.instruction(&I::I32Const(index));
        body.instruction(&I::End);
        body
    });
    let wasm = module_of(bodies, true);
    let engine = eager();
    let (first, last) = within_budget("100,000 functions", || {
        let module = Module::new(&engine, &wasm).expect("valid");
        assert_eq!(module.num_functions(), 100_000);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        let call = |store: &mut Store<()>, name: &str| {
            instance.get_typed_func::<(), i32>(&*store, name).expect("export").call(store, ()).expect("runs")
        };
        (call(&mut store, "f0"), call(&mut store, "f99999"))
    });
    assert_eq!((first, last), (0, 99_999));
}

/// A memory of `pages` pages filled by `segments` active data segments of `size` bytes.
fn data_module(pages: u64, segments: u32, size: usize) -> Vec<u8> {
    let mut module = wasm_encoder::Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]);
    module.section(&types);
    let mut functions = FunctionSection::new();
    functions.function(0);
    module.section(&functions);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType { minimum: pages, maximum: None, memory64: false, shared: false, page_size_log2: None });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("last", ExportKind::Func, 0);
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);
    let mut body = Function::new([]);
    body.instruction(&I::I32Const((segments as usize * size - 1) as i32));
    body.instruction(&I::I32Load8U(wasm_encoder::MemArg {
        offset: 0,
        align: 0,
        target: wasm_encoder::MemArgTarget::Memory(0),
        ordering: None,
    }));
    body.instruction(&I::End);
    let mut code = CodeSection::new();
    code.function(&body);
    module.section(&code);
    let mut data = DataSection::new();
    for segment in 0..segments {
        let offset = ConstExpr::i32_const((segment as usize * size) as i32);
        data.active(0, &offset, vec![segment as u8 + 1; size]);
    }
    module.section(&data);
    module.finish()
}

#[test]
fn a_hundred_megabytes_of_data_segments() {
    let wasm = data_module(1600, 100, 1 << 20);
    assert!(wasm.len() > 100 << 20);
    let engine = eager();
    within_budget("100 MB of data", || {
        let module = Module::new(&engine, &wasm).expect("valid");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        let last = instance.get_typed_func::<(), i32>(&store, "last").expect("export");
        assert_eq!(last.call(&mut store, ()).expect("runs"), 100);
        let memory = instance.get_memory(&store, "memory").expect("export");
        assert_eq!(memory.data(&store)[50 << 20], 51);
    });
}

#[test]
fn data_beyond_the_memory_limit_is_refused_at_instantiation() {
    let wasm = data_module(1600, 100, 1 << 20);
    let engine = eager();
    let module = Module::new(&engine, &wasm).expect("valid");
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimitsBuilder::new().memory_size(64 << 20).build());
    let error = Linker::new(&engine).instantiate(&mut store, &module).expect_err("over the limit");
    assert!(matches!(error, Error::Instantiate(_)), "{error:?}");
    assert!(error.to_string().contains("memory_size limit"), "{error}");
}

/// Runs `f` on a thread with a small native stack, so that native recursion per guest
/// call would overflow it.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new().stack_size(512 * 1024).spawn(f).expect("thread").join().expect("no panic")
}

#[test]
fn indirect_and_mutual_recursion_trap() {
    let wat = r#"
      (module
        (type $t (func (param i64) (result i64)))
        (table 2 funcref)
        (elem (i32.const 0) $a $b)
        (func $a (type $t) (call_indirect (type $t) (i64.add (local.get 0) (i64.const 1)) (i32.const 1)))
        (func $b (type $t) (i64.mul (call $a (local.get 0)) (i64.const 2)))
        (func (export "go") (result i64) (call $a (i64.const 0))))"#;
    let error = on_small_stack(move || {
        let engine = Engine::default();
        let module = Module::new(&engine, wat).expect("valid");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        instance.get_typed_func::<(), i64>(&store, "go").expect("export").call(&mut store, ()).expect_err("endless")
    });
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow), "{error}");
}

#[test]
fn recursion_through_the_host_traps() {
    // wasm → host → wasm → host …: every level re-enters the interpreter from the host.
    let wat = r#"
      (module
        (import "host" "reenter" (func $reenter (param i32) (result i32)))
        (func (export "down") (param i32) (result i32)
          (i32.add (call $reenter (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;
    let error = on_small_stack(move || {
        let engine = Engine::default();
        let module = Module::new(&engine, wat).expect("valid");
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(&mut store, "host", "reenter", |mut caller: Caller<'_, ()>, x: i32| -> gannet::Result<i32> {
                let Some(gannet::Extern::Func(down)) = caller.get_export("down") else {
                    return Err(Error::host("no export"));
                };
                let mut results = [Val::I32(0)];
                down.call(caller.store(), &[Val::I32(x)], &mut results)?;
                Ok(results[0].i32().unwrap_or(0))
            })
            .expect("defined");
        let instance = linker.instantiate(&mut store, &module).expect("instantiates");
        let down: Func = instance.get_func(&store, "down").expect("export");
        let mut results = [Val::I32(0)];
        down.call(&mut store, &[Val::I32(0)], &mut results).expect_err("endless")
    });
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow), "{error}");
}

#[test]
fn growth_beyond_the_limits_fails_cleanly() {
    let wat = r#"
      (module
        (memory (export "memory") 1)
        (table $t 1 funcref)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "grow_table") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("valid");
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimitsBuilder::new().memory_size(4 << 20).table_elements(1000).build());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").expect("export");
    let grow_table = instance.get_typed_func::<i32, i32>(&store, "grow_table").expect("export");
    assert_eq!(grow.call(&mut store, 63).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "past the store limit");
    assert_eq!(grow.call(&mut store, -1).unwrap(), -1, "past 4 GiB");
    assert_eq!(grow_table.call(&mut store, 999).unwrap(), 1);
    assert_eq!(grow_table.call(&mut store, 1).unwrap(), -1, "past the store limit");
    assert_eq!(grow_table.call(&mut store, -1).unwrap(), -1);
}

#[test]
fn growth_stops_at_the_declared_maximum() {
    let wat = r#"(module (memory 0 3) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").expect("export");
    assert_eq!(grow.call(&mut store, 4).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 3).unwrap(), 0);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 0).unwrap(), 3);
}
