//! `gannet run`.

use std::path::PathBuf;
use std::process::ExitCode;

use gannet::{CompilationMode, Config, Engine, ExternType, FuncType, Linker, Module, Store, Val};

use crate::cli::{DirMapping, EnvVar, RunArgs};
use crate::failure::Failure;
use crate::limits::{self, Limits};
use crate::load;
use crate::values;
use crate::wasi::{self, Host, WasiOptions};

/// What to call once the module is instantiated.
enum Entry {
    /// A WASI command's `_start`.
    Command,
    /// `--invoke`: the export, its type and the parsed arguments.
    Invoke { name: String, ty: FuncType, params: Vec<Val> },
    /// Nothing: instantiating (running the start function) is the whole program.
    Instantiate,
}

pub fn run(args: RunArgs) -> Result<ExitCode, Failure> {
    let RunArgs { dirs, envs, invoke, preloads, fuel, max_memory, max_stack, eager, op_stats, module_and_args } = args;
    let mut module_and_args = module_and_args.into_iter();
    let file = PathBuf::from(module_and_args.next().expect("clap requires FILE"));
    let mut guest_args: Vec<String> = module_and_args.collect();
    // Everything after FILE is taken verbatim, so a `--` there is still in place; it is the
    // conventional "options end here" and not meant for the guest.
    if guest_args.first().is_some_and(|first| first == "--") {
        guest_args.remove(0);
    }
    let shown = format!("`{}`", file.display());

    // Everything the command line alone can get wrong is checked before any guest code
    // runs, so a typo never leaves a program half-run.
    check_dirs(&dirs)?;
    let env = resolve_env(&envs)?;
    let limits = Limits { fuel, max_memory };
    let mut config = Config::new();
    config.compilation_mode(if eager { CompilationMode::Eager } else { CompilationMode::Lazy });
    if let Some(depth) = max_stack {
        config.max_call_depth(depth);
    }
    limits::configure(&mut config, limits);
    config.count_ops(op_stats);
    let engine = Engine::new(&config);
    // Reports however the run ends: returned, exited, trapped or failed.
    let _report = op_stats.then(|| OpStatsReport(engine.clone()));
    let module = load::module(&engine, &file)?;
    let preloaded = preloads
        .iter()
        .map(|preload| Ok((preload, load::module(&engine, &preload.file)?)))
        .collect::<Result<Vec<_>, Failure>>()?;
    let entry = choose_entry(&module, &shown, invoke, &guest_args)?;

    let mut store = Store::new(&engine, Host::default());
    limits::apply(&mut store, limits)?;
    let mut linker = Linker::new(&engine);
    if gannet_wasi::imports_wasi(&module) || preloaded.iter().any(|(_, module)| gannet_wasi::imports_wasi(module)) {
        let mut argv = vec![file.to_string_lossy().into_owned()];
        argv.extend(guest_args);
        let dirs = dirs.into_iter().map(|DirMapping { host, guest }| (host, guest)).collect();
        wasi::link(&mut linker, &mut store, WasiOptions { argv, env, dirs })?;
    }
    for (preload, preloaded_module) in &preloaded {
        let context = format!("`{}` (--preload {})", preload.file.display(), preload.name);
        let instance = instantiate(&linker, &mut store, preloaded_module, &context)?;
        linker.instance(&mut store, &preload.name, instance).map_err(|error| Failure::from_gannet(error, &context))?;
    }
    let instance = instantiate(&linker, &mut store, &module, &shown)?;

    let call = |name: &str, params: &[Val], results: &mut [Val], store: &mut Store<Host>| {
        let func = instance
            .get_func(&*store, name)
            .ok_or_else(|| Failure::error(format!("{shown} does not export a function `{name}`")))?;
        func.call(store, params, results).map_err(|error| Failure::from_gannet(error, &shown))
    };
    match entry {
        Entry::Command => call("_start", &[], &mut [], &mut store)?,
        Entry::Invoke { name, ty, params } => {
            let mut results: Vec<Val> = ty.results().iter().map(|&ty| Val::default_for(ty)).collect();
            call(&name, &params, &mut results, &mut store)?;
            crate::print_lines(results.iter().map(values::show))?;
        }
        Entry::Instantiate => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the engine's instruction counts (`--op-stats`) to stderr when dropped.
struct OpStatsReport(Engine);

impl Drop for OpStatsReport {
    fn drop(&mut self) {
        const SHOWN: usize = 40;
        let counts = self.0.op_counts();
        let total = counts.total().max(1) as f64;
        let share = |n: u64| format!("{:5.1}%", 100.0 * n as f64 / total);
        let mut text = format!("op stats: {} IR instructions executed\n", counts.total());
        text.push_str(&format!("{:>14}  {:>6}  op\n", "count", "share"));
        for (op, n) in counts.ops().into_iter().take(SHOWN) {
            text.push_str(&format!("{n:>14}  {}  {op}\n", share(n)));
        }
        text.push_str(&format!("{:>14}  {:>6}  pair (first, then second)\n", "count", "share"));
        for ((first, second), n) in counts.pairs().into_iter().take(SHOWN) {
            text.push_str(&format!("{n:>14}  {}  {first} -> {second}\n", share(n)));
        }
        eprint!("{text}");
    }
}

/// Instantiates `module` and, if it is a WASI reactor (exports `_initialize` but no
/// `_start`), initialises it, as the WASI application ABI asks before any other export is
/// used.
fn instantiate(
    linker: &Linker<Host>,
    store: &mut Store<Host>,
    module: &Module,
    context: &str,
) -> Result<gannet::Instance, Failure> {
    let instance = linker.instantiate(&mut *store, module).map_err(|error| Failure::from_gannet(error, context))?;
    if instance.get_func(&*store, "_start").is_none()
        && let Some(initialize) = instance.get_func(&*store, "_initialize")
    {
        initialize.call(&mut *store, &[], &mut []).map_err(|error| Failure::from_gannet(error, context))?;
    }
    Ok(instance)
}

fn choose_entry(module: &Module, shown: &str, invoke: Option<String>, args: &[String]) -> Result<Entry, Failure> {
    let exported_funcs = || {
        let names: Vec<String> = module
            .exports()
            .filter(|(_, ty)| matches!(ty, ExternType::Func(_)))
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        if names.is_empty() { "it exports no functions".to_string() } else { format!("it has {}", names.join(", ")) }
    };
    let Some(name) = invoke else {
        if module.exports().any(|(name, ty)| name == "_start" && matches!(ty, ExternType::Func(_))) {
            return Ok(Entry::Command);
        }
        if let Some(first) = args.first() {
            return Err(Failure::error(format!(
                "{shown} has no `_start` to pass the arguments starting at `{first}` to \
                 (options for gannet go before FILE; to call a function: gannet run --invoke NAME FILE ARGS...)"
            )));
        }
        return Ok(Entry::Instantiate);
    };
    let ty = match module.exports().find(|(export, _)| *export == name) {
        Some((_, ExternType::Func(ty))) => ty,
        Some((_, other)) => {
            let kind = match other {
                ExternType::Global(_) => "a global",
                ExternType::Table(_) => "a table",
                ExternType::Memory(_) => "a memory",
                ExternType::Tag(_) => "an exception tag",
                _ => "another kind of item",
            };
            return Err(Failure::error(format!("cannot invoke `{name}`: it is {kind}, not a function")));
        }
        None => {
            return Err(Failure::error(format!(
                "cannot invoke `{name}`: {shown} exports no such function ({})",
                exported_funcs()
            )));
        }
    };
    if args.len() != ty.params().len() {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (wanted, given) = (ty.params().len(), args.len());
        return Err(Failure::error(format!(
            "`{name}` takes {wanted} argument{}, {ty}, but {given} {} given",
            plural(wanted),
            if given == 1 { "was" } else { "were" }
        )));
    }
    let params = args
        .iter()
        .zip(ty.params())
        .enumerate()
        .map(|(i, (text, &param))| {
            values::parse(text, param).map_err(|reason| {
                Failure::error(format!("argument {} of `{name}` ({param}) is `{text}`: {reason}", i + 1))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Entry::Invoke { name, ty, params })
}

/// A `--dir` that cannot be opened is a command line mistake, reported before anything
/// runs, whether or not the module turns out to use WASI.
fn check_dirs(dirs: &[DirMapping]) -> Result<(), Failure> {
    for DirMapping { host, .. } in dirs {
        std::fs::read_dir(host).map_err(|error| {
            Failure::error(format!("cannot open --dir `{}`: {}", host.display(), load::io_reason(&error)))
        })?;
    }
    Ok(())
}

fn resolve_env(envs: &[EnvVar]) -> Result<Vec<(String, String)>, Failure> {
    let mut resolved = Vec::with_capacity(envs.len());
    for EnvVar { name, value } in envs {
        let value = match value {
            Some(value) => value.clone(),
            None => match std::env::var_os(name) {
                // Inheriting an unset variable leaves it unset, as wasmtime does, so a
                // script can pass `--env FOO` whether or not FOO happens to be set.
                None => continue,
                Some(value) => value.into_string().map_err(|_| {
                    Failure::error(format!("--env {name}: the value of `{name}` in gannet's environment is not UTF-8"))
                })?,
            },
        };
        resolved.push((name.clone(), value));
    }
    Ok(resolved)
}
