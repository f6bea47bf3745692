//! Exception handling through the embedding API: exceptions crossing instances and
//! calls, `exnref`s rethrown, uncaught exceptions reaching the host with their payload,
//! tags as imports and exports.

use gannet::{Config, Engine, Error, Instance, Linker, Module, Store, Tag, TagType, Val, ValType};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_features(gannet::WasmFeatures::WASM3.difference(gannet::WasmFeatures::THREADS));
    Engine::new(&config)
}

#[test]
fn exceptions_cross_instances_and_keep_their_payload() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let tag = Tag::new(&mut store, &TagType::new([ValType::I32, ValType::I64]));
    linker.define(&store, "host", "e", tag).unwrap();
    let thrower = Module::new(
        &engine,
        r#"(module
            (import "host" "e" (tag $e (param i32 i64)))
            (func (export "throw") (param i32)
                (if (local.get 0) (then (throw $e (local.get 0) (i64.const 99))))))"#,
    )
    .unwrap();
    let thrower = linker.instantiate(&mut store, &thrower).unwrap();
    linker.instance(&mut store, "thrower", thrower).unwrap();
    let catcher = Module::new(
        &engine,
        r#"(module
            (import "host" "e" (tag $e (param i32 i64)))
            (import "thrower" "throw" (func $throw (param i32)))
            (func $deep (param i32) (call $throw (local.get 0)))
            ;; Caught two calls down, in another instance: the payload arrives.
            (func (export "catch") (param i32) (result i64) (local $x i64)
                (block $h (result i32 i64)
                    (try_table (catch $e $h) (call $deep (local.get 0)))
                    (return (i64.const -1)))
                (local.set $x)
                (i64.extend_i32_u)
                (local.get $x)
                (i64.add))
            ;; catch_all_ref, then rethrown with throw_ref: still the same exception.
            (func (export "rethrow") (param i32)
                (block $h (result exnref)
                    (try_table (catch_all_ref $h) (call $throw (local.get 0)))
                    (return))
                (throw_ref))
            (func (export "null") (throw_ref (ref.null exn))))"#,
    )
    .unwrap();
    let catcher = linker.instantiate(&mut store, &catcher).unwrap();
    let catch = catcher.get_typed_func::<i32, i64>(&mut store, "catch").unwrap();
    assert_eq!(catch.call(&mut store, 0).unwrap(), -1);
    assert_eq!(catch.call(&mut store, 5).unwrap(), 104);
    // Many throws in a row (a unit test in `runtime/store.rs` checks that exceptions
    // caught without a reference give their place back).
    for k in 1..10_000 {
        assert_eq!(catch.call(&mut store, k).unwrap(), k as i64 + 99);
    }

    let rethrow = catcher.get_typed_func::<i32, ()>(&mut store, "rethrow").unwrap();
    let Err(Error::Exception(exception)) = rethrow.call(&mut store, 7) else { panic!("expected an exception") };
    assert_eq!(exception.tag(&store), tag);
    assert_eq!(exception.payload(&store), [Val::I32(7), Val::I64(99)]);
    let null = catcher.get_typed_func::<(), ()>(&mut store, "null").unwrap();
    assert!(null.call(&mut store, ()).unwrap_err().to_string().contains("null exception reference"));
}

#[test]
fn tags_are_matched_by_identity_and_exported() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
            (tag $a (export "a") (param i32))
            (tag $b (param i32))
            (func (export "throw_b") (throw $b (i32.const 1)))
            (func (export "catch_a") (result i32)
                (block $h (result i32)
                    (try_table (catch $a $h) (throw $b (i32.const 2)))
                    (i32.const 0))))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    // $b has $a's type but is another tag: the clause does not catch it.
    let catch_a = instance.get_typed_func::<(), i32>(&mut store, "catch_a").unwrap();
    assert!(matches!(catch_a.call(&mut store, ()), Err(Error::Exception(_))));
    let exported = instance.get_export(&mut store, "a").and_then(|e| e.into_tag()).unwrap();
    assert_eq!(exported.ty(&store).params(), [ValType::I32]);
    // A tag of another type does not satisfy the import.
    let other = Tag::new(&mut store, &TagType::new([ValType::F32]));
    let importer = Module::new(&engine, r#"(module (import "" "t" (tag (param i32))))"#).unwrap();
    assert!(Instance::new(&mut store, &importer, &[other.into()]).is_err());
    assert!(Instance::new(&mut store, &importer, &[exported.into()]).is_ok());
}

/// A `try_table` in unreachable code still opens a block that its `end` closes: the
/// translator once skipped it and then closed the enclosing block at its `end`.
#[test]
fn a_try_table_in_unreachable_code_keeps_blocks_balanced() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
            (func (export "f") (result i32)
              (i32.const 7)
              (block $b
                (br $b)
                (try_table (catch_all $b) (drop (i32.const 1))))
              (i32.const 35)
              (i32.add)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 42);
}
