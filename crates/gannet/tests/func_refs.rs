//! Typed function references across the embedding API: `call_ref` into other instances
//! and hosts, subtyping in `call_indirect` and imports, and values the host passes in or
//! returns checked against concrete reference types.

use gannet::{
    Engine, Func, FuncType, Global, GlobalType, HeapType, Instance, Linker, Module, Mutability, Store, Val, ValType,
};

fn engine() -> Engine {
    Engine::default()
}

#[test]
fn call_ref_reaches_functions_of_other_instances_and_the_host() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let i32_to_i32 = FuncType::new([ValType::I32], [ValType::I32]);
    let double = Func::new(&mut store, i32_to_i32, |_, params, results| {
        results[0] = Val::I32(params[0].i32().unwrap() * 2);
        Ok(())
    });
    linker.define(&store, "host", "double", double).unwrap();
    let other = Module::new(
        &engine,
        r#"(module (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))"#,
    )
    .unwrap();
    let other = linker.instantiate(&mut store, &other).unwrap();
    linker.instance(&mut store, "other", other).unwrap();
    let module = Module::new(
        &engine,
        r#"(module
            (type $t (func (param i32) (result i32)))
            (import "host" "double" (func $double (type $t)))
            (import "other" "inc" (func $inc (type $t)))
            (func $square (type $t) (i32.mul (local.get 0) (local.get 0)))
            (elem declare func $double $inc $square)
            (func (export "apply") (param i32 i32) (result i32)
                (call_ref $t (local.get 1)
                    (select (result (ref $t)) (ref.func $double)
                        (select (result (ref $t)) (ref.func $inc) (ref.func $square) (i32.eq (local.get 0) (i32.const 1)))
                        (i32.eqz (local.get 0)))))
            (func (export "tail") (param i32) (result i32)
                (return_call_ref $t (local.get 0) (ref.func $inc)))
            (func (export "null") (result i32)
                (call_ref $t (i32.const 0) (ref.null $t)))
            (func (export "non_null") (param funcref) (result i32)
                (ref.is_null (ref.as_non_null (local.get 0))))
            (func (export "on_null") (param funcref) (result i32)
                (block $null
                    (br_on_null $null (local.get 0))
                    (drop)
                    (return (i32.const 1)))
                (i32.const 0))
            (func (export "on_non_null") (param funcref) (result i32)
                (block $some (result (ref func))
                    (br_on_non_null $some (local.get 0))
                    (return (i32.const 0)))
                (drop)
                (i32.const 1))
        )"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let apply = instance.get_typed_func::<(i32, i32), i32>(&mut store, "apply").unwrap();
    assert_eq!(apply.call(&mut store, (0, 21)).unwrap(), 42);
    assert_eq!(apply.call(&mut store, (1, 41)).unwrap(), 42);
    assert_eq!(apply.call(&mut store, (2, 7)).unwrap(), 49);
    let tail = instance.get_typed_func::<i32, i32>(&mut store, "tail").unwrap();
    assert_eq!(tail.call(&mut store, 9).unwrap(), 10);
    let null = instance.get_typed_func::<(), i32>(&mut store, "null").unwrap();
    assert!(null.call(&mut store, ()).unwrap_err().to_string().contains("null function reference"));

    let f = Val::FuncRef(Some(double));
    let mut out = [Val::I32(-1)];
    let non_null = instance.get_func(&mut store, "non_null").unwrap();
    non_null.call(&mut store, &[f], &mut out).unwrap();
    assert_eq!(out[0].i32(), Some(0));
    let error = non_null.call(&mut store, &[Val::FuncRef(None)], &mut out).unwrap_err();
    assert!(error.to_string().contains("null reference"), "{error}");
    for (name, null_result, func_result) in [("on_null", 0, 1), ("on_non_null", 0, 1)] {
        let func = instance.get_func(&mut store, name).unwrap();
        func.call(&mut store, &[Val::FuncRef(None)], &mut out).unwrap();
        assert_eq!(out[0].i32(), Some(null_result), "{name} of null");
        func.call(&mut store, &[f], &mut out).unwrap();
        assert_eq!(out[0].i32(), Some(func_result), "{name} of a function");
    }
}

#[test]
fn call_indirect_and_imports_accept_declared_subtypes() {
    // Declaring subtypes takes the GC proposal's type system (not its instructions).
    let mut config = gannet::Config::new();
    config.wasm_features(gannet::WasmFeatures::WASM3.difference(gannet::WasmFeatures::THREADS));
    let engine = Engine::new(&config);
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (type $base (sub (func (result i32))))
            (type $derived (sub $base (func (result i32))))
            (type $unrelated (func (result i32)))
            (table 2 funcref)
            (func $d (type $derived) (i32.const 5))
            (func $u (type $unrelated) (i32.const 6))
            (elem (i32.const 0) func $d $u)
            (func (export "d") (type $derived) (i32.const 7))
            (func (export "call") (param i32) (result i32) (call_indirect (type $base) (local.get 0)))
        )"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let call = instance.get_typed_func::<i32, i32>(&mut store, "call").unwrap();
    assert_eq!(call.call(&mut store, 0).unwrap(), 5, "a $derived function is a $base");
    let mismatch = call.call(&mut store, 1).unwrap_err().to_string();
    assert!(mismatch.contains("indirect call type mismatch"), "{mismatch}");

    // A function of the subtype satisfies an import of the supertype, not the reverse.
    let d = instance.get_func(&mut store, "d").unwrap();
    let importer = |ty: &str| {
        format!(
            "(module (type $base (sub (func (result i32)))) (type $derived (sub $base (func (result i32)))) (import \"\" \"f\" (func (type {ty}))))"
        )
    };
    let wants_base = Module::new(&engine, importer("$base")).unwrap();
    assert!(Instance::new(&mut store, &wants_base, &[d.into()]).is_ok());
    let host = Func::new(&mut store, FuncType::new([], [ValType::I32]), |_, _, results| {
        results[0] = Val::I32(1);
        Ok(())
    });
    let wants_derived = Module::new(&engine, importer("$derived")).unwrap();
    assert!(Instance::new(&mut store, &wants_derived, &[host.into()]).is_err(), "a final host type is no $derived");
}

#[test]
fn host_values_are_checked_against_concrete_reference_types() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (type $t (func (param i32) (result i32)))
            (func $id (export "id") (type $t) (local.get 0))
            (func (export "other") (result i32) (i32.const 0))
            (global (export "g") (mut (ref null $t)) (ref.null $t))
        )"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let global: Global = instance.get_global(&mut store, "g").unwrap();
    let id = instance.get_func(&mut store, "id").unwrap();
    let other = instance.get_func(&mut store, "other").unwrap();
    let content = global.ty(&store).content();
    let r = content.as_ref().expect("a reference type");
    assert!(r.is_nullable() && matches!(r.heap_type(), HeapType::Concrete(_)));
    assert!(global.set(&mut store, Val::FuncRef(Some(id))).is_ok());
    assert!(global.set(&mut store, Val::FuncRef(None)).is_ok());
    assert!(global.set(&mut store, Val::FuncRef(Some(other))).is_err(), "wrong function type");
    assert!(global.set(&mut store, Val::ExternRef(None)).is_err(), "wrong hierarchy");
    assert!(Val::FuncRef(Some(id)).matches(&store, content));
    assert!(!Val::FuncRef(Some(other)).matches(&store, content));
    let non_null = ValType::reference(false, r.heap_type());
    assert!(!Val::FuncRef(None).matches(&store, non_null));
    let ty = GlobalType::new(non_null, Mutability::Const);
    assert!(Global::new(&mut store, ty, Val::FuncRef(None)).is_err());
    assert!(Global::new(&mut store, ty, Val::FuncRef(Some(id))).is_ok());

    // A host function declared to return `(ref $t)` that returns a function of another
    // type (or null) fails the call instead of handing the guest a wrong reference.
    let returned = std::sync::Arc::new(std::sync::Mutex::new(Val::FuncRef(Some(other))));
    let value = returned.clone();
    let make = Func::new(&mut store, FuncType::new([], [non_null]), move |_, _, results| {
        results[0] = *value.lock().unwrap();
        Ok(())
    });
    let user = Module::new(
        &engine,
        r#"(module
            (type $t (func (param i32) (result i32)))
            (import "host" "make" (func $make (result (ref $t))))
            (func (export "use_make") (result i32) (call_ref $t (i32.const 3) (call $make))))"#,
    )
    .unwrap();
    let user = Instance::new(&mut store, &user, &[make.into()]).unwrap();
    let use_make = user.get_typed_func::<(), i32>(&mut store, "use_make").unwrap();
    let error = use_make.call(&mut store, ()).unwrap_err().to_string();
    assert!(error.contains("host function returned"), "{error}");
    *returned.lock().unwrap() = Val::FuncRef(None);
    assert!(use_make.call(&mut store, ()).is_err());
    *returned.lock().unwrap() = Val::FuncRef(Some(id));
    assert_eq!(use_make.call(&mut store, ()).unwrap(), 3);
}

#[test]
fn a_host_result_of_the_wrong_type_fails_the_call() {
    // Before results were checked, a `v128` written where an `i32` was declared took two
    // slots of the guest's frame.
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let bad = Func::new(&mut store, FuncType::new([], [ValType::I32]), |_, _, results| {
        results[0] = Val::V128(u128::MAX);
        Ok(())
    });
    let module = Module::new(
        &engine,
        r#"(module (import "" "bad" (func $bad (result i32))) (func (export "run") (result i32) (call $bad)))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[bad.into()]).unwrap();
    let run = instance.get_typed_func::<(), i32>(&mut store, "run").unwrap();
    let error = run.call(&mut store, ()).unwrap_err().to_string();
    assert!(error.contains("host function returned"), "{error}");
}
