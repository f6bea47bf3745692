//! Runs WebAssembly spec test scripts (`.wast`) on Gannet.
//!
//! The entry point is [`run_wast`]: it parses a script, executes every
//! directive against a fresh [`Store`] and returns a [`Report`] that counts
//! passed and failed directives and describes every failure.
//!
//! Directives the runner cannot execute (threads, exceptions, stack
//! switching, custom-section assertions, component-model values) are counted
//! as failures with a "not supported" message, never silently passed.
//!
//! Setting the environment variable `GANNET_WAST_VERBOSE=1` makes the runner
//! print every failure as it happens, the expected and actual messages of
//! `assert_invalid` and `assert_malformed`, and the arguments of the
//! `spectest` print functions.

use std::any::Any;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};

use gannet::HeapType;
use gannet::{
    AnyRef, Config, Engine, Error, Extern, ExternRef, Func, FuncType, Global, GlobalType, Instance, Linker, Memory,
    MemoryType, Module, Mutability, Store, Table, TableType, TrapCode, Val, ValType,
};
use wast::core::{AbstractHeapType, HeapType as WastHeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::{F32, F64, Id};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// The outcome of running one or more `.wast` scripts.
///
/// Every directive of a script counts once, as passed or as failed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Directives that behaved as the script expects.
    pub passed: usize,
    /// Directives that did not (including unsupported ones).
    pub failed: usize,
    /// One line per failed directive: `file:line:col: kind: what went wrong`.
    pub failures: Vec<String>,
}

impl Report {
    /// The number of directives run (passed plus failed).
    pub fn total(&self) -> usize {
        self.passed + self.failed
    }

    /// Whether no directive failed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }

    /// Adds the counts and failures of `other` to this report.
    pub fn merge(&mut self, other: Report) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.failures.extend(other.failures);
    }

    fn fail(&mut self, line: String, verbose: bool) {
        if verbose {
            eprintln!("FAIL {line}");
        }
        self.failed += 1;
        self.failures.push(line);
    }
}

/// Whether `GANNET_WAST_VERBOSE` asks for verbose output.
fn verbose_from_env() -> bool {
    std::env::var("GANNET_WAST_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Runs the `.wast` script `text` with an engine built from `config`.
///
/// `name` is only used in failure messages (usually the script's file name).
/// Verbose output is enabled by the environment variable
/// `GANNET_WAST_VERBOSE=1`; see [`run_wast_with_verbosity`].
pub fn run_wast(name: &str, text: &str, config: &Config) -> Report {
    run_wast_with_verbosity(name, text, config, verbose_from_env())
}

/// Runs the `.wast` script `text` like [`run_wast`], with verbose output
/// switched on or off explicitly instead of by the environment.
///
/// A panic inside the engine fails the directive that caused it; because the
/// store may then be in an inconsistent state, the remaining directives of the
/// script are not run and count as failed.
pub fn run_wast_with_verbosity(name: &str, text: &str, config: &Config, verbose: bool) -> Report {
    let mut report = Report::default();
    let buffer = match parse_buffer(text) {
        Ok(buffer) => buffer,
        Err(mut err) => {
            err.set_text(text);
            report.fail(format!("{name}: script: cannot lex script: {err}"), verbose);
            return report;
        }
    };
    let directives = match parser::parse::<Wast<'_>>(&buffer) {
        Ok(wast) => wast.directives,
        Err(mut err) => {
            err.set_text(text);
            report.fail(format!("{name}: script: cannot parse script: {err}"), verbose);
            return report;
        }
    };

    let setup = panic::catch_unwind(AssertUnwindSafe(|| Runner::new(config, verbose)));
    let mut runner = match setup {
        Ok(Ok(runner)) => Some(runner),
        Ok(Err(err)) => {
            let msg = format!("{name}: setup: cannot create the spectest module: {err}");
            report.fail(msg, verbose);
            None
        }
        Err(payload) => {
            let msg = format!("{name}: setup: panicked: {}", panic_message(&*payload));
            report.fail(msg, verbose);
            None
        }
    };

    for directive in directives {
        let (line, col) = directive.span().linecol_in(text);
        let location = format!("{name}:{}:{}", line + 1, col + 1);
        let kind = directive_kind(&directive);
        let Some(active) = runner.as_mut() else {
            let msg = format!("{location}: {kind}: not run: the store is unusable after an earlier failure");
            report.fail(msg, verbose);
            continue;
        };
        match panic::catch_unwind(AssertUnwindSafe(|| active.run(directive))) {
            Ok(Ok(())) => report.passed += 1,
            Ok(Err(msg)) => report.fail(format!("{location}: {kind}: {msg}"), verbose),
            Err(payload) => {
                let msg = format!("{location}: {kind}: panicked: {}", panic_message(&*payload));
                report.fail(msg, verbose);
                // The store may be poisoned; dropping it could panic again.
                if let Some(poisoned) = runner.take() {
                    std::mem::forget(poisoned);
                }
            }
        }
    }
    report
}

/// Counts the directives of the `.wast` script `text` without running them
/// (e.g. to report how many directives a skipped script holds).
pub fn count_directives(text: &str) -> Result<usize, String> {
    let buffer = parse_buffer(text).map_err(|mut e| {
        e.set_text(text);
        e.to_string()
    })?;
    let wast = parser::parse::<Wast<'_>>(&buffer).map_err(|mut e| {
        e.set_text(text);
        e.to_string()
    })?;
    Ok(wast.directives.len())
}

fn parse_buffer(text: &str) -> wast::parser::Result<ParseBuffer<'_>> {
    let mut lexer = Lexer::new(text);
    // Some spec scripts deliberately use bidirectional and other confusing
    // characters in names and strings.
    lexer.allow_confusing_unicode(true);
    ParseBuffer::new_with_lexer(lexer)
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// The name of a directive as written in scripts.
fn directive_kind(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(QuoteWat::QuoteModule(..)) => "module quote",
        WastDirective::Module(QuoteWat::Wat(Wat::Component(_)))
        | WastDirective::Module(QuoteWat::QuoteComponent(..)) => "component",
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { exec: WastExecute::Wat(_), .. } => "assert_trap (module)",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// Why an action (invoke, get, module instantiation) did not produce values.
enum ActionError {
    /// The engine reported an error; whether that is expected depends on the
    /// directive.
    Engine(Error),
    /// The script itself could not be carried out (unknown export, bad
    /// argument, module that does not compile, ...): always a failure.
    Script(String),
}

impl From<String> for ActionError {
    fn from(msg: String) -> Self {
        ActionError::Script(msg)
    }
}

/// The state of one running script.
struct Runner {
    verbose: bool,
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// Compiled modules; `module_names` and `last_module` index into it.
    modules: Vec<Module>,
    module_names: HashMap<String, usize>,
    last_module: Option<usize>,
    /// Named instances.
    instances: HashMap<String, Instance>,
    /// The most recently instantiated module.
    current: Option<Instance>,
    /// `ref.extern N` values, so that equal `N` give the same reference; `ref.host N` is
    /// the same host value converted to the `any` hierarchy.
    extern_refs: HashMap<u32, ExternRef>,
}

impl Runner {
    fn new(config: &Config, verbose: bool) -> Result<Self, Error> {
        let engine = Engine::new(config);
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        define_spectest(&mut store, &mut linker, verbose)?;
        Ok(Runner {
            verbose,
            engine,
            store,
            linker,
            modules: Vec::new(),
            module_names: HashMap::new(),
            last_module: None,
            instances: HashMap::new(),
            current: None,
            extern_refs: HashMap::new(),
        })
    }

    /// Runs one directive; `Err` describes why it failed.
    fn run(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name();
                match self.define_and_instantiate(&mut module) {
                    Ok((module, instance)) => {
                        self.add_module(name, module);
                        self.add_instance(name, instance);
                        Ok(())
                    }
                    Err(msg) => {
                        // Later actions must not silently run against an
                        // older instance.
                        self.current = None;
                        if let Some(id) = name {
                            self.instances.remove(id.name());
                        }
                        Err(msg)
                    }
                }
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name();
                let bytes = encode(&mut module).map_err(|e| format!("module text does not parse: {e}"))?;
                let module =
                    self.compile(&bytes).map_err(|e| format!("module does not compile: {}", show_error(&e)))?;
                self.add_module(name, module);
                Ok(())
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let index = match module {
                    Some(id) => *self
                        .module_names
                        .get(id.name())
                        .ok_or_else(|| format!("unknown module definition ${}", id.name()))?,
                    None => self.last_module.ok_or("no module definition to instantiate")?,
                };
                let instance_result = self.linker.instantiate(&mut self.store, &self.modules[index]);
                let new_instance =
                    instance_result.map_err(|e| format!("module does not instantiate: {}", show_error(&e)))?;
                self.add_instance(instance, new_instance);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&mut self.store, name, instance)
                    .map_err(|e| format!("cannot register as {name:?}: {}", show_error(&e)))?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(_) => Ok(()),
                Err(ActionError::Script(msg)) => Err(msg),
                Err(ActionError::Engine(e)) => Err(format!("invocation failed: {}", show_error(&e))),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => self.assert_exhaustion(&call, message),
            WastDirective::AssertException { exec, .. } => self.assert_exception(exec),
            WastDirective::AssertMalformed { module, message, .. } => self.assert_malformed(module, message),
            WastDirective::AssertInvalid { module, message, .. } => self.assert_invalid(module, message),
            WastDirective::AssertUnlinkable { module, message, .. } => self.assert_unlinkable(module, message),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. }
            | WastDirective::AssertSuspension { .. }
            | WastDirective::Thread(_)
            | WastDirective::Wait { .. } => Err("not supported by the gannet-wast runner".to_string()),
        }
    }

    /// Encodes, compiles and instantiates the module of a `module` directive.
    fn define_and_instantiate(&mut self, module: &mut QuoteWat<'_>) -> Result<(Module, Instance), String> {
        let bytes = encode(module).map_err(|e| format!("module text does not parse: {e}"))?;
        let module = self.compile(&bytes).map_err(|e| format!("module does not compile: {}", show_error(&e)))?;
        let instance = self
            .linker
            .instantiate(&mut self.store, &module)
            .map_err(|e| format!("module does not instantiate: {}", show_error(&e)))?;
        Ok((module, instance))
    }

    fn compile(&self, bytes: &[u8]) -> Result<Module, Error> {
        Module::from_binary(&self.engine, bytes)
    }

    fn add_module(&mut self, name: Option<Id<'_>>, module: Module) {
        // An unnamed module can only be referred to while it is the last one,
        // so its slot is reused once another module comes along.
        let reusable = self.last_module.filter(|last| !self.module_names.values().any(|i| i == last));
        let index = match reusable {
            Some(index) => {
                self.modules[index] = module;
                index
            }
            None => {
                self.modules.push(module);
                self.modules.len() - 1
            }
        };
        self.last_module = Some(index);
        if let Some(id) = name {
            self.module_names.insert(id.name().to_string(), index);
        }
    }

    fn add_instance(&mut self, name: Option<Id<'_>>, instance: Instance) {
        if let Some(id) = name {
            self.instances.insert(id.name().to_string(), instance);
        }
        self.current = Some(instance);
    }

    /// The instance named `id`, or the most recent one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self.instances.get(id.name()).copied().ok_or_else(|| format!("unknown module ${}", id.name())),
            None => self.current.ok_or_else(|| "no module instantiated yet".to_string()),
        }
    }

    /// Performs an action and returns its results.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, ActionError> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                match instance.get_export(&self.store, global) {
                    Some(Extern::Global(g)) => Ok(vec![g.get(&self.store)]),
                    Some(_) => Err(format!("export {global:?} is not a global").into()),
                    None => Err(format!("no export {global:?}").into()),
                }
            }
            WastExecute::Wat(mut wat) => {
                let bytes = wat.encode().map_err(|e| format!("module text does not parse: {e}"))?;
                let module =
                    self.compile(&bytes).map_err(|e| format!("module does not compile: {}", show_error(&e)))?;
                self.linker.instantiate(&mut self.store, &module).map_err(ActionError::Engine)?;
                Ok(Vec::new())
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, ActionError> {
        let instance = self.instance(invoke.module)?;
        let func: Func = match instance.get_export(&self.store, invoke.name) {
            Some(Extern::Func(f)) => f,
            Some(_) => return Err(format!("export {:?} is not a function", invoke.name).into()),
            None => return Err(format!("no export {:?}", invoke.name).into()),
        };
        let ty = func.ty(&self.store);
        let mut args = Vec::with_capacity(invoke.args.len());
        for (arg, &param) in invoke.args.iter().zip(ty.params().iter().chain(std::iter::repeat(&ValType::I32))) {
            // A host reference is an `externref`, or (`ref.host`) one converted to the `any`
            // hierarchy: pass it in the parameter's hierarchy.
            let top = param.as_ref().map(|r| r.heap_type().top());
            args.push(match (self.arg(arg)?, top) {
                (Val::AnyRef(Some(r)), Some(HeapType::Extern)) => Val::ExternRef(Some(ExternRef::convert_any(r))),
                (Val::ExternRef(Some(r)), Some(HeapType::Any)) => Val::AnyRef(Some(AnyRef::convert_extern(r))),
                (value, _) => value,
            });
        }
        let result_count = ty.results().len();
        let mut results: Vec<Val> = (0..result_count).map(|_| Val::I32(0)).collect();
        func.call(&mut self.store, &args, &mut results).map_err(ActionError::Engine)?;
        Ok(results)
    }

    fn arg(&mut self, arg: &WastArg<'_>) -> Result<Val, String> {
        let WastArg::Core(arg) = arg else {
            return Err("component-model arguments are not supported".to_string());
        };
        Ok(match arg {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(heap) => match null_kind(heap) {
                Some(RefKind::Func) => Val::FuncRef(None),
                Some(RefKind::Extern) => Val::ExternRef(None),
                Some(RefKind::Any) => Val::AnyRef(None),
                Some(RefKind::Exn) => Val::ExnRef(None),
                None => return Err(format!("unsupported argument: ref.null {heap:?}")),
            },
            WastArgCore::RefExtern(n) => {
                let n = *n;
                let store = &mut self.store;
                let r = self.extern_refs.entry(n).or_insert_with(|| ExternRef::new(store, n));
                Val::ExternRef(Some(*r))
            }
            WastArgCore::RefHost(n) => {
                let n = *n;
                let store = &mut self.store;
                let r = self.extern_refs.entry(n).or_insert_with(|| ExternRef::new(store, n));
                Val::AnyRef(Some(AnyRef::convert_extern(*r)))
            }
        })
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, expected: &[WastRet<'_>]) -> Result<(), String> {
        let actual = match self.execute(exec) {
            Ok(values) => values,
            Err(ActionError::Script(msg)) => return Err(msg),
            Err(ActionError::Engine(e)) => {
                return Err(format!("expected {}, got {}", show_expected_list(expected), show_error(&e)));
            }
        };
        let mut ok = actual.len() == expected.len();
        if ok {
            for (want, got) in expected.iter().zip(&actual) {
                let WastRet::Core(want) = want else {
                    return Err("component-model results are not supported".to_string());
                };
                if !self.matches(want, got) {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            Ok(())
        } else {
            Err(format!("expected {}, got {}", show_expected_list(expected), self.show_values(&actual)))
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<(), String> {
        match self.execute(exec) {
            Ok(values) => Err(format!("expected trap \"{message}\", got {}", self.show_values(&values))),
            Err(ActionError::Script(msg)) => Err(msg),
            Err(ActionError::Engine(Error::Trap(trap))) => {
                let actual = trap.code().message();
                if trap_message_matches(message, actual) {
                    Ok(())
                } else {
                    Err(format!("expected trap \"{message}\", got trap \"{actual}\""))
                }
            }
            Err(ActionError::Engine(e)) => Err(format!("expected trap \"{message}\", got {}", show_error(&e))),
        }
    }

    fn assert_exception(&mut self, exec: WastExecute<'_>) -> Result<(), String> {
        match self.execute(exec) {
            Ok(values) => Err(format!("expected an uncaught exception, got {}", self.show_values(&values))),
            Err(ActionError::Script(msg)) => Err(msg),
            Err(ActionError::Engine(Error::Exception(_))) => Ok(()),
            Err(ActionError::Engine(e)) => Err(format!("expected an uncaught exception, got {}", show_error(&e))),
        }
    }

    fn assert_exhaustion(&mut self, call: &WastInvoke<'_>, message: &str) -> Result<(), String> {
        match self.invoke(call) {
            Ok(values) => Err(format!("expected exhaustion \"{message}\", got {}", self.show_values(&values))),
            Err(ActionError::Script(msg)) => Err(msg),
            Err(ActionError::Engine(Error::Trap(trap))) => {
                let code = trap.code();
                if code == TrapCode::StackOverflow && trap_message_matches(message, code.message()) {
                    Ok(())
                } else {
                    Err(format!("expected exhaustion \"{message}\", got trap \"{}\"", code.message()))
                }
            }
            Err(ActionError::Engine(e)) => Err(format!("expected exhaustion \"{message}\", got {}", show_error(&e))),
        }
    }

    fn assert_malformed(&mut self, mut module: QuoteWat<'_>, message: &str) -> Result<(), String> {
        let bytes = match encode(&mut module) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.note_rejection("assert_malformed", message, &format!("text: {e}"));
                return Ok(());
            }
        };
        match self.compile(&bytes) {
            Err(Error::Compile { message: actual, .. }) => {
                self.note_rejection("assert_malformed", message, &actual);
                Ok(())
            }
            Err(e) => Err(format!("expected malformed \"{message}\", got {}", show_error(&e))),
            Ok(_) => Err(format!("expected malformed \"{message}\", but the module compiled")),
        }
    }

    fn assert_invalid(&mut self, mut module: QuoteWat<'_>, message: &str) -> Result<(), String> {
        let bytes = encode(&mut module)
            .map_err(|e| format!("expected invalid \"{message}\", but the module text does not parse: {e}"))?;
        match self.compile(&bytes) {
            Err(Error::Compile { message: actual, .. }) => {
                self.note_rejection("assert_invalid", message, &actual);
                Ok(())
            }
            Err(e) => Err(format!("expected invalid \"{message}\", got {}", show_error(&e))),
            Ok(_) => Err(format!("expected invalid \"{message}\", but the module compiled")),
        }
    }

    fn assert_unlinkable(&mut self, mut module: Wat<'_>, message: &str) -> Result<(), String> {
        let bytes = module
            .encode()
            .map_err(|e| format!("expected unlinkable \"{message}\", but the module text does not parse: {e}"))?;
        let module = self.compile(&bytes).map_err(|e| {
            format!("expected unlinkable \"{message}\", but the module does not compile: {}", show_error(&e))
        })?;
        match self.linker.instantiate(&mut self.store, &module) {
            Err(Error::Link(actual)) => {
                self.note_rejection("assert_unlinkable", message, &actual);
                Ok(())
            }
            Err(e) => Err(format!("expected unlinkable \"{message}\", got {}", show_error(&e))),
            Ok(_) => Err(format!("expected unlinkable \"{message}\", but the module instantiated")),
        }
    }

    fn note_rejection(&self, kind: &str, expected: &str, actual: &str) {
        if self.verbose {
            eprintln!("{kind}: expected \"{expected}\", engine said \"{actual}\"");
        }
    }

    /// Whether the value `got` matches the expected result `want`.
    fn matches(&self, want: &WastRetCore<'_>, got: &Val) -> bool {
        match (want, got) {
            (WastRetCore::I32(w), Val::I32(g)) => w == g,
            (WastRetCore::I64(w), Val::I64(g)) => w == g,
            (WastRetCore::F32(w), Val::F32(g)) => f32_matches(w, *g),
            (WastRetCore::F64(w), Val::F64(g)) => f64_matches(w, *g),
            (WastRetCore::V128(w), Val::V128(g)) => v128_matches(w, *g),
            (WastRetCore::RefNull(heap), Val::FuncRef(None)) => {
                heap.as_ref().is_none_or(|h| null_kind(h) == Some(RefKind::Func))
            }
            (WastRetCore::RefNull(heap), Val::ExternRef(None)) => {
                heap.as_ref().is_none_or(|h| null_kind(h) == Some(RefKind::Extern))
            }
            (WastRetCore::RefNull(heap), Val::AnyRef(None)) => {
                heap.as_ref().is_none_or(|h| null_kind(h) == Some(RefKind::Any))
            }
            (WastRetCore::RefNull(heap), Val::ExnRef(None)) => {
                heap.as_ref().is_none_or(|h| null_kind(h) == Some(RefKind::Exn))
            }
            (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
            (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
            (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
                r.data(&self.store).ok().and_then(|d| d.downcast_ref::<u32>()) == Some(n)
            }
            (WastRetCore::RefHost(n), Val::AnyRef(Some(r))) => {
                let r = ExternRef::convert_any(*r);
                r.data(&self.store).ok().and_then(|d| d.downcast_ref::<u32>()) == Some(n)
            }
            (WastRetCore::RefAny, Val::AnyRef(Some(_))) => true,
            (WastRetCore::RefEq, Val::AnyRef(Some(r))) => {
                r.as_i31().is_some() || r.is_struct(&self.store) || r.is_array(&self.store)
            }
            (WastRetCore::RefI31, Val::AnyRef(Some(r))) => r.as_i31().is_some(),
            (WastRetCore::RefStruct, Val::AnyRef(Some(r))) => r.is_struct(&self.store),
            (WastRetCore::RefArray, Val::AnyRef(Some(r))) => r.is_array(&self.store),
            (WastRetCore::Either(options), got) => options.iter().any(|w| self.matches(w, got)),
            _ => false,
        }
    }

    fn show_values(&self, values: &[Val]) -> String {
        let parts: Vec<String> = values.iter().map(|v| self.show_value(v)).collect();
        format!("[{}]", parts.join(", "))
    }

    fn show_value(&self, value: &Val) -> String {
        match value {
            Val::I32(v) => format!("i32.const {v} ({:#x})", *v as u32),
            Val::I64(v) => format!("i64.const {v} ({:#x})", *v as u64),
            Val::F32(bits) => format!("f32.const {} ({bits:#010x})", f32::from_bits(*bits)),
            Val::F64(bits) => format!("f64.const {} ({bits:#018x})", f64::from_bits(*bits)),
            Val::V128(bits) => format!("v128.const i64x2 {:#018x} {:#018x}", *bits as u64, (*bits >> 64) as u64),
            Val::FuncRef(None) => "ref.null func".to_string(),
            Val::FuncRef(Some(_)) => "ref.func".to_string(),
            Val::ExternRef(None) => "ref.null extern".to_string(),
            Val::AnyRef(None) => "ref.null any".to_string(),
            Val::ExnRef(None) => "ref.null exn".to_string(),
            Val::ExternRef(Some(r)) => {
                let data = r.data(&self.store).ok();
                match data.and_then(|d| d.downcast_ref::<u32>()) {
                    Some(n) => format!("ref.extern {n}"),
                    None => "ref.extern <internal reference>".to_string(),
                }
            }
            Val::AnyRef(Some(r)) => match r.as_i31() {
                Some(v) => format!("ref.i31 {v}"),
                None if r.is_struct(&self.store) => "ref.struct".to_string(),
                None if r.is_array(&self.store) => "ref.array".to_string(),
                None => match ExternRef::convert_any(*r).data(&self.store).ok().and_then(|d| d.downcast_ref::<u32>()) {
                    Some(n) => format!("ref.host {n}"),
                    None => "ref.any".to_string(),
                },
            },
            other => format!("{other:?}"),
        }
    }
}

/// Encodes a (possibly quoted) module to binary, with errors that carry no
/// location (the directive's location is reported by the caller).
fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    module.encode().map_err(|e| e.message())
}

/// Whether an expected trap message matches the engine's: one must be a
/// prefix of the other (spec messages sometimes carry suffixes).
fn trap_message_matches(expected: &str, actual: &str) -> bool {
    expected.starts_with(actual) || actual.starts_with(expected)
}

/// An engine error on one line (traps without their backtrace).
fn show_error(error: &Error) -> String {
    match error {
        Error::Trap(trap) => format!("trap \"{}\"", trap.code().message()),
        other => other.to_string().replace('\n', " "),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Func,
    Extern,
    Any,
    Exn,
}

/// Which of Gannet's reference types a `ref.null` heap type denotes.
fn null_kind(heap: &WastHeapType<'_>) -> Option<RefKind> {
    use AbstractHeapType as A;
    match heap {
        WastHeapType::Abstract { shared: false, ty } => match ty {
            A::Func | A::NoFunc => Some(RefKind::Func),
            A::Extern | A::NoExtern => Some(RefKind::Extern),
            A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None => Some(RefKind::Any),
            A::Exn | A::NoExn => Some(RefKind::Exn),
            A::Cont | A::NoCont => None,
        },
        _ => None,
    }
}

const F32_QUIET: u32 = 0x0040_0000;
const F32_EXP: u32 = 0x7f80_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;
const F64_EXP: u64 = 0x7ff0_0000_0000_0000;

/// `nan:canonical`: only the quiet bit set in the payload, either sign.
/// `nan:arithmetic`: the quiet bit set, anything else in the payload.
/// Other values compare bit for bit.
fn f32_matches(want: &NanPattern<F32>, got: u32) -> bool {
    match want {
        NanPattern::CanonicalNan => got & 0x7fff_ffff == F32_EXP | F32_QUIET,
        NanPattern::ArithmeticNan => got & (F32_EXP | F32_QUIET) == F32_EXP | F32_QUIET,
        NanPattern::Value(v) => v.bits == got,
    }
}

/// Like [`f32_matches`], for f64.
fn f64_matches(want: &NanPattern<F64>, got: u64) -> bool {
    match want {
        NanPattern::CanonicalNan => got & 0x7fff_ffff_ffff_ffff == F64_EXP | F64_QUIET,
        NanPattern::ArithmeticNan => got & (F64_EXP | F64_QUIET) == F64_EXP | F64_QUIET,
        NanPattern::Value(v) => v.bits == got,
    }
}

/// Compares a v128 result lane by lane (lanes are little-endian).
fn v128_matches(want: &V128Pattern, got: u128) -> bool {
    let bytes = got.to_le_bytes();
    let lane = |i: usize, n: usize| -> u64 {
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&bytes[i * n..(i + 1) * n]);
        u64::from_le_bytes(buf)
    };
    match want {
        V128Pattern::I8x16(w) => w.iter().enumerate().all(|(i, w)| lane(i, 1) == u64::from(*w as u8)),
        V128Pattern::I16x8(w) => w.iter().enumerate().all(|(i, w)| lane(i, 2) == u64::from(*w as u16)),
        V128Pattern::I32x4(w) => w.iter().enumerate().all(|(i, w)| lane(i, 4) == u64::from(*w as u32)),
        V128Pattern::I64x2(w) => w.iter().enumerate().all(|(i, w)| lane(i, 8) == *w as u64),
        V128Pattern::F32x4(w) => w.iter().enumerate().all(|(i, w)| f32_matches(w, lane(i, 4) as u32)),
        V128Pattern::F64x2(w) => w.iter().enumerate().all(|(i, w)| f64_matches(w, lane(i, 8))),
    }
}

fn show_expected_list(expected: &[WastRet<'_>]) -> String {
    let parts: Vec<String> = expected
        .iter()
        .map(|r| match r {
            WastRet::Core(core) => show_expected(core),
            other => format!("{other:?}"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn show_nan_f32(p: &NanPattern<F32>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => format!("{} ({:#010x})", f32::from_bits(v.bits), v.bits),
    }
}

fn show_nan_f64(p: &NanPattern<F64>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => format!("{} ({:#018x})", f64::from_bits(v.bits), v.bits),
    }
}

fn show_expected(want: &WastRetCore<'_>) -> String {
    match want {
        WastRetCore::I32(v) => format!("i32.const {v} ({:#x})", *v as u32),
        WastRetCore::I64(v) => format!("i64.const {v} ({:#x})", *v as u64),
        WastRetCore::F32(p) => format!("f32.const {}", show_nan_f32(p)),
        WastRetCore::F64(p) => format!("f64.const {}", show_nan_f64(p)),
        WastRetCore::V128(p) => {
            let lanes: Vec<String> = match p {
                V128Pattern::I8x16(l) => l.iter().map(ToString::to_string).collect(),
                V128Pattern::I16x8(l) => l.iter().map(ToString::to_string).collect(),
                V128Pattern::I32x4(l) => l.iter().map(ToString::to_string).collect(),
                V128Pattern::I64x2(l) => l.iter().map(ToString::to_string).collect(),
                V128Pattern::F32x4(l) => l.iter().map(show_nan_f32).collect(),
                V128Pattern::F64x2(l) => l.iter().map(show_nan_f64).collect(),
            };
            format!("v128.const {}", lanes.join(" "))
        }
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match null_kind(heap) {
            Some(RefKind::Func) => "ref.null func".to_string(),
            Some(RefKind::Extern) => "ref.null extern".to_string(),
            Some(RefKind::Any) => "ref.null any".to_string(),
            Some(RefKind::Exn) => "ref.null exn".to_string(),
            None => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefHost(n) => format!("ref.host {n}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::Either(options) => {
            let parts: Vec<String> = options.iter().map(show_expected).collect();
            format!("(either {})", parts.join(" | "))
        }
        _ => "<reference>".to_string(),
    }
}

/// Defines the `spectest` host module the spec scripts import from.
fn define_spectest(store: &mut Store<()>, linker: &mut Linker<()>, verbose: bool) -> Result<(), Error> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        let func = Func::new(&mut *store, ty, move |_caller, args: &[Val], _results: &mut [Val]| {
            if verbose {
                let shown: Vec<String> = args.iter().map(show_print_arg).collect();
                println!("spectest.{name}: {}", shown.join(" "));
            }
            Ok(())
        });
        linker.define(&*store, "spectest", name, func)?;
    }

    let globals = [
        ("global_i32", I32, Val::I32(666)),
        ("global_i64", I64, Val::I64(666)),
        ("global_f32", F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let global = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), value)?;
        linker.define(&*store, "spectest", name, global)?;
    }

    let table = Table::new(&mut *store, TableType::new(ValType::FuncRef, 10, Some(20)), Val::FuncRef(None))?;
    linker.define(&*store, "spectest", "table", table)?;
    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, "spectest", "memory", memory)?;
    Ok(())
}

fn show_print_arg(value: &Val) -> String {
    match value {
        Val::I32(v) => format!("{v} : i32"),
        Val::I64(v) => format!("{v} : i64"),
        Val::F32(bits) => format!("{} : f32", f32::from_bits(*bits)),
        Val::F64(bits) => format!("{} : f64", f64::from_bits(*bits)),
        _ => "<reference>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32_value(bits: u32) -> NanPattern<F32> {
        NanPattern::Value(F32 { bits })
    }

    #[test]
    fn nan_patterns() {
        let canonical = NanPattern::<F32>::CanonicalNan;
        let arithmetic = NanPattern::<F32>::ArithmeticNan;
        assert!(f32_matches(&canonical, 0x7fc0_0000));
        assert!(f32_matches(&canonical, 0xffc0_0000));
        assert!(!f32_matches(&canonical, 0x7fc0_0001));
        assert!(!f32_matches(&canonical, 0x7f80_0001));
        assert!(f32_matches(&arithmetic, 0x7fc0_0001));
        assert!(f32_matches(&arithmetic, 0xffc0_0000));
        assert!(!f32_matches(&arithmetic, 0x7f80_0001));
        assert!(!f32_matches(&arithmetic, 0x7f80_0000));
        assert!(f32_matches(&f32_value(0x7f80_0001), 0x7f80_0001));
        assert!(!f32_matches(&f32_value(0x7f80_0001), 0xff80_0001));

        assert!(f64_matches(&NanPattern::CanonicalNan, 0xfff8_0000_0000_0000));
        assert!(!f64_matches(&NanPattern::CanonicalNan, 0x7ff8_0000_0000_0001));
        assert!(f64_matches(&NanPattern::ArithmeticNan, 0x7ff8_0000_0000_0001));
        assert!(!f64_matches(&NanPattern::ArithmeticNan, 0x7ff0_0000_0000_0001));
    }

    #[test]
    fn v128_lanes() {
        let value = u128::from_le_bytes([1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0xc0, 0x7f]);
        assert!(v128_matches(&V128Pattern::I32x4([1, 2, -1, 0x7fc0_0000]), value));
        assert!(!v128_matches(&V128Pattern::I32x4([1, 2, -1, 0]), value));
        assert!(v128_matches(&V128Pattern::I16x8([1, 0, 2, 0, -1, -1, 0, 0x7fc0]), value));
        let lanes = [f32_value(1), f32_value(2), NanPattern::ArithmeticNan, NanPattern::CanonicalNan];
        assert!(v128_matches(&V128Pattern::F32x4(lanes), value));
    }

    #[test]
    fn trap_messages() {
        assert!(trap_message_matches("uninitialized element 7", "uninitialized element"));
        assert!(trap_message_matches("undefined", "undefined element"));
        assert!(!trap_message_matches("integer overflow", "integer divide by zero"));
    }

    #[test]
    fn counts_directives() {
        let script = "(module (func (export \"f\")))\n(invoke \"f\")\n(assert_return (invoke \"f\"))";
        assert_eq!(count_directives(script), Ok(3));
        assert!(count_directives("(assert_return").is_err());
    }
}
