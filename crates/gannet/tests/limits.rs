//! Resource control: fuel, interruption and store limits.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use gannet::{
    Caller, Config, Engine, Error, Instance, Linker, Memory, MemoryType, Module, Store, StoreLimits,
    StoreLimitsBuilder, TrapCode,
};

fn engine(adjust: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config::new();
    adjust(&mut config);
    Engine::new(&config)
}

fn fuel_engine() -> Engine {
    engine(|config| {
        config.consume_fuel(true);
    })
}

fn instantiate<T>(store: &mut Store<T>, wat: &str) -> Result<Instance, Error> {
    let module = Module::new(store.engine(), wat)?;
    Linker::new(store.engine()).instantiate(store, &module)
}

const SPIN: &str = r#"(module (func (export "spin") (loop (br 0))))"#;

/// `count(n)` runs `n` iterations of a loop of eight operators and returns `n`.
const COUNT: &str = r#"
(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if 0 (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))
"#;

#[test]
fn fuel_stops_an_infinite_loop() {
    let engine = fuel_engine();
    let mut store = Store::new(&engine, ());
    let instance = instantiate(&mut store, SPIN).expect("instantiates");
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").expect("export");
    store.set_fuel(10_000).expect("fuel enabled");
    let error = spin.call(&mut store, ()).expect_err("cannot finish");
    assert_eq!(error.trap_code(), Some(TrapCode::OutOfFuel), "{error}");
    assert!(error.to_string().contains("all fuel consumed"), "{error}");
    assert_eq!(store.get_fuel().unwrap(), 0);
}

#[test]
fn a_loop_of_n_iterations_costs_about_n_times_its_body() {
    let engine = fuel_engine();
    let mut store = Store::new(&engine, ());
    let instance = instantiate(&mut store, COUNT).expect("instantiates");
    let count = instance.get_typed_func::<i32, i32>(&store, "count").expect("export");
    const START: u64 = 1_000_000_000;
    store.set_fuel(START).unwrap();
    let mut previous = START;
    for n in [1u64, 10, 1000, 100_000] {
        assert_eq!(count.call(&mut store, n as i32).unwrap(), n as i32);
        let left = store.get_fuel().unwrap();
        let used = previous - left;
        assert!(left < previous, "fuel must decrease");
        assert!((n..=10 * n + 10).contains(&used), "{n} iterations used {used} fuel");
        // The accounting of `Config::consume_fuel`: eight operators per iteration, one for
        // the `local.get` after the loop.
        assert_eq!(used, 8 * n + 1);
        previous = left;
    }
}

#[test]
fn a_call_needs_fuel_and_may_be_retried_with_more() {
    let engine = fuel_engine();
    let mut store = Store::new(&engine, ());
    let instance = instantiate(&mut store, COUNT).expect("instantiates");
    let count = instance.get_typed_func::<i32, i32>(&store, "count").expect("export");
    // A store starts without fuel.
    assert_eq!(store.get_fuel().unwrap(), 0);
    let error = count.call(&mut store, 1).expect_err("no fuel");
    assert_eq!(error.trap_code(), Some(TrapCode::OutOfFuel));
    store.set_fuel(100).unwrap();
    assert_eq!(count.call(&mut store, 10).unwrap(), 10);
    assert_eq!(store.get_fuel().unwrap(), 100 - 81);
    let error = count.call(&mut store, 10).expect_err("19 units are not enough");
    assert_eq!(error.trap_code(), Some(TrapCode::OutOfFuel));
    store.set_fuel(81).unwrap();
    assert_eq!(count.call(&mut store, 10).unwrap(), 10, "exactly enough fuel is enough");
    assert_eq!(store.get_fuel().unwrap(), 0);
}

#[test]
fn endless_recursion_with_fuel_stops() {
    let wat = r#"
      (module
        (func $down (export "down") (call $down))
        (func $tail (export "tail") (return_call $tail)))"#;
    for (fuel, name, expected) in [
        (1_000, "down", &[TrapCode::OutOfFuel][..]),
        (u64::MAX, "down", &[TrapCode::OutOfFuel, TrapCode::StackOverflow][..]),
        (100_000, "tail", &[TrapCode::OutOfFuel][..]),
    ] {
        let engine = fuel_engine();
        let mut store = Store::new(&engine, ());
        let instance = instantiate(&mut store, wat).expect("instantiates");
        let func = instance.get_typed_func::<(), ()>(&store, name).expect("export");
        store.set_fuel(fuel).unwrap();
        let error = func.call(&mut store, ()).expect_err("cannot return");
        assert!(expected.contains(&error.trap_code().expect("a trap")), "{name}: {error}");
    }
}

#[test]
fn host_calls_are_free_and_guest_calls_from_the_host_share_the_fuel() {
    let wat = r#"
      (module
        (import "host" "call_back" (func $call_back (param i32) (result i32)))
        (func (export "count") (param $n i32) (result i32) (local $i i32)
          (loop
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if 0 (i32.lt_u (local.get $i) (local.get $n))))
          (local.get $i))
        (func (export "outer") (result i32)
          (call $call_back (i32.const 10))))"#;
    let engine = fuel_engine();
    let mut store = Store::new(&engine, 0u64);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(&mut store, "host", "call_back", |mut caller: Caller<'_, u64>, n: i32| -> gannet::Result<i32> {
            let count = caller.get_export("count").and_then(|e| e.into_func()).expect("count");
            let count = count.typed::<i32, i32>(caller.store())?;
            let result = count.call(caller.store(), n)?;
            *caller.data_mut() = caller.store().get_fuel()?;
            Ok(result)
        })
        .unwrap();
    let module = Module::new(&engine, wat).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let outer = instance.get_typed_func::<(), i32>(&store, "outer").unwrap();
    store.set_fuel(1000).unwrap();
    assert_eq!(outer.call(&mut store, ()).unwrap(), 10);
    // `outer` costs two units (const, call), the callback's `count` 81.
    assert_eq!(*store.data(), 1000 - 2 - 81, "the host sees what the guest used so far");
    assert_eq!(store.get_fuel().unwrap(), 1000 - 2 - 81);
}

#[test]
fn fuel_is_an_error_unless_the_engine_consumes_it() {
    let mut store = Store::new(&Engine::default(), ());
    let error = store.set_fuel(100).expect_err("fuel not enabled");
    assert!(matches!(error, Error::Usage(_)), "{error:?}");
    assert!(error.to_string().contains("consume_fuel"), "{error}");
    assert!(matches!(store.get_fuel(), Err(Error::Usage(_))));
}

fn interruptible_engine() -> Engine {
    engine(|config| {
        config.interruptible(true).consume_fuel(true);
    })
}

/// Fuel for guests that should be interrupted: the backstop that ends them (with
/// `OutOfFuel`, failing the test) should interruption not work; seconds of work even in an
/// optimised build.
const BACKSTOP_FUEL: u64 = 10_000_000_000;

/// Runs `guest` (which calls into `store`) on another thread and interrupts the engine
/// 50 ms after the guest has started, and every 50 ms after that until it stops; returns
/// its outcome, or panics after 20 s rather than hang.
fn interrupt_after_50ms(
    engine: &Engine,
    guest: impl FnOnce(&mut Store<()>) -> Result<(), Error> + Send + 'static,
) -> Result<(), Error> {
    let handle = engine.interrupt_handle();
    let (started, ready) = mpsc::channel();
    let (done, outcome) = mpsc::channel();
    let guest_engine = engine.clone();
    thread::spawn(move || {
        let mut store = Store::new(&guest_engine, ());
        store.set_fuel(BACKSTOP_FUEL).unwrap();
        let _ = started.send(());
        let _ = done.send(guest(&mut store));
    });
    ready.recv().expect("the guest thread starts");
    // An interrupt only reaches calls already running, so a guest thread slow to make its
    // call is interrupted again.
    for _ in 0..400 {
        thread::sleep(Duration::from_millis(50));
        handle.interrupt();
        if let Ok(outcome) = outcome.try_recv() {
            return outcome;
        }
    }
    outcome.recv_timeout(Duration::from_millis(100)).expect("the interrupt stops the guest within 20 s")
}

/// Calls export `name` of `wat` and interrupts it after 50 ms.
fn interrupt_export(wat: &'static str, name: &'static str) -> Result<(), Error> {
    interrupt_after_50ms(&interruptible_engine(), move |store| {
        let instance = instantiate(store, wat).expect("instantiates");
        let func = instance.get_typed_func::<(), ()>(&*store, name).expect("export");
        func.call(store, ())
    })
}

#[test]
fn an_interrupt_from_another_thread_stops_an_infinite_loop() {
    let error = interrupt_export(SPIN, "spin").expect_err("interrupted");
    assert_eq!(error.trap_code(), Some(TrapCode::Interrupted), "{error}");
    assert!(error.to_string().contains("interrupted"), "{error}");
}

#[test]
fn an_interrupt_stops_endless_tail_recursion() {
    let wat = r#"(module (func $f (export "f") (return_call $f)))"#;
    let error = interrupt_export(wat, "f").expect_err("interrupted");
    assert_eq!(error.trap_code(), Some(TrapCode::Interrupted), "{error}");
}

#[test]
fn an_interrupt_reaches_guest_code_a_host_function_called() {
    let wat = r#"
      (module
        (import "host" "spin" (func $host_spin))
        (func (export "spin") (loop (br 0)))
        (func (export "outer") (call $host_spin)))"#;
    let engine = interruptible_engine();
    let guest_engine = engine.clone();
    let error = interrupt_after_50ms(&engine, move |store| {
        let mut linker = Linker::new(&guest_engine);
        linker
            .func_wrap(&mut *store, "host", "spin", |mut caller: Caller<'_, ()>| -> gannet::Result<()> {
                let spin = caller.get_export("spin").and_then(|e| e.into_func()).expect("spin");
                spin.call(caller.store(), &[], &mut [])
            })
            .unwrap();
        let module = Module::new(&guest_engine, wat).unwrap();
        let instance = linker.instantiate(&mut *store, &module).unwrap();
        let outer = instance.get_typed_func::<(), ()>(&*store, "outer").unwrap();
        outer.call(store, ())
    })
    .expect_err("interrupted");
    assert_eq!(error.trap_code(), Some(TrapCode::Interrupted), "{error}");
}

#[test]
fn calls_started_after_an_interrupt_run_normally() {
    let engine = interruptible_engine();
    let mut store = Store::new(&engine, ());
    store.set_fuel(1_000_000).unwrap();
    let instance = instantiate(&mut store, COUNT).expect("instantiates");
    let count = instance.get_typed_func::<i32, i32>(&store, "count").expect("export");
    engine.interrupt_handle().interrupt();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
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
