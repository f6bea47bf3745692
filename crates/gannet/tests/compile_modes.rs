//! When invalid function bodies are reported, per compilation mode.

use gannet::{CompilationMode, Config, Engine, Error, Linker, Module, Store};

/// Function 1 (`$bad`) adds an i32 to an i64: its body is invalid.
const WAT: &str = r#"
(module
  (func $good (export "good") (result i32) (i32.const 1))
  (func $bad (export "bad") (result i32) (i32.add (i32.const 1) (i64.const 2))))
"#;

fn engine(mode: CompilationMode) -> Engine {
    let mut config = Config::new();
    config.compilation_mode(mode);
    Engine::new(&config)
}

#[test]
fn eager_mode_reports_the_invalid_function_with_index_and_offset() {
    let binary = wat::parse_str(WAT).expect("text parses");
    for mode in [CompilationMode::Eager, CompilationMode::LazyTranslation] {
        match Module::new(&engine(mode), &binary) {
            Err(Error::Compile { message, offset: Some(offset) }) => {
                assert!(offset > 0 && offset < binary.len(), "{offset}");
                if mode == CompilationMode::Eager {
                    assert!(message.contains("type mismatch"), "{message}");
                }
            }
            other => panic!("{mode:?}: expected a compile error with an offset, got {other:?}"),
        }
    }
}

#[test]
fn lazy_mode_reports_the_invalid_function_on_every_call() {
    let engine = engine(CompilationMode::Lazy);
    let module = Module::new(&engine, WAT).expect("bodies are not checked yet");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let good = instance.get_typed_func::<(), i32>(&store, "good").expect("export");
    assert_eq!(good.call(&mut store, ()).expect("valid function runs"), 1);
    let bad = instance.get_typed_func::<(), i32>(&store, "bad").expect("export");
    for _ in 0..2 {
        match bad.call(&mut store, ()) {
            Err(Error::Compile { message, offset: Some(_) }) => {
                assert!(message.starts_with("function 1 $bad:"), "{message}");
            }
            other => panic!("expected a compile error, got {other:?}"),
        }
    }
}
