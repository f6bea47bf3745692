//! Decoding and validating modules (with `wasmparser`), and the compiled form of their
//! functions, made lazily on first call.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use wasmparser::{
    Chunk, CompositeInnerType, ConstExpr as WasmConstExpr, DataKind, ElementItems, ElementKind, ExternalKind,
    FuncToValidate, FunctionBody, Operator, Parser, Payload, TypeRef, Validator, ValidatorResources,
};

use crate::engine::{CompilationMode, Engine};
use crate::error::{Error, Result};
use crate::registry::{Composite, FieldType, REC_MARK, StorageType, SubType};
use crate::translate;
use crate::types::{
    CompositeKind, ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, TagType, TypeIndex, ValType,
};

/// One step of a constant expression (global initialisers, segment offsets, element items).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    /// GC: `ref.i31`, allocations (engine type indices, resolved at instantiation from
    /// the module's type indices given here) and the no-op conversions.
    RefI31,
    StructNew(u32),
    StructNewDefault(u32),
    ArrayNew(u32),
    ArrayNewDefault(u32),
    ArrayNewFixed(u32, u32),
    Convert,
}

/// A validated constant expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConstExpr(pub(crate) Vec<ConstOp>);

impl ConstExpr {
    fn parse(expr: &WasmConstExpr<'_>) -> Result<Self> {
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            let op = reader.read().map_err(Error::compile)?;
            ops.push(match op {
                Operator::I32Const { value } => ConstOp::I32(value),
                Operator::I64Const { value } => ConstOp::I64(value),
                Operator::F32Const { value } => ConstOp::F32(value.bits()),
                Operator::F64Const { value } => ConstOp::F64(value.bits()),
                Operator::V128Const { value } => ConstOp::V128(value.i128() as u128),
                Operator::RefNull { .. } => ConstOp::RefNull,
                Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                Operator::I32Add => ConstOp::I32Add,
                Operator::I32Sub => ConstOp::I32Sub,
                Operator::I32Mul => ConstOp::I32Mul,
                Operator::I64Add => ConstOp::I64Add,
                Operator::I64Sub => ConstOp::I64Sub,
                Operator::I64Mul => ConstOp::I64Mul,
                Operator::RefI31 => ConstOp::RefI31,
                Operator::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
                Operator::StructNewDefault { struct_type_index } => ConstOp::StructNewDefault(struct_type_index),
                Operator::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
                Operator::ArrayNewDefault { array_type_index } => ConstOp::ArrayNewDefault(array_type_index),
                Operator::ArrayNewFixed { array_type_index, array_size } => {
                    ConstOp::ArrayNewFixed(array_type_index, array_size)
                }
                Operator::AnyConvertExtern | Operator::ExternConvertAny => ConstOp::Convert,
                Operator::End => continue,
                other => {
                    return Err(Error::Compile {
                        message: format!("unsupported constant expression operator {other:?}"),
                        offset: None,
                    });
                }
            });
        }
        Ok(ConstExpr(ops))
    }
}

/// Where an import or export points in its module's index spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntityIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

#[derive(Clone, Debug)]
pub(crate) struct Import {
    pub(crate) module: String,
    pub(crate) name: String,
    pub(crate) ty: ExternType,
}

#[derive(Clone, Debug)]
pub(crate) enum ElemMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Clone, Debug)]
pub(crate) struct ElemSegment {
    pub(crate) mode: ElemMode,
    pub(crate) items: Vec<ConstExpr>,
}

#[derive(Clone, Debug)]
pub(crate) enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Clone, Debug)]
pub(crate) struct DataSegment {
    pub(crate) mode: DataMode,
    /// The segment's bytes within the module's binary.
    pub(crate) range: Range<usize>,
}

/// A function translated to Gannet's IR.
pub(crate) struct CompiledFunc {
    /// Encoded instructions (handler address, operands), 8-byte aligned.
    pub(crate) code: Box<[u64]>,
    /// Where the collector finds GC references in a frame of this function (empty if
    /// the module's frames cannot hold any).
    pub(crate) stack_maps: StackMaps,
    /// The `try_table` catch clauses, innermost `try_table` first and in clause order
    /// within one: the first that covers a throwing position and matches catches.
    pub(crate) handlers: Box<[CatchHandler]>,
    /// Slots the frame needs: parameters, locals and the deepest operand stack.
    pub(crate) frame_size: usize,
    pub(crate) num_params: usize,
    /// Declared locals (after the parameters), zeroed on entry.
    pub(crate) num_locals: usize,
}

/// The frame slots that hold GC references (of the `any` or `extern` hierarchy, which may
/// be heap objects) where the code may collect garbage: at each allocation and after
/// each call. Typed locals hold such references throughout; operand stack slots only
/// at some instructions.
#[derive(Default, Debug)]
pub(crate) struct StackMaps {
    /// Local slots (parameters included) of a traced type.
    pub(crate) locals: Box<[u16]>,
    /// By code position (the end of the allocating or calling instruction, ascending):
    /// the range of `slots` listing the operand stack slots that hold references there.
    pub(crate) points: Box<[(u32, u32, u32)]>,
    pub(crate) slots: Box<[u16]>,
}

impl StackMaps {
    /// The operand stack slots holding references where the instruction ending at code
    /// position `end` was suspended or allocates (none if no map was recorded there).
    pub(crate) fn at(&self, end: u32) -> &[u16] {
        match self.points.binary_search_by_key(&end, |&(at, _, _)| at) {
            Ok(found) => {
                let (_, start, len) = self.points[found];
                &self.slots[start as usize..(start + len) as usize]
            }
            Err(_) => &[],
        }
    }
}

/// Can a function of this module ever hold a reference to a GC object? Only if a
/// reference that may be one (`any` or `extern` hierarchy) can reach it: through a
/// signature, a struct or array type, a global or a table.
fn frames_may_hold_gc_references(module: &ModuleInner) -> bool {
    let traced = |ty: ValType| crate::runtime::gc::is_traced(StorageType::Val(ty));
    let registry = module.engine.types();
    module.type_ids.iter().any(|&id| match registry.composite(id) {
        Composite::Func(ty) => ty.params().iter().chain(ty.results()).any(|&t| traced(t)),
        _ => true,
    }) || module.globals.iter().any(|g| traced(g.content()))
        || module.tables.iter().any(|t| traced(t.element()))
}

/// Does this operator make `exnref`s (a `try_table` with a `catch_ref` or
/// `catch_all_ref` clause, whose block type need not be in the type section)?
pub(crate) fn makes_exnrefs(op: &Operator<'_>) -> bool {
    use wasmparser::Catch;
    matches!(op, Operator::TryTable { try_table }
        if try_table.catches.iter().any(|c| matches!(c, Catch::OneRef { .. } | Catch::AllRef { .. })))
}

/// For eager validation, which leaves no validator for translation: must translating
/// `body` have one, to record stack maps although the module's types do not ask for
/// them? Only if the body may make or hold `exnref`s.
fn body_may_hold_exnrefs(module: &ModuleInner, body: &FunctionBody<'_>) -> bool {
    if !module.engine.config().features.contains(wasmparser::WasmFeatures::EXCEPTIONS) {
        return false;
    }
    let Ok(mut locals) = body.get_locals_reader() else { return false };
    for _ in 0..locals.get_count() {
        match locals.read() {
            Ok((_, wasmparser::ValType::Ref(r))) if !r.is_func_ref() => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    let Ok(mut operators) = body.get_operators_reader() else { return false };
    while !operators.eof() {
        match operators.read() {
            Ok(op) if makes_exnrefs(&op) => return true,
            Ok(_) => {}
            // Validation reports it.
            Err(_) => return false,
        }
    }
    false
}

/// A catch clause of a `try_table`, as the unwinder looks it up.
#[derive(Clone, Debug)]
pub(crate) struct CatchHandler {
    /// The code positions (byte offsets) the `try_table` body covers: `start..end`.
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// The module's index of the tag it catches; `None` catches every exception.
    pub(crate) tag: Option<u32>,
    /// Whether it also delivers the exception as an `exnref` (after the payload).
    pub(crate) with_ref: bool,
    /// Where the code that moves the caught values to the clause's label starts.
    pub(crate) pad: u32,
    /// The frame slot where the payload (then the `exnref`) goes.
    pub(crate) base: u16,
}

/// A copy of a module's bytes, kept for lazy translation and data segments.
fn copy_module_bytes(bytes: &[u8]) -> Box<[u8]> {
    let mut copy = Vec::with_capacity(bytes.len());
    crate::runtime::memory::prefer_huge_pages(&mut copy);
    copy.extend_from_slice(bytes);
    copy.into_boxed_slice()
}

/// The largest function body accepted, in bytes: the limit the validator (and other
/// engines) apply.
const MAX_FUNCTION_SIZE: usize = 7_654_321;

/// A function body defined by the module: where it is, and its translation once made.
/// Kept small (a module may define hundreds of thousands of functions, and creating the
/// module makes one of these for each): the compiled form is boxed, and what validation
/// and failed translations need lives in the module. What a call needs is copied out of
/// the compiled form into the record itself, so that a call reads one record.
pub(crate) struct FuncBody {
    /// The first instruction of the translated code; null until translated. Stored last
    /// (release) once the fields below are set, so a reader that sees it (acquire)
    /// sees them too.
    code: AtomicPtr<u64>,
    frame_size: AtomicU32,
    num_params: AtomicU32,
    num_locals: AtomicU32,
    /// The body's bytes in the module: `start..start + len`.
    start: u32,
    len: u32,
    pub(crate) compiled: OnceLock<Box<CompiledFunc>>,
}

/// What entering a translated function needs (see `CompiledFunc`).
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) code: *const u64,
    pub(crate) frame_size: usize,
    pub(crate) num_params: usize,
    pub(crate) num_locals: usize,
}

impl FuncBody {
    fn new(start: u32, len: u32) -> FuncBody {
        FuncBody {
            code: AtomicPtr::new(std::ptr::null_mut()),
            frame_size: AtomicU32::new(0),
            num_params: AtomicU32::new(0),
            num_locals: AtomicU32::new(0),
            start,
            len,
            compiled: OnceLock::new(),
        }
    }

    /// How to enter the function, once translated.
    #[inline(always)]
    pub(crate) fn entry(&self) -> Option<Entry> {
        let code = self.code.load(Ordering::Acquire);
        if code.is_null() {
            return None;
        }
        Some(Entry {
            code,
            frame_size: self.frame_size.load(Ordering::Relaxed) as usize,
            num_params: self.num_params.load(Ordering::Relaxed) as usize,
            num_locals: self.num_locals.load(Ordering::Relaxed) as usize,
        })
    }

    fn publish(&self, compiled: &CompiledFunc) {
        // Frames are at most a validated function's locals plus its operand stack, both
        // far below 2^32 slots.
        self.frame_size.store(compiled.frame_size as u32, Ordering::Relaxed);
        self.num_params.store(compiled.num_params as u32, Ordering::Relaxed);
        self.num_locals.store(compiled.num_locals as u32, Ordering::Relaxed);
        self.code.store(compiled.code.as_ptr().cast_mut(), Ordering::Release);
    }
}

/// How the bodies of a module still get validated.
pub(crate) struct BodyValidation {
    /// The validator's view of the module, shared by every body's validator; `None`
    /// when the module defines no functions.
    resources: Option<ValidatorResources>,
    features: wasmparser::WasmFeatures,
    /// Whether translation validates each body (lazy mode: nothing validated them when
    /// the module was created).
    lazy: bool,
}

pub(crate) struct ModuleInner {
    pub(crate) engine: Engine,
    pub(crate) bytes: Box<[u8]>,
    /// The signature of each function type (see `register_rec_group` for the others).
    pub(crate) types: Vec<FuncType>,
    /// Engine-wide indices of the module's types, for signature checks.
    pub(crate) type_ids: Vec<u32>,
    pub(crate) imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub(crate) funcs: Vec<u32>,
    pub(crate) num_imported_funcs: usize,
    pub(crate) tables: Vec<TableType>,
    pub(crate) num_imported_tables: usize,
    /// Initial element expressions of the tables the module defines (`None`: null).
    pub(crate) table_inits: Vec<Option<ConstExpr>>,
    pub(crate) memories: Vec<MemoryType>,
    pub(crate) num_imported_memories: usize,
    pub(crate) globals: Vec<GlobalType>,
    pub(crate) num_imported_globals: usize,
    /// Type index of every tag, imported ones first.
    pub(crate) tags: Vec<u32>,
    pub(crate) num_imported_tags: usize,
    /// Initialisers of the globals the module defines.
    pub(crate) global_inits: Vec<ConstExpr>,
    pub(crate) exports: Vec<(String, EntityIndex)>,
    pub(crate) start: Option<u32>,
    pub(crate) elems: Vec<ElemSegment>,
    pub(crate) datas: Vec<DataSegment>,
    pub(crate) bodies: Vec<FuncBody>,
    pub(crate) body_validation: BodyValidation,
    /// Serialises translation, so that each body is translated (and validated) once.
    translating: Mutex<()>,
    /// Why translating a body failed, by module-wide function index: a body that failed
    /// once is never translated again (nor run unvalidated).
    failures: Mutex<HashMap<u32, (String, Option<usize>)>>,
    /// Whether translation records stack maps (see `frames_may_hold_gc_references`);
    /// decided at the first function body.
    pub(crate) stack_maps: Option<bool>,
    /// Where the name sections are (normally one), and what they say once asked.
    name_sections: Vec<Range<usize>>,
    names: OnceLock<Names>,
}

impl ModuleInner {
    pub(crate) fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.funcs[func as usize] as usize]
    }

    /// The names from the name sections, read on first use: a module may name hundreds
    /// of thousands of functions, and only tools and error messages ask.
    pub(crate) fn names(&self) -> &Names {
        self.names.get_or_init(|| {
            let mut names = Names::default();
            for range in &self.name_sections {
                let reader = wasmparser::BinaryReader::new(&self.bytes[range.clone()], range.start as u64);
                // A malformed name section is ignored from where it goes wrong, as the
                // specification allows.
                let _ = read_names(wasmparser::NameSectionReader::new(reader), &mut names);
            }
            names
        })
    }

    pub(crate) fn tag_type(&self, tag: u32) -> TagType {
        TagType::from_func_type(self.types[self.tags[tag as usize] as usize].clone())
    }

    /// The compiled form of the defined function `func` (module-wide index), translating
    /// (and, if still needed, validating) it first.
    pub(crate) fn compiled(&self, func: u32) -> Result<&CompiledFunc> {
        let body = &self.bodies[func as usize - self.num_imported_funcs];
        if let Some(compiled) = body.compiled.get() {
            return Ok(compiled);
        }
        // A body validated when the module was created needs a validator again only for
        // the operand types that stack maps record.
        let needs_validator = self.body_validation.lazy
            || self.stack_maps == Some(true)
            || body_may_hold_exnrefs(self, &self.function_body(func));
        self.translate(func, needs_validator.then(|| self.func_to_validate(func)))
    }

    /// The validator of defined function `func`.
    fn func_to_validate(&self, func: u32) -> FuncToValidate<ValidatorResources> {
        FuncToValidate {
            resources: self.body_validation.resources.clone().expect("the module defines functions"),
            index: func,
            ty: self.funcs[func as usize],
            features: self.body_validation.features,
        }
    }

    /// Translates defined function `func` (validating it too if `validation` is given)
    /// unless that was done (or failed) already.
    fn translate(&self, func: u32, validation: Option<FuncToValidate<ValidatorResources>>) -> Result<&CompiledFunc> {
        let body = &self.bodies[func as usize - self.num_imported_funcs];
        let _translating = self.translating.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(compiled) = body.compiled.get() {
            return Ok(compiled);
        }
        let mut failures = self.failures.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some((message, offset)) = failures.get(&func) {
            return Err(Error::Compile { message: message.clone(), offset: *offset });
        }
        let compiled = match translate::translate(self, func, validation) {
            Ok(compiled) => compiled,
            Err(Error::Compile { message, offset }) => {
                let name = self.names().funcs.get(&func).map(|name| format!(" ${name}")).unwrap_or_default();
                let message = format!("function {func}{name}: {message}");
                failures.insert(func, (message.clone(), offset));
                return Err(Error::Compile { message, offset });
            }
            Err(error) => return Err(error),
        };
        drop(failures);
        let compiled = body.compiled.get_or_init(|| Box::new(compiled));
        body.publish(compiled);
        Ok(compiled)
    }

    pub(crate) fn function_body(&self, func: u32) -> FunctionBody<'_> {
        let body = &self.bodies[func as usize - self.num_imported_funcs];
        let start = body.start as usize;
        FunctionBody::new(wasmparser::BinaryReader::new(&self.bytes[start..start + body.len as usize], start as u64))
    }
}

/// A validated WebAssembly module, ready to be instantiated. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("name", &self.inner.names().module).finish_non_exhaustive()
    }
}

fn table_type(module: &ModuleInner, ty: &wasmparser::TableType) -> Result<TableType> {
    let element = val_type(module, wasmparser::ValType::Ref(ty.element_type))?;
    Ok(TableType::new64(element, ty.initial, ty.maximum).with_index64(ty.table64))
}

fn memory_type(ty: &wasmparser::MemoryType) -> MemoryType {
    let page_size_log2 = ty.page_size_log2.map_or(MemoryType::DEFAULT_PAGE_SIZE_LOG2, |log2| log2 as u8);
    MemoryType::new64(ty.initial, ty.maximum).with_address64(ty.memory64).with_page_size_log2(page_size_log2)
}

/// A value type of the module, its concrete heap types mapped to engine indices.
fn val_type(module: &ModuleInner, ty: wasmparser::ValType) -> Result<ValType> {
    let registry = module.engine.types();
    let type_index = |index: u32| {
        let index = module.type_ids[index as usize];
        TypeIndex { index, kind: registry.kind(index) }
    };
    ValType::from_wasmparser(ty, &type_index)
        .ok_or_else(|| Error::Compile { message: format!("unsupported value type {ty}"), offset: None })
}

/// Registers the recursion group `group`, which follows the types `module` has so far,
/// with the engine, and records its types (see `registry` for the canonical form).
fn register_rec_group(engine: &Engine, group: &wasmparser::RecGroup, module: &mut ModuleInner) -> Result<()> {
    let start = module.type_ids.len() as u32;
    let end = start + group.types().len() as u32;
    let kinds: Vec<CompositeKind> = group
        .types()
        .map(|sub| match sub.composite_type.inner {
            CompositeInnerType::Struct(_) => CompositeKind::Struct,
            CompositeInnerType::Array(_) => CompositeKind::Array,
            _ => CompositeKind::Func,
        })
        .collect();
    let mut registry = engine.types();
    let type_ids = &module.type_ids;
    let index = |i: u32| {
        if (start..end).contains(&i) {
            TypeIndex { index: REC_MARK | (i - start), kind: kinds[(i - start) as usize] }
        } else {
            let index = type_ids[i as usize];
            TypeIndex { index, kind: registry.kind(index) }
        }
    };
    let unsupported = |what: &str| Error::Compile { message: format!("unsupported type: {what}"), offset: None };
    let val =
        |ty: wasmparser::ValType| ValType::from_wasmparser(ty, &index).ok_or_else(|| unsupported("shared reference"));
    let field = |f: &wasmparser::FieldType| -> Result<FieldType> {
        let storage = match f.element_type {
            wasmparser::StorageType::I8 => StorageType::I8,
            wasmparser::StorageType::I16 => StorageType::I16,
            wasmparser::StorageType::Val(ty) => StorageType::Val(val(ty)?),
        };
        Ok(FieldType { storage, mutable: f.mutable })
    };
    let mut members = Vec::with_capacity(group.types().len());
    for sub in group.types() {
        let ty = &sub.composite_type;
        if ty.shared || ty.descriptor_idx.is_some() || ty.describes_idx.is_some() {
            return Err(unsupported("shared or described type"));
        }
        let composite = match &ty.inner {
            CompositeInnerType::Func(f) => {
                let params = f.params().iter().map(|&t| val(t)).collect::<Result<Vec<_>>>()?;
                let results = f.results().iter().map(|&t| val(t)).collect::<Result<Vec<_>>>()?;
                Composite::Func(FuncType::new(params, results))
            }
            CompositeInnerType::Struct(st) => Composite::Struct(st.fields.iter().map(field).collect::<Result<_>>()?),
            CompositeInnerType::Array(at) => Composite::Array(field(&at.0)?),
            CompositeInnerType::Cont(_) => return Err(unsupported("continuation")),
        };
        let supertype = match sub.supertype_idxs.first() {
            Some(packed) => Some(index(packed.as_module_index().ok_or_else(|| unsupported("supertype"))?).index),
            None => None,
        };
        members.push(SubType { is_final: sub.is_final, supertype, composite });
    }
    let first = registry.register_group(members);
    for (k, kind) in kinds.into_iter().enumerate() {
        let index = first + k as u32;
        module.type_ids.push(index);
        // Validation only lets function types be used as such; struct and array types
        // get an empty signature in this list, which nothing reads.
        let signature = match kind {
            CompositeKind::Func => registry.func_type(index).expect("a function type").clone(),
            _ => FuncType::new([], []),
        };
        module.types.push(signature);
    }
    Ok(())
}

fn global_type(module: &ModuleInner, ty: &wasmparser::GlobalType) -> Result<GlobalType> {
    let content = val_type(module, ty.content_type)?;
    Ok(GlobalType::new(content, if ty.mutable { Mutability::Var } else { Mutability::Const }))
}

impl Module {
    /// Compiles a module from its binary encoding or, if `bytes` is WebAssembly text, from
    /// `.wat`.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, bytes);
        }
        let binary =
            wat::parse_bytes(bytes).map_err(|error| Error::Compile { message: error.to_string(), offset: None })?;
        Module::from_binary(engine, &binary)
    }

    /// Checks that `bytes` is a valid module for `engine`'s features, without keeping it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        let mut validator = Validator::new_with_features(engine.config().features);
        validator.validate_all(bytes).map_err(Error::compile)?;
        Ok(())
    }

    /// Compiles a module from its binary encoding.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let mode = engine.config().compilation_mode;
        let mut validator = Validator::new_with_features(engine.config().features);
        let mut module = ModuleInner {
            engine: engine.clone(),
            bytes: copy_module_bytes(bytes),
            types: Vec::new(),
            type_ids: Vec::new(),
            imports: Vec::new(),
            funcs: Vec::new(),
            num_imported_funcs: 0,
            tables: Vec::new(),
            num_imported_tables: 0,
            table_inits: Vec::new(),
            memories: Vec::new(),
            num_imported_memories: 0,
            globals: Vec::new(),
            num_imported_globals: 0,
            tags: Vec::new(),
            num_imported_tags: 0,
            global_inits: Vec::new(),
            exports: Vec::new(),
            start: None,
            elems: Vec::new(),
            datas: Vec::new(),
            bodies: Vec::new(),
            body_validation: BodyValidation {
                resources: None,
                features: engine.config().features,
                lazy: mode == CompilationMode::Lazy,
            },
            translating: Mutex::new(()),
            failures: Mutex::new(HashMap::new()),
            stack_maps: None,
            name_sections: Vec::new(),
            names: OnceLock::new(),
        };
        let mut data_ranges = Vec::new();
        if u32::try_from(bytes.len()).is_err() {
            return Err(Error::Compile { message: "module too large (over 4 GiB)".into(), offset: None });
        }
        let mut parser = Parser::new(0);
        let mut offset = 0;
        loop {
            let payload = match parser.parse(&bytes[offset..], true).map_err(Error::compile)? {
                Chunk::Parsed { consumed, payload } => {
                    offset += consumed;
                    payload
                }
                Chunk::NeedMoreData(_) => unreachable!("the parser has the whole module"),
            };
            validator.payload(&payload).map_err(Error::compile)?;
            if let Payload::CodeSectionStart { count, size, .. } = payload {
                // The bodies are read here rather than one payload each: a module may
                // have hundreds of thousands, and in lazy mode nothing else is done
                // with them until they are called. `offset` is past the count.
                let section = offset..offset + size as usize;
                let code = bytes.get(section.clone()).ok_or_else(|| Error::Compile {
                    message: "unexpected end: the code section runs past the end of the module".into(),
                    offset: Some(offset),
                })?;
                module.bodies.reserve_exact(count as usize);
                crate::runtime::memory::prefer_huge_pages(&mut module.bodies);
                let mut reader = wasmparser::BinaryReader::new(code, section.start as u64);
                for _ in 0..count {
                    let len = reader.read_var_u32().map_err(Error::compile)? as usize;
                    let start = reader.original_position() as usize;
                    let body_bytes = reader.read_bytes(len).map_err(Error::compile)?;
                    let body = FunctionBody::new(wasmparser::BinaryReader::new(body_bytes, start as u64));
                    if module.stack_maps.is_none() || mode != CompilationMode::Lazy {
                        let to_validate = validator.code_section_entry(&body).map_err(Error::compile)?;
                        if module.stack_maps.is_none() {
                            module.stack_maps = Some(frames_may_hold_gc_references(&module));
                            module.body_validation.resources = Some(to_validate.resources.clone());
                        }
                        if mode != CompilationMode::Lazy {
                            let mut func_validator = to_validate.into_validator(Default::default());
                            func_validator.validate(&body).map_err(Error::compile)?;
                        }
                    } else if len > MAX_FUNCTION_SIZE {
                        // What the validator's `code_section_entry` checks, which lazy mode
                        // calls for the first body only: each call clones and drops an
                        // `Arc`, a cost per function that start-up measurably paid.
                        return Err(Error::Compile {
                            message: format!("function body size of {len} exceeds the limit of {MAX_FUNCTION_SIZE}"),
                            offset: Some(start),
                        });
                    }
                    // Within the module, which is under 4 GiB.
                    module.bodies.push(FuncBody::new(start as u32, len as u32));
                }
                if !reader.eof() {
                    return Err(Error::Compile {
                        message: "section size mismatch: unexpected data at the end of the code section".into(),
                        offset: Some(reader.original_position() as usize),
                    });
                }
                parser.skip_section();
                offset += size as usize;
                continue;
            }
            if let Payload::End(_) = payload {
                break;
            }
            match payload {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        let group = group.map_err(Error::compile)?;
                        register_rec_group(engine, &group, &mut module)?;
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import.map_err(Error::compile)?;
                        let ty = match import.ty {
                            TypeRef::Func(index) | TypeRef::FuncExact(index) => {
                                module.funcs.push(index);
                                module.num_imported_funcs += 1;
                                ExternType::Func(module.types[index as usize].clone())
                            }
                            TypeRef::Table(ty) => {
                                let ty = table_type(&module, &ty)?;
                                module.tables.push(ty);
                                module.num_imported_tables += 1;
                                ExternType::Table(ty)
                            }
                            TypeRef::Memory(ty) => {
                                let ty = memory_type(&ty);
                                module.memories.push(ty);
                                module.num_imported_memories += 1;
                                ExternType::Memory(ty)
                            }
                            TypeRef::Global(ty) => {
                                let ty = global_type(&module, &ty)?;
                                module.globals.push(ty);
                                module.num_imported_globals += 1;
                                ExternType::Global(ty)
                            }
                            TypeRef::Tag(tag) => {
                                module.tags.push(tag.func_type_idx);
                                module.num_imported_tags += 1;
                                ExternType::Tag(module.tag_type(module.tags.len() as u32 - 1))
                            }
                        };
                        module.imports.push(Import {
                            module: import.module.to_string(),
                            name: import.name.to_string(),
                            ty,
                        });
                    }
                }
                Payload::FunctionSection(reader) => {
                    for type_index in reader {
                        module.funcs.push(type_index.map_err(Error::compile)?);
                    }
                }
                Payload::TableSection(reader) => {
                    if !engine.config().features.contains(wasmparser::WasmFeatures::MEMORY64) {
                        check_limit_encodings(&bytes[usize_range(reader.range())], 1)?;
                    }
                    for table in reader {
                        let table = table.map_err(Error::compile)?;
                        let init = match table.init {
                            wasmparser::TableInit::RefNull => None,
                            wasmparser::TableInit::Expr(expr) => Some(ConstExpr::parse(&expr)?),
                        };
                        module.tables.push(table_type(&module, &table.ty)?);
                        module.table_inits.push(init);
                    }
                }
                Payload::MemorySection(reader) => {
                    if !engine.config().features.contains(wasmparser::WasmFeatures::MEMORY64) {
                        check_limit_encodings(&bytes[usize_range(reader.range())], 0)?;
                    }
                    for memory in reader {
                        module.memories.push(memory_type(&memory.map_err(Error::compile)?));
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        let global = global.map_err(Error::compile)?;
                        module.globals.push(global_type(&module, &global.ty)?);
                        module.global_inits.push(ConstExpr::parse(&global.init_expr)?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(Error::compile)?;
                        let index = match export.kind {
                            ExternalKind::Func | ExternalKind::FuncExact => EntityIndex::Func(export.index),
                            ExternalKind::Table => EntityIndex::Table(export.index),
                            ExternalKind::Memory => EntityIndex::Memory(export.index),
                            ExternalKind::Global => EntityIndex::Global(export.index),
                            ExternalKind::Tag => EntityIndex::Tag(export.index),
                        };
                        module.exports.push((export.name.to_string(), index));
                    }
                }
                Payload::TagSection(reader) => {
                    for tag in reader {
                        module.tags.push(tag.map_err(Error::compile)?.func_type_idx);
                    }
                }
                Payload::StartSection { func, .. } => module.start = Some(func),
                Payload::ElementSection(reader) => {
                    for element in reader {
                        let element = element.map_err(Error::compile)?;
                        let mode = match element.kind {
                            ElementKind::Passive => ElemMode::Passive,
                            ElementKind::Declared => ElemMode::Declared,
                            ElementKind::Active { table_index, offset_expr } => ElemMode::Active {
                                table: table_index.unwrap_or(0),
                                offset: ConstExpr::parse(&offset_expr)?,
                            },
                        };
                        let mut items = Vec::new();
                        match element.items {
                            ElementItems::Functions(reader) => {
                                for func in reader {
                                    items.push(ConstExpr(vec![ConstOp::RefFunc(func.map_err(Error::compile)?)]));
                                }
                            }
                            ElementItems::Expressions(_, reader) => {
                                for expr in reader {
                                    items.push(ConstExpr::parse(&expr.map_err(Error::compile)?)?);
                                }
                            }
                        }
                        module.elems.push(ElemSegment { mode, items });
                    }
                }
                Payload::DataSection(reader) => {
                    for data in reader {
                        let data = data.map_err(Error::compile)?;
                        let end = data.range.end as usize;
                        data_ranges.push(end - data.data.len()..end);
                        let mode = match data.kind {
                            DataKind::Passive => DataMode::Passive,
                            DataKind::Active { memory_index, offset_expr } => {
                                DataMode::Active { memory: memory_index, offset: ConstExpr::parse(&offset_expr)? }
                            }
                        };
                        module.datas.push(DataSegment { mode, range: 0..0 });
                    }
                }
                Payload::CustomSection(reader) if reader.name() == "name" => {
                    let start = reader.data_offset() as usize;
                    module.name_sections.push(start..start + reader.data().len());
                }
                _ => {}
            }
        }
        for (segment, range) in module.datas.iter_mut().zip(data_ranges) {
            segment.range = range;
        }
        let module = Module { inner: Arc::new(module) };
        if mode == CompilationMode::Eager {
            let inner = &module.inner;
            for index in 0..inner.bodies.len() {
                inner.compiled((index + inner.num_imported_funcs) as u32)?;
            }
        }
        Ok(module)
    }

    /// The engine this module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from its name section, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.names().module.as_deref()
    }

    /// The module's imports: module name, field name and type.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, &ExternType)> {
        self.inner.imports.iter().map(|import| (import.module.as_str(), import.name.as_str(), &import.ty))
    }

    /// The module's exports: name and type.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> {
        let inner = &self.inner;
        inner.exports.iter().map(move |(name, index)| {
            let ty = match *index {
                EntityIndex::Func(i) => ExternType::Func(inner.func_type(i).clone()),
                EntityIndex::Table(i) => ExternType::Table(inner.tables[i as usize]),
                EntityIndex::Memory(i) => ExternType::Memory(inner.memories[i as usize]),
                EntityIndex::Global(i) => ExternType::Global(inner.globals[i as usize]),
                EntityIndex::Tag(i) => ExternType::Tag(inner.tag_type(i)),
            };
            (name.as_str(), ty)
        })
    }

    /// Finds a function by export name, name-section name or index, for tools.
    pub fn find_function(&self, name_or_index: &str) -> Option<u32> {
        let inner = &self.inner;
        let exported = inner.exports.iter().find_map(|(name, index)| match index {
            EntityIndex::Func(i) if name == name_or_index => Some(*i),
            _ => None,
        });
        exported
            .or_else(|| inner.names().funcs.iter().find(|(_, name)| *name == name_or_index).map(|(&i, _)| i))
            .or_else(|| name_or_index.parse().ok().filter(|&i: &u32| (i as usize) < inner.funcs.len()))
    }

    /// The number of functions (imported and defined).
    pub fn num_functions(&self) -> u32 {
        self.inner.funcs.len() as u32
    }

    /// The name of function `index` from the name section, if any.
    pub fn function_name(&self, index: u32) -> Option<&str> {
        self.inner.names().funcs.get(&index).map(String::as_str)
    }

    /// Translates function `index` (validating it if needed) and returns its register IR
    /// as text, one instruction a line. Imported functions have no body: `None`.
    pub fn disassemble(&self, index: u32) -> Option<Result<String>> {
        let inner = &self.inner;
        if (index as usize) < inner.num_imported_funcs || index as usize >= inner.funcs.len() {
            return None;
        }
        // Translating validates the body first, if that is still to be done.
        if let Err(error) = inner.compiled(index) {
            return Some(Err(error));
        }
        Some(translate::translate_listed(inner, index).map(|(compiled, listing)| {
            let mut text = format!(
                "frame: {} slots ({} for params, {} for locals)\n",
                compiled.frame_size, compiled.num_params, compiled.num_locals
            );
            text.push_str(&crate::ir::disassemble(&compiled.code, &listing));
            text
        }))
    }
}

/// `wasmparser` reads limits as 64-bit numbers even where only 32-bit ones are allowed, so
/// it accepts an overlong LEB128 encoding of a 32-bit limit; the binary format does not.
/// Checks every limit of a memory (`prefix` 0) or table (`prefix` 1: the element type
/// byte) section of a module without 64-bit memories.
fn usize_range(range: Range<u64>) -> Range<usize> {
    range.start as usize..range.end as usize
}

fn check_limit_encodings(section: &[u8], prefix: usize) -> Result<()> {
    fn leb_len(bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|b| b & 0x80 == 0).map(|last| last + 1)
    }
    let malformed = || Error::Compile { message: "integer representation too long".into(), offset: None };
    let mut at = leb_len(section).unwrap_or(section.len());
    let count = section.first().copied().unwrap_or(0);
    if count & 0x80 != 0 {
        return Ok(()); // many entries: the validator has checked them already
    }
    for _ in 0..count {
        let Some(&flags) = section.get(at + prefix) else { return Ok(()) };
        if prefix == 1 && !matches!(section[at], 0x70 | 0x6f) || flags & !1 != 0 {
            return Ok(()); // a form this check does not cover
        }
        at += prefix + 1;
        for _ in 0..1 + (flags & 1) {
            let len = leb_len(&section[at.min(section.len())..]).unwrap_or(0);
            if len > 5 {
                return Err(malformed());
            }
            at += len;
        }
    }
    Ok(())
}

/// What a module's name sections say about the module and its functions.
#[derive(Default)]
pub(crate) struct Names {
    pub(crate) module: Option<String>,
    pub(crate) funcs: HashMap<u32, String>,
}

fn read_names(names: wasmparser::NameSectionReader<'_>, into: &mut Names) -> wasmparser::Result<()> {
    for name in names {
        match name? {
            wasmparser::Name::Module { name, .. } => into.module = Some(name.to_string()),
            wasmparser::Name::Function(map) => {
                for naming in map {
                    let naming = naming?;
                    into.funcs.insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(())
}
