//! Host functions reach the calling instance's exports and memory through `Caller`.

use gannet::{Caller, Engine, Extern, Linker, Module, Store};

#[test]
fn host_function_reads_and_writes_the_callers_memory() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "upcase" (func $upcase (param i32 i32)))
             (memory (export "memory") 1)
             (data (i32.const 16) "gannet")
             (func (export "run") (result i32)
               (call $upcase (i32.const 16) (i32.const 6))
               (i32.load8_u (i32.const 16))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, 0usize);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(&mut store, "host", "upcase", |mut caller: Caller<'_, usize>, ptr: i32, len: i32| {
            let Some(Extern::Memory(memory)) = caller.get_export("memory") else { panic!("no memory export") };
            let (bytes, calls) = memory.data_and_store_mut(caller.store());
            bytes[ptr as usize..(ptr + len) as usize].make_ascii_uppercase();
            *calls += 1;
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), i32::from(b'G'));
    assert_eq!(*store.data(), 1);
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(&memory.data(&store)[16..22], b"GANNET");
}

#[test]
fn caller_has_no_exports_when_the_embedder_calls() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, None);
    let func =
        gannet::Func::wrap(&mut store, |caller: Caller<'_, Option<bool>>| caller.get_export("memory").is_some() as i32);
    let typed = func.typed::<(), i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, ()).unwrap(), 0);
}

#[test]
fn tables_a_host_function_adds_leave_the_callers_indirect_calls_intact() {
    // `call_indirect` on table 0 reaches the table through a pointer the interpreter
    // keeps; a host function that adds tables (the store's list of them grows and moves),
    // then grows table 0 and changes an element, must not leave that pointer behind.
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "add_tables" (func $add_tables))
             (type $number (func (result i32)))
             (table (export "table") 2 funcref)
             (elem (i32.const 0) $seven $eight)
             (func $seven (result i32) (i32.const 7))
             (func $eight (result i32) (i32.const 8))
             (func (export "nine") (result i32) (i32.const 9))
             (func (export "run") (result i32)
               (call_indirect (type $number) (i32.const 0))
               (call $add_tables)
               (call_indirect (type $number) (i32.const 1))
               i32.add))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(&mut store, "host", "add_tables", |mut caller: Caller<'_, ()>| {
            for _ in 0..2000 {
                let ty = gannet::TableType::new(gannet::ValType::FuncRef, 4, None);
                gannet::Table::new(&mut caller, ty, gannet::Val::FuncRef(None)).unwrap();
            }
            let Some(Extern::Table(table)) = caller.get_export("table") else { panic!("no table export") };
            let Some(Extern::Func(nine)) = caller.get_export("nine") else { panic!("no nine export") };
            table.grow(&mut caller, 1000, gannet::Val::FuncRef(None)).unwrap();
            table.set(&mut caller, 1, gannet::Val::FuncRef(Some(nine))).unwrap();
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 7 + 9);
}
