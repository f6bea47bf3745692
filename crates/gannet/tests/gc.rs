//! GC objects through the embedding API: what keeps objects alive across collections
//! (frames, callers suspended in host calls, globals), host handles to collected
//! objects, packed and vector fields, and the heap limit.

use gannet::{
    AnyRef, Config, Engine, Error, Func, FuncType, HeapType, Instance, Linker, Module, Store, StoreLimitsBuilder,
    TrapCode, Val, ValType,
};

/// Builds a list of `n` nodes in a local, allocates ~20 MB of garbage through `$churn`
/// (an import, so the host can call back in, or the module's own), then sums the list.
const LIST: &str = r#"
  (type $node (struct (field i32) (field (ref null $node))))
  (type $bytes (array (mut i8)))
  (func $alloc (export "alloc") (param $count i32)
    (loop $next
      (drop (array.new_default $bytes (i32.const 100)))
      (br_if $next (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))
  (func (export "list_sum") (param $n i32) (result i32)
    (local $list (ref null $node)) (local $i i32) (local $sum i32)
    (loop $build
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $list (struct.new $node (local.get $i) (local.get $list)))
      (br_if $build (i32.lt_u (local.get $i) (local.get $n))))
    (call $churn (i32.const 200000))
    (loop $walk
      (local.set $sum (i32.add (local.get $sum) (struct.get $node 0 (local.get $list))))
      (local.set $list (struct.get $node 1 (local.get $list)))
      (br_if $walk (i32.eqz (ref.is_null (local.get $list)))))
    (local.get $sum))
"#;

/// Engines without and with `gc_stress` (a collection before every allocation).
fn engines() -> [Engine; 2] {
    let mut stressed = Config::new();
    stressed.gc_stress(true);
    [Engine::default(), Engine::new(&stressed)]
}

#[test]
fn objects_referenced_from_frames_survive_collections() {
    for engine in engines() {
        let module =
            Module::new(&engine, format!("(module {LIST} (func $churn (param i32) (call $alloc (local.get 0))))"))
                .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let sum = instance.get_typed_func::<i32, i32>(&store, "list_sum").unwrap().call(&mut store, 1000).unwrap();
        assert_eq!(sum, 500_500);
        let stats = store.gc_stats();
        assert!(stats.collections > 0, "{stats:?}");
        assert!(stats.freed_objects >= 150_000, "{stats:?}");
    }
}

#[test]
fn callers_suspended_in_a_host_call_keep_their_objects() {
    for engine in engines() {
        let module =
            Module::new(&engine, format!("(module (import \"host\" \"churn\" (func $churn (param i32))) {LIST})"))
                .unwrap();
        let mut store = Store::new(&engine, None::<Func>);
        let mut linker = Linker::new(&engine);
        let churn = Func::new(&mut store, FuncType::new([ValType::I32], []), |mut caller, params, _| {
            let alloc = caller.data().expect("set before the call");
            alloc.call(&mut caller, params, &mut [])
        });
        linker.define(&store, "host", "churn", churn).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        *store.data_mut() = instance.get_func(&store, "alloc");
        let sum = instance.get_typed_func::<i32, i32>(&store, "list_sum").unwrap().call(&mut store, 1000).unwrap();
        assert_eq!(sum, 500_500);
        assert!(store.gc_stats().collections > 0);
    }
}

#[test]
fn host_handles_do_not_keep_objects_alive_and_stale_ones_are_refused() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (type $s (struct (field i32)))
            (global $kept (mut (ref null $s)) (ref.null $s))
            (func (export "make") (param i32) (result (ref $s)) (struct.new $s (local.get 0)))
            (func (export "keep") (param (ref null $s)) (global.set $kept (local.get 0)))
            (func (export "read") (param (ref null $s)) (result i32) (struct.get $s 0 (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let make = instance.get_func(&store, "make").unwrap();
    let keep = instance.get_func(&store, "keep").unwrap();
    let read = instance.get_func(&store, "read").unwrap();
    let mut result = [Val::I32(0)];

    make.call(&mut store, &[Val::I32(7)], &mut result).unwrap();
    let dropped = result[0];
    assert!(matches!(dropped, Val::AnyRef(Some(r)) if r.is_struct(&store)));
    store.gc();
    assert!(matches!(read.call(&mut store, &[dropped], &mut result), Err(Error::Usage(_))));

    make.call(&mut store, &[Val::I32(8)], &mut result).unwrap();
    let kept = result[0];
    keep.call(&mut store, &[kept], &mut []).unwrap();
    store.gc();
    read.call(&mut store, &[kept], &mut result).unwrap();
    assert_eq!(result[0], Val::I32(8));
    assert_eq!(store.gc_stats().freed_objects, 1);
}

#[test]
fn packed_vector_and_reference_fields_round_trip() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (type $mixed (struct (field (mut i8)) (field (mut i16)) (field (mut v128)) (field (mut f32))
                                 (field (mut anyref))))
            (type $bytes (array (mut i8)))
            (type $vectors (array (mut v128)))
            (data $hello "\ffhello")
            (func (export "fields") (result i32 i32 i32 i64 f32 i32)
              (local $m (ref $mixed))
              (local.set $m (struct.new $mixed (i32.const 0x1ff) (i32.const -2) (v128.const i64x2 5 6)
                                              (f32.const 1.5) (ref.i31 (i32.const -3))))
              (struct.get_s $mixed 0 (local.get $m))
              (struct.get_u $mixed 0 (local.get $m))
              (struct.get_u $mixed 1 (local.get $m))
              (i64x2.extract_lane 1 (struct.get $mixed 2 (local.get $m)))
              (struct.get $mixed 3 (local.get $m))
              (i31.get_s (ref.cast (ref i31) (struct.get $mixed 4 (local.get $m)))))
            (func (export "bytes") (result i32 i32 i32)
              (local $b (ref $bytes))
              (local.set $b (array.new_data $bytes $hello (i32.const 0) (i32.const 6)))
              (array.get_s $bytes (local.get $b) (i32.const 0))
              (array.get_u $bytes (local.get $b) (i32.const 0))
              (array.get_u $bytes (local.get $b) (i32.const 5)))
            (func (export "vectors") (result i64)
              (local $v (ref $vectors))
              (local.set $v (array.new $vectors (v128.const i64x2 1 2) (i32.const 3)))
              (array.set $vectors (local.get $v) (i32.const 1) (v128.const i64x2 3 4))
              (array.copy $vectors $vectors (local.get $v) (i32.const 2) (local.get $v) (i32.const 1) (i32.const 1))
              (i64x2.extract_lane 1 (array.get $vectors (local.get $v) (i32.const 2)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let fields = instance.get_typed_func::<(), (i32, i32, i32, i64, f32, i32)>(&store, "fields").unwrap();
    assert_eq!(fields.call(&mut store, ()).unwrap(), (-1, 0xff, 0xfffe, 6, 1.5, -3));
    let bytes = instance.get_typed_func::<(), (i32, i32, i32)>(&store, "bytes").unwrap();
    assert_eq!(bytes.call(&mut store, ()).unwrap(), (-1, 0xff, b'o' as i32));
    let vectors = instance.get_typed_func::<(), i64>(&store, "vectors").unwrap();
    assert_eq!(vectors.call(&mut store, ()).unwrap(), 4);
}

#[test]
fn the_gc_heap_limit_makes_allocation_trap() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (type $longs (array (mut i64)))
            (func (export "new") (param i32) (result i32)
              (array.len (array.new_default $longs (local.get 0)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimitsBuilder::new().gc_heap_size(1 << 20).build());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let new = instance.get_typed_func::<i32, i32>(&store, "new").unwrap();
    assert_eq!(new.call(&mut store, 1000).unwrap(), 1000);
    for len in [1 << 20, -1] {
        match new.call(&mut store, len) {
            Err(Error::Trap(trap)) => assert_eq!(trap.code(), TrapCode::GcHeapExhausted),
            other => panic!("expected a trap for {len} elements, got {other:?}"),
        }
    }
    // Garbage from before does not count against the limit once collected.
    for _ in 0..1000 {
        assert_eq!(new.call(&mut store, 10_000).unwrap(), 10_000);
    }
}

#[test]
fn i31_and_converted_host_references_through_the_api() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (func (export "test_i31") (param anyref) (result i32) (ref.test (ref i31) (local.get 0)))
            (func (export "internalize") (param externref) (result anyref) (any.convert_extern (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let test_i31 = instance.get_func(&store, "test_i31").unwrap();
    let mut result = [Val::I32(0)];
    let i31 = AnyRef::from_i31(&store, 0x7fff_ffff);
    assert_eq!(i31.as_i31(), Some(0x7fff_ffff));
    test_i31.call(&mut store, &[Val::AnyRef(Some(i31))], &mut result).unwrap();
    assert_eq!(result[0], Val::I32(1));
    assert!(Val::AnyRef(Some(i31)).matches(&store, ValType::reference(false, HeapType::I31)));
    assert!(!Val::AnyRef(Some(i31)).matches(&store, ValType::reference(false, HeapType::Struct)));

    let host = gannet::ExternRef::new(&mut store, 42u32);
    instance
        .get_func(&store, "internalize")
        .unwrap()
        .call(&mut store, &[Val::ExternRef(Some(host))], &mut result)
        .unwrap();
    let Val::AnyRef(Some(any)) = result[0] else { panic!("{:?}", result[0]) };
    assert_eq!(any.as_i31(), None);
    let back = gannet::ExternRef::convert_any(any);
    assert_eq!(back.data(&store).unwrap().downcast_ref::<u32>(), Some(&42));
    test_i31.call(&mut store, &[Val::AnyRef(Some(any))], &mut result).unwrap();
    assert_eq!(result[0], Val::I32(0));
}

#[test]
fn references_on_the_operand_stack_survive_collections() {
    for engine in engines() {
        let module = Module::new(
            &engine,
            r#"(module
                (type $leaf (struct (field i32)))
                (type $pair (struct (field (ref $leaf)) (field (ref $leaf))))
                (type $bytes (array i8))
                (func $leaf (param i32) (result (ref $leaf))
                  (local $n i32)
                  ;; enough garbage for a collection without gc_stress
                  (local.set $n (i32.const 50000))
                  (loop $churn
                    (drop (array.new_default $bytes (i32.const 100)))
                    (br_if $churn (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                  (struct.new $leaf (local.get 0)))
                (func $sum (param (ref $pair)) (result i32)
                  (i32.add (struct.get $leaf 0 (struct.get $pair 0 (local.get 0)))
                           (struct.get $leaf 0 (struct.get $pair 1 (local.get 0)))))
                ;; The first leaf waits on the operand stack while the second is allocated
                ;; (directly, then through a call that collects).
                (func (export "direct") (result i32)
                  (call $sum (struct.new $pair (struct.new $leaf (i32.const 1)) (struct.new $leaf (i32.const 2)))))
                (func (export "across_call") (result i32)
                  (call $sum (struct.new $pair (struct.new $leaf (i32.const 3)) (call $leaf (i32.const 4))))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let direct = instance.get_typed_func::<(), i32>(&store, "direct").unwrap();
        assert_eq!(direct.call(&mut store, ()).unwrap(), 3);
        let across_call = instance.get_typed_func::<(), i32>(&store, "across_call").unwrap();
        assert_eq!(across_call.call(&mut store, ()).unwrap(), 7);
        assert!(store.gc_stats().collections > 0);
    }
}

/// A huge array in a constant expression is refused before its contents are built (the
/// fuzzer once made instantiation ask for 6 GB: the elements were gathered as 16-byte
/// values before the limits were checked).
#[test]
fn huge_arrays_in_constant_expressions_are_refused_up_front() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (type $bytes (array i8))
            (global (ref $bytes) (array.new_default $bytes (i32.const 400000000))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimitsBuilder::new().gc_heap_size(1 << 20).build());
    match Instance::new(&mut store, &module, &[]) {
        Err(Error::Trap(trap)) => assert_eq!(trap.code(), TrapCode::GcHeapExhausted),
        other => panic!("expected a trap, got {other:?}"),
    }
    assert_eq!(store.gc_stats().peak_bytes, 0);
}
