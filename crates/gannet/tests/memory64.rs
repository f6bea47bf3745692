//! 64-bit memories and tables (memory64) and 1-byte pages (custom page sizes), beyond
//! what the spec suites check: accesses near and past the 32-bit boundary, offsets that
//! overflow, 64-bit tables in every table instruction, and the embedding API.

use gannet::{Config, Engine, Instance, Memory, MemoryType, Module, Store, Table, TableType, Val, ValType};

fn instantiate(wat: &str) -> (Store<()>, Instance) {
    let mut config = Config::new();
    config.wasm_custom_page_sizes(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
    results: usize,
) -> Result<Vec<Val>, String> {
    let func = instance.get_func(&mut *store, name).unwrap();
    let mut out = vec![Val::I32(0); results];
    func.call(&mut *store, args, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

#[test]
fn memory64_addresses_offsets_and_bulk_ops() {
    let (mut store, instance) = instantiate(
        r#"(module
            (memory $m i64 1 70000)
            (memory $small 1)
            (func (export "load") (param i64) (result i64) (i64.load offset=8 (local.get 0)))
            (func (export "store") (param i64 i64) (i64.store offset=8 (local.get 0) (local.get 1)))
            (func (export "load_far") (param i64) (result i32)
                (i32.load8_u offset=0xffff_ffff_ffff_fff0 (local.get 0)))
            (func (export "v128_load") (param i64) (result i64)
                (i64x2.extract_lane 1 (v128.load offset=4 (local.get 0))))
            (func (export "size") (result i64) (memory.size))
            (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
            (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
            (func (export "copy_to_small") (param i32 i64 i32) (memory.copy $small $m (local.get 0) (local.get 1) (local.get 2)))
            (func (export "small_load") (param i32) (result i32) (i32.load8_u $small (local.get 0)))
        )"#,
    );
    let i64s = |v: &[Val]| v.iter().map(|v| v.i64().unwrap()).collect::<Vec<_>>();
    call(&mut store, &instance, "store", &[Val::I64(100), Val::I64(0x1122_3344_5566_7788)], 0).unwrap();
    assert_eq!(i64s(&call(&mut store, &instance, "load", &[Val::I64(100)], 1).unwrap()), [0x1122_3344_5566_7788]);
    assert_eq!(i64s(&call(&mut store, &instance, "v128_load", &[Val::I64(96)], 1).unwrap()), [0x1122_3344_5566_7788]);
    // Last in-bounds address, then one past, then addresses whose sum with the offset
    // overflows 64 bits: all three out-of-bounds cases must trap, not wrap.
    assert!(call(&mut store, &instance, "load", &[Val::I64(65536 - 16)], 1).is_ok());
    let oob = call(&mut store, &instance, "load", &[Val::I64(65536 - 15)], 1).unwrap_err();
    assert!(oob.contains("out of bounds"), "{oob}");
    assert!(call(&mut store, &instance, "load", &[Val::I64(-8)], 1).is_err());
    assert!(call(&mut store, &instance, "load_far", &[Val::I64(0x20)], 1).is_err());
    // An address above 4 GiB is not truncated to 32 bits.
    assert!(call(&mut store, &instance, "load", &[Val::I64(1 << 32)], 1).is_err());

    assert_eq!(i64s(&call(&mut store, &instance, "size", &[], 1).unwrap()), [1]);
    assert_eq!(i64s(&call(&mut store, &instance, "grow", &[Val::I64(1 << 40)], 1).unwrap()), [-1]);
    assert_eq!(i64s(&call(&mut store, &instance, "grow", &[Val::I64(2)], 1).unwrap()), [1]);
    assert_eq!(i64s(&call(&mut store, &instance, "size", &[], 1).unwrap()), [3]);

    call(&mut store, &instance, "fill", &[Val::I64(200), Val::I32(0xab), Val::I64(4)], 0).unwrap();
    assert!(call(&mut store, &instance, "fill", &[Val::I64(1), Val::I32(0), Val::I64(-1)], 0).is_err());
    call(&mut store, &instance, "copy_to_small", &[Val::I32(10), Val::I64(200), Val::I32(4)], 0).unwrap();
    let byte = call(&mut store, &instance, "small_load", &[Val::I32(13)], 1).unwrap();
    assert_eq!(byte[0].i32().unwrap(), 0xab);

    let memory = instance.get_memory(&mut store, "m");
    assert!(memory.is_none(), "memory $m is not exported");
}

#[test]
fn table64_in_every_table_instruction() {
    let (mut store, instance) = instantiate(
        r#"(module
            (type $f (func (result i32)))
            (table $t (export "t") i64 2 10 funcref)
            (func $seven (result i32) (i32.const 7))
            (func $eight (result i32) (i32.const 8))
            (elem (table $t) (i64.const 1) func $seven)
            (elem $passive func $eight $eight)
            (func (export "call") (param i64) (result i32) (call_indirect $t (type $f) (local.get 0)))
            (func (export "size") (result i64) (table.size $t))
            (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
            (func (export "set") (param i64) (table.set $t (local.get 0) (ref.func $eight)))
            (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
            (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.func $seven) (local.get 1)))
            (func (export "copy") (param i64 i64 i64) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
            (func (export "init") (param i64 i32 i32) (table.init $t $passive (local.get 0) (local.get 1) (local.get 2)))
        )"#,
    );
    let one = |store: &mut Store<()>, name: &str, args: &[Val]| call(store, &instance, name, args, 1);
    assert_eq!(one(&mut store, "call", &[Val::I64(1)]).unwrap()[0].i32().unwrap(), 7);
    assert!(one(&mut store, "call", &[Val::I64(0)]).unwrap_err().contains("uninitialized"));
    // Index 2^32 + 1 must not wrap around to 1.
    assert!(one(&mut store, "call", &[Val::I64((1 << 32) + 1)]).unwrap_err().contains("undefined"));
    assert_eq!(one(&mut store, "size", &[]).unwrap()[0].i64().unwrap(), 2);
    assert_eq!(one(&mut store, "grow", &[Val::I64(1 << 33)]).unwrap()[0].i64().unwrap(), -1);
    assert_eq!(one(&mut store, "grow", &[Val::I64(3)]).unwrap()[0].i64().unwrap(), 2);
    call(&mut store, &instance, "set", &[Val::I64(4)], 0).unwrap();
    assert_eq!(one(&mut store, "call", &[Val::I64(4)]).unwrap()[0].i32().unwrap(), 8);
    assert_eq!(one(&mut store, "is_null", &[Val::I64(3)]).unwrap()[0].i32().unwrap(), 1);
    assert!(one(&mut store, "is_null", &[Val::I64(-1)]).is_err());
    call(&mut store, &instance, "fill", &[Val::I64(2), Val::I64(2)], 0).unwrap();
    assert_eq!(one(&mut store, "call", &[Val::I64(3)]).unwrap()[0].i32().unwrap(), 7);
    assert!(call(&mut store, &instance, "fill", &[Val::I64(4), Val::I64(u64::MAX as i64)], 0).is_err());
    call(&mut store, &instance, "copy", &[Val::I64(0), Val::I64(4), Val::I64(1)], 0).unwrap();
    assert_eq!(one(&mut store, "call", &[Val::I64(0)]).unwrap()[0].i32().unwrap(), 8);
    call(&mut store, &instance, "init", &[Val::I64(1), Val::I32(0), Val::I32(2)], 0).unwrap();
    assert_eq!(one(&mut store, "call", &[Val::I64(2)]).unwrap()[0].i32().unwrap(), 8);
    assert!(call(&mut store, &instance, "init", &[Val::I64(-1), Val::I32(0), Val::I32(1)], 0).is_err());

    let table = instance.get_table(&mut store, "t").unwrap();
    let ty = table.ty(&store);
    assert!(ty.is_64());
    assert_eq!((ty.minimum(), ty.maximum()), (5, Some(10)));
    assert_eq!(table.size(&store), 5);
}

#[test]
fn one_byte_pages() {
    let (mut store, instance) = instantiate(
        r#"(module
            (memory (export "m") 3 5 (pagesize 1))
            (func (export "size") (result i32) (memory.size))
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
        )"#,
    );
    let one = |store: &mut Store<()>, name: &str, args: &[Val]| call(store, &instance, name, args, 1);
    assert_eq!(one(&mut store, "size", &[]).unwrap()[0].i32().unwrap(), 3);
    assert!(one(&mut store, "load", &[Val::I32(2)]).is_ok());
    assert!(one(&mut store, "load", &[Val::I32(3)]).is_err());
    assert_eq!(one(&mut store, "grow", &[Val::I32(2)]).unwrap()[0].i32().unwrap(), 3);
    assert_eq!(one(&mut store, "grow", &[Val::I32(1)]).unwrap()[0].i32().unwrap(), -1);
    assert!(one(&mut store, "load", &[Val::I32(4)]).is_ok());
    let memory = instance.get_memory(&mut store, "m").unwrap();
    assert_eq!(memory.data_size(&store), 5);
    assert_eq!(memory.ty(&store).page_size(), 1);
}

#[test]
fn host_created_64_bit_memory_and_table_match_imports_by_address_type() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory64 = Memory::new(&mut store, MemoryType::new64(1, Some(2))).unwrap();
    let memory32 = Memory::new(&mut store, MemoryType::new(1, Some(2))).unwrap();
    let table64 = Table::new(&mut store, TableType::new64(ValType::FuncRef, 1, None), Val::FuncRef(None)).unwrap();
    let module =
        Module::new(&engine, r#"(module (import "" "m" (memory i64 1)) (import "" "t" (table i64 1 funcref)))"#)
            .unwrap();
    assert!(Instance::new(&mut store, &module, &[memory64.into(), table64.into()]).is_ok());
    let mismatch = Instance::new(&mut store, &module, &[memory32.into(), table64.into()]).unwrap_err();
    assert!(mismatch.to_string().contains("i64") || mismatch.to_string().contains("incompatible"), "{mismatch}");
    assert_eq!(memory64.grow(&mut store, 1).unwrap(), 1);
    assert!(memory64.grow(&mut store, 1).is_err());
}
