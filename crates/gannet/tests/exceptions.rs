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

/// Exceptions caught with a reference live as long as an `exnref` reaches them: from a
/// local, a global or a struct field across collections, which free the others.
#[test]
fn exnrefs_keep_their_exceptions_and_dead_ones_are_collected() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
            (tag $e (param i64))
            (type $box (struct (field exnref)))
            (global $kept (mut exnref) (ref.null exn))
            (global $boxed (mut (ref null $box)) (ref.null $box))
            (func $catch (param i64) (result exnref)
              (local $r exnref)
              (block $h (result i64 exnref)
                (try_table (catch_ref $e $h) (throw $e (local.get 0)))
                (unreachable))
              (local.set $r)
              (drop)
              (local.get $r))
            ;; Catches `n` exceptions, keeping the first in a global, the second in a struct,
            ;; the third in a local; then rethrows each and sums their payloads.
            (func (export "run") (param $n i32) (result i64)
              (local $local exnref) (local $sum i64) (local $i i32)
              (global.set $kept (call $catch (i64.const 100)))
              (global.set $boxed (struct.new $box (call $catch (i64.const 20))))
              (local.set $local (call $catch (i64.const 3)))
              (loop $more
                (drop (call $catch (i64.extend_i32_u (local.get $i))))
                (br_if $more (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
              (local.set $sum
                (block $h1 (result i64)
                  (try_table (catch $e $h1) (throw_ref (global.get $kept))) (unreachable)))
              (local.set $sum (i64.add (local.get $sum)
                (block $h2 (result i64)
                  (try_table (catch $e $h2) (throw_ref (struct.get $box 0 (global.get $boxed)))) (unreachable))))
              (i64.add (local.get $sum)
                (block $h3 (result i64)
                  (try_table (catch $e $h3) (throw_ref (local.get $local))) (unreachable)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 10).unwrap(), 123, "without a collection");
    assert_eq!(run.call(&mut store, 10_000).unwrap(), 123);
    let stats = store.gc_stats();
    assert!(stats.collections > 0, "{stats:?}");
    assert!(stats.freed_exceptions > 5_000, "{stats:?}");
}
