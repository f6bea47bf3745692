//! Resource control: store limits.

use gannet::{Engine, Error, Instance, Linker, Memory, MemoryType, Module, Store, StoreLimits, StoreLimitsBuilder};

fn instantiate<T>(store: &mut Store<T>, wat: &str) -> Result<Instance, Error> {
    let module = Module::new(store.engine(), wat)?;
    Linker::new(store.engine()).instantiate(store, &module)
}

const MEMORY: &str = r#"
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
"#;

#[test]
fn memory_grow_beyond_the_limit_returns_minus_one() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimitsBuilder::new().memory_size(3 * 65536).build());
    let instance = instantiate(&mut store, MEMORY).expect("instantiates");
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    let memory = instance.get_memory(&store, "memory").unwrap();
    memory.data_mut(&mut store)[65536 - 1] = 42;
    assert_eq!(grow.call(&mut store, 3).unwrap(), -1, "4 pages exceed the limit");
    assert_eq!(size.call(&mut store, ()).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1, "3 pages fit");
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 0).unwrap(), 3);
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    assert_eq!(memory.data_size(&store), 3 * 65536);
    assert_eq!(memory.data(&store)[65536 - 1], 42);
    assert!(memory.grow(&mut store, 1).is_err(), "the host API obeys the limit too");
    assert_eq!(memory.size(&store), 3);
}

#[test]
fn limits_installed_later_bound_existing_memories() {
    let mut store = Store::new(&Engine::default(), ());
    let instance = instantiate(&mut store, MEMORY).expect("instantiates");
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    store.set_limits(StoreLimitsBuilder::new().memory_size(2 * 65536).build());
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    store.set_limits(StoreLimits::new());
    assert_eq!(grow.call(&mut store, 1).unwrap(), 2);
}

#[test]
fn instantiating_a_memory_over_the_limit_fails() {
    let mut store = Store::new(&Engine::default(), ());
    store.set_limits(StoreLimitsBuilder::new().memory_size(65536 / 2).build());
    let error = instantiate(&mut store, MEMORY).expect_err("one page exceeds half a page");
    assert!(matches!(error, Error::Instantiate(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("memory_size limit of 32768 bytes"), "{message}");
    let error = Memory::new(&mut store, MemoryType::new(1, None)).expect_err("over the limit");
    assert!(error.to_string().contains("memory_size"), "{error}");
    assert!(Memory::new(&mut store, MemoryType::new(0, None)).is_ok());
}

const TABLE: &str = r#"
(module
  (table (export "table") 5 funcref)
  (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (table.size)))
"#;

#[test]
fn table_grow_beyond_the_limit_returns_minus_one() {
    let mut store = Store::new(&Engine::default(), ());
    store.set_limits(StoreLimitsBuilder::new().table_elements(10).build());
    let instance = instantiate(&mut store, TABLE).expect("instantiates");
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(grow.call(&mut store, 6).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 5);
    assert_eq!(grow.call(&mut store, 5).unwrap(), 5);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 10);
    let table = instance.get_table(&store, "table").unwrap();
    assert!(table.grow(&mut store, 1, gannet::Val::FuncRef(None)).is_err());
}

#[test]
fn instantiating_a_table_over_the_limit_fails() {
    let mut store = Store::new(&Engine::default(), ());
    store.set_limits(StoreLimitsBuilder::new().table_elements(4).build());
    let error = instantiate(&mut store, TABLE).expect_err("5 elements exceed 4");
    assert!(matches!(error, Error::Instantiate(_)), "{error:?}");
    assert!(error.to_string().contains("table_elements limit of 4"), "{error}");
}

#[test]
fn count_limits_refuse_further_instances_memories_and_tables() {
    let cases = [
        (StoreLimitsBuilder::new().instances(1), "(module)", "instances limit of 1"),
        (StoreLimitsBuilder::new().memories(1), "(module (memory 0))", "memories limit of 1"),
        (StoreLimitsBuilder::new().tables(1), "(module (table 0 funcref))", "tables limit of 1"),
    ];
    for (limits, wat, message) in cases {
        let mut store = Store::new(&Engine::default(), ());
        store.set_limits(limits.build());
        instantiate(&mut store, wat).expect("the first one fits");
        let error = instantiate(&mut store, wat).expect_err("the second one does not");
        assert!(matches!(error, Error::Instantiate(_)), "{error:?}");
        assert!(error.to_string().contains(message), "{error}");
    }
}

#[test]
fn a_refused_instantiation_creates_nothing() {
    let wat = "(module (memory 1) (table 1 funcref) (func))";
    let mut store = Store::new(&Engine::default(), ());
    store.set_limits(StoreLimitsBuilder::new().tables(0).build());
    instantiate(&mut store, wat).expect_err("no tables allowed");
    // Nothing of the refused instance counts against the limits.
    store.set_limits(StoreLimitsBuilder::new().instances(1).memories(1).tables(1).build());
    instantiate(&mut store, wat).expect("fits now");
}
