//! The `gannet` command line.

use std::process::ExitCode;

use gannet::{CompilationMode, Config, Engine, Linker, Module, Store, Val, ValType};

const USAGE: &str = "\
usage:
  gannet run [--eager] FILE [--invoke NAME [ARGS...]]   run a module (default: call `_start` if exported)
  gannet inspect FILE [--func NAME|INDEX]              print the register IR of functions
  gannet validate FILE                                 check that FILE is a valid module
  gannet wast FILE...                                  run WebAssembly spec scripts";

/// Exit status when the guest traps.
const EXIT_TRAP: u8 = 134;
/// Exit status for usage errors and invalid input.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure { message, code }) => {
            eprintln!("gannet: {message}");
            ExitCode::from(code)
        }
    }
}

struct Failure {
    message: String,
    code: u8,
}

fn fail(message: impl Into<String>) -> Failure {
    Failure { message: message.into(), code: EXIT_ERROR }
}

impl From<gannet::Error> for Failure {
    fn from(error: gannet::Error) -> Self {
        let code = if error.as_trap().is_some() { EXIT_TRAP } else { EXIT_ERROR };
        Failure { message: error.to_string(), code }
    }
}

fn load(engine: &Engine, path: &str) -> Result<Module, Failure> {
    let bytes = std::fs::read(path).map_err(|error| fail(format!("cannot read `{path}`: {error}")))?;
    Module::new(engine, &bytes).map_err(|error| fail(format!("`{path}`: {error}")))
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(fail(USAGE));
    };
    match command.as_str() {
        "run" => run_module(rest),
        "inspect" => inspect(rest),
        "validate" => {
            let [path] = rest else { return Err(fail(USAGE)) };
            let mut config = Config::new();
            config.compilation_mode(CompilationMode::LazyTranslation);
            load(&Engine::new(&config), path)?;
            println!("{path}: valid");
            Ok(ExitCode::SUCCESS)
        }
        "wast" => run_wast(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(fail(format!("unknown command `{other}`\n{USAGE}"))),
    }
}

fn parse_value(text: &str, ty: ValType) -> Result<Val, Failure> {
    let bad = || fail(format!("invalid {ty} argument `{text}`"));
    Ok(match ty {
        ValType::I32 => {
            Val::I32(text.parse::<i32>().or_else(|_| text.parse::<u32>().map(|v| v as i32)).map_err(|_| bad())?)
        }
        ValType::I64 => {
            Val::I64(text.parse::<i64>().or_else(|_| text.parse::<u64>().map(|v| v as i64)).map_err(|_| bad())?)
        }
        ValType::F32 => Val::from(text.parse::<f32>().map_err(|_| bad())?),
        ValType::F64 => Val::from(text.parse::<f64>().map_err(|_| bad())?),
        _ => return Err(fail(format!("cannot pass a {ty} argument from the command line"))),
    })
}

fn show_value(value: &Val) -> String {
    match value {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(v) => format!("{v:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
        _ => format!("{value:?}"),
    }
}

fn run_module(args: &[String]) -> Result<ExitCode, Failure> {
    let mut config = Config::new();
    let mut rest = args;
    while let Some(flag) = rest.first().filter(|a| a.starts_with("--")) {
        match flag.as_str() {
            "--eager" => config.compilation_mode(CompilationMode::Eager),
            other => return Err(fail(format!("unknown option `{other}`"))),
        };
        rest = &rest[1..];
    }
    let Some((path, rest)) = rest.split_first() else { return Err(fail(USAGE)) };
    let engine = Engine::new(&config);
    let module = load(&engine, path)?;
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    let instance = linker.instantiate(&mut store, &module)?;
    let (name, values) = match rest.split_first() {
        Some((flag, rest)) if flag == "--invoke" => {
            let Some((name, values)) = rest.split_first() else {
                return Err(fail("--invoke needs a function name"));
            };
            (name.as_str(), values)
        }
        Some((other, _)) => return Err(fail(format!("unexpected argument `{other}`"))),
        None if instance.get_func(&store, "_start").is_some() => ("_start", &[][..]),
        None => return Ok(ExitCode::SUCCESS),
    };
    let func = instance.get_func(&store, name).ok_or_else(|| fail(format!("no exported function `{name}`")))?;
    let ty = func.ty(&store);
    if values.len() != ty.params().len() {
        return Err(fail(format!("`{name}` takes {} arguments ({ty}), {} given", ty.params().len(), values.len())));
    }
    let params =
        values.iter().zip(ty.params()).map(|(text, &ty)| parse_value(text, ty)).collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|&ty| Val::default_for(ty)).collect();
    func.call(&mut store, &params, &mut results)?;
    for result in &results {
        println!("{}", show_value(result));
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect(args: &[String]) -> Result<ExitCode, Failure> {
    let (path, selected) = match args {
        [path] => (path, None),
        [path, flag, func] if flag == "--func" => (path, Some(func.as_str())),
        _ => return Err(fail(USAGE)),
    };
    let mut config = Config::new();
    config.compilation_mode(CompilationMode::LazyTranslation);
    let module = load(&Engine::new(&config), path)?;
    let indices: Vec<u32> = match selected {
        Some(name) => vec![module.find_function(name).ok_or_else(|| fail(format!("no function `{name}`")))?],
        None => (0..module.num_functions()).collect(),
    };
    for index in indices {
        let name = module.function_name(index).map(|n| format!(" ${n}")).unwrap_or_default();
        match module.disassemble(index) {
            None => println!("func {index}{name}: imported"),
            Some(text) => println!("func {index}{name}:\n{}", text?),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_wast(paths: &[String]) -> Result<ExitCode, Failure> {
    if paths.is_empty() {
        return Err(fail(USAGE));
    }
    let mut config = Config::new();
    config.compilation_mode(CompilationMode::LazyTranslation);
    let mut failed = 0;
    let mut passed = 0;
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|error| fail(format!("cannot read `{path}`: {error}")))?;
        let report = gannet_wast::run_wast(path, &text, &config);
        for failure in &report.failures {
            eprintln!("{failure}");
        }
        passed += report.passed;
        failed += report.failed;
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
