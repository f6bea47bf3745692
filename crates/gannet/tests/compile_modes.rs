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

const ALL_MODES: [CompilationMode; 3] =
    [CompilationMode::Lazy, CompilationMode::LazyTranslation, CompilationMode::Eager];

/// A module of `functions` functions of type `() -> ()` whose code section is `code`
/// (count and bodies).
fn module_with_code_section(functions: u8, code: &[u8]) -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
    bytes.extend_from_slice(&[3, functions + 1, functions]); // function section: all of type 0
    bytes.extend(std::iter::repeat_n(0, functions as usize));
    let mut size = Vec::new();
    leb128(&mut size, code.len() as u32);
    bytes.push(10);
    bytes.extend_from_slice(&size);
    bytes.extend_from_slice(code);
    bytes
}

fn leb128(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[test]
fn malformed_code_sections_are_refused_in_every_mode() {
    let well_formed = module_with_code_section(1, &[1, 2, 0, 0x0b]);
    let cases: [(&str, Vec<u8>); 4] = [
        ("trailing bytes after the last body", module_with_code_section(1, &[1, 2, 0, 0x0b, 0x0b])),
        ("a body running past the section", module_with_code_section(1, &[1, 5, 0, 0x0b])),
        ("a body size that does not end", module_with_code_section(1, &[1, 0x80, 0x80])),
        ("a section running past the module", well_formed[..well_formed.len() - 1].to_vec()),
    ];
    for mode in ALL_MODES {
        Module::new(&engine(mode), &well_formed).expect("the well-formed module compiles");
        for (what, bytes) in &cases {
            match Module::new(&engine(mode), bytes) {
                Err(Error::Compile { .. }) => {}
                other => panic!("{mode:?}, {what}: expected a compile error, got {other:?}"),
            }
        }
    }
}

#[test]
fn a_body_over_the_size_limit_is_refused_when_the_module_is_created() {
    // The second body (lazy mode looks closer at the first) is 7,654,322 bytes: no locals,
    // then `nop`s and `end`, one byte over the limit.
    let len = 7_654_322;
    let mut body = vec![0x01; len];
    body[0] = 0;
    body[len - 1] = 0x0b;
    let mut code = vec![2, 2, 0, 0x0b];
    leb128(&mut code, len as u32);
    code.extend_from_slice(&body);
    let bytes = module_with_code_section(2, &code);
    for mode in ALL_MODES {
        match Module::new(&engine(mode), &bytes) {
            Err(Error::Compile { message, .. }) => assert!(message.contains("size"), "{mode:?}: {message}"),
            other => panic!("{mode:?}: expected a compile error, got {other:?}"),
        }
    }
    // One byte less is accepted.
    code.truncate(4);
    leb128(&mut code, len as u32 - 1);
    code.extend_from_slice(&body[1..]);
    Module::new(&engine(CompilationMode::Lazy), module_with_code_section(2, &code)).expect("at the limit");
}

#[test]
fn names_and_types_of_many_functions_are_found_in_every_mode() {
    let mut wat = String::from("(module (import \"host\" \"f\" (func $host (param i64)))");
    for i in 0..300 {
        wat.push_str(&format!(
            "(func $f{i} (export \"f{i}\") (param i32) (result i32) local.get 0 i32.const {i} i32.add)"
        ));
    }
    wat.push(')');
    for mode in ALL_MODES {
        let engine = engine(mode);
        let module = Module::new(&engine, &wat).expect("compiles");
        assert_eq!(module.function_name(0), Some("host"));
        assert_eq!(module.function_name(300), Some("f299"));
        assert_eq!(module.find_function("f17"), Some(18));
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.func_wrap(&mut store, "host", "f", |_: gannet::Caller<'_, ()>, _: i64| {}).expect("defines");
        let instance = linker.instantiate(&mut store, &module).expect("instantiates");
        let f = instance.get_func(&store, "f299").expect("export");
        assert_eq!(f.ty(&store).params(), &[gannet::ValType::I32]);
        assert_eq!(f.ty(&store).results(), &[gannet::ValType::I32]);
        let typed = f.typed::<i32, i32>(&store).expect("typed");
        assert_eq!(typed.call(&mut store, 1).expect("runs"), 300);
    }
}
