//! Instantiation: resolving imports, creating a module's objects, initialising tables
//! and memories from segments, running the start function.

use crate::error::{Error, Result, Trap, TrapCode};
use crate::exec::address;
use crate::module::{ConstExpr, ConstOp, DataMode, ElemMode, EntityIndex, Module, ModuleInner};
use crate::runtime::gc;
use crate::runtime::limits::StoreLimits;
use crate::runtime::objects::{Extern, Func, Global, Memory, Table, Tag};
use crate::runtime::store::{AsContext, AsContextMut, FuncEntity, FuncKind, GlobalEntity, InstanceData, StoreInner};
use crate::types::{ExternType, Mutability, TagType, limits_match};

/// An instantiated module.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Instance {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` given in the order of the module's imports.
    pub fn new(mut store: impl AsContextMut, module: &Module, imports: &[Extern]) -> Result<Instance> {
        instantiate(store.as_store_mut(), module, imports)
    }

    /// The export called `name`.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let store = store.as_store();
        if store.inner.id != self.store {
            return None;
        }
        let instance = &store.inner.instances[self.index as usize];
        instance.exports.iter().find(|(export, _)| export == name).map(|(_, item)| *item)
    }

    /// All exports, in the module's order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        store.as_store().inner.instances[self.index as usize].exports.clone()
    }

    /// The exported function called `name`.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function called `name`, with its types checked.
    pub fn get_typed_func<Params: crate::WasmParams, Results: crate::WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<crate::TypedFunc<Params, Results>> {
        let store = store.as_store();
        let func = self.get_func(store, name).ok_or_else(|| Error::usage(format!("no exported function `{name}`")))?;
        func.typed(store)
    }

    /// The exported global called `name`.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported table called `name`.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported memory called `name`.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
}

/// What a constant expression of an instance may refer to: its functions, globals and
/// (engine indices of) types.
struct ConstScope<'a> {
    funcs: &'a [u32],
    globals: &'a [u32],
    type_ids: &'a [u32],
}

/// Evaluates a constant expression to raw bits (`Val::to_raw`). GC allocations in it
/// fail only if the store's GC heap limit is reached.
fn eval_const(expr: &ConstExpr, store: &mut StoreInner, scope: &ConstScope<'_>) -> Result<u128> {
    let mut stack: Vec<u128> = Vec::with_capacity(2);
    for op in &expr.0 {
        let value: u128 = match *op {
            ConstOp::I32(v) => v as u32 as u128,
            ConstOp::I64(v) => v as u64 as u128,
            ConstOp::F32(v) => v as u128,
            ConstOp::F64(v) => v as u128,
            ConstOp::V128(v) => v,
            ConstOp::RefNull => 0,
            ConstOp::RefFunc(f) => scope.funcs[f as usize] as u128 + 1,
            ConstOp::GlobalGet(g) => store.globals[scope.globals[g as usize] as usize].value,
            ConstOp::RefI31 => gc::i31_raw(stack.pop().unwrap_or(0) as u32) as u128,
            ConstOp::Convert => stack.pop().unwrap_or(0),
            ConstOp::StructNew(ty) | ConstOp::StructNewDefault(ty) => {
                let type_id = scope.type_ids[ty as usize];
                let engine = store.engine.clone();
                let layout = store.gc_heap().layout(&engine, type_id);
                let mut data = vec![0u8; layout.size as usize];
                if let ConstOp::StructNew(_) = op {
                    let values = stack.split_off(stack.len().saturating_sub(layout.fields.len()));
                    for (&(offset, access), value) in layout.fields.iter().zip(values) {
                        access.write(&mut data[offset as usize..], value);
                    }
                }
                allocate(store, type_id, 0, data)?
            }
            ConstOp::ArrayNew(ty) | ConstOp::ArrayNewDefault(ty) | ConstOp::ArrayNewFixed(ty, _) => {
                let type_id = scope.type_ids[ty as usize];
                let engine = store.engine.clone();
                let layout = store.gc_heap().layout(&engine, type_id);
                let access = layout.element.map_or(gc::Access::B64, |(access, _)| access);
                let (len, data) = match *op {
                    ConstOp::ArrayNewFixed(_, len) => {
                        let values = stack.split_off(stack.len().saturating_sub(len as usize));
                        let mut data = vec![0u8; values.len() * access.size()];
                        for (element, value) in data.chunks_exact_mut(access.size()).zip(&values) {
                            access.write(element, *value);
                        }
                        (values.len(), Some(data))
                    }
                    _ => {
                        let len = stack.pop().unwrap_or(0) as u32 as usize;
                        let value = if let ConstOp::ArrayNew(_) = op { stack.pop().unwrap_or(0) } else { 0 };
                        (len, gc::repeated(store.gc_heap(), value, access.size(), len))
                    }
                };
                let Some(data) = data else {
                    return Err(Error::Trap(Trap::new(TrapCode::GcHeapExhausted)));
                };
                allocate(store, type_id, len as u32, data)?
            }
            binary => {
                let b = stack.pop().unwrap_or(0) as u64;
                let a = stack.pop().unwrap_or(0) as u64;
                match binary {
                    ConstOp::I32Add => (a as u32).wrapping_add(b as u32) as u128,
                    ConstOp::I32Sub => (a as u32).wrapping_sub(b as u32) as u128,
                    ConstOp::I32Mul => (a as u32).wrapping_mul(b as u32) as u128,
                    ConstOp::I64Add => a.wrapping_add(b) as u128,
                    ConstOp::I64Sub => a.wrapping_sub(b) as u128,
                    _ => a.wrapping_mul(b) as u128,
                }
            }
        };
        stack.push(value);
    }
    Ok(stack.pop().unwrap_or(0))
}

/// Allocates a GC object for a constant expression (no collection: instantiation is not
/// a point where the interpreter's roots are known).
fn allocate(store: &mut StoreInner, type_id: u32, len: u32, data: Vec<u8>) -> Result<u128> {
    match store.gc_heap().allocate(type_id, len, data.into()) {
        Some(raw) => Ok(raw as u128),
        None => Err(Error::Trap(Trap::new(TrapCode::GcHeapExhausted))),
    }
}

fn import_error(module: &str, name: &str, expected: &ExternType, found: Option<&ExternType>) -> Error {
    match found {
        Some(found) => {
            Error::Link(format!("incompatible import type for `{module}::{name}`: expected {expected}, found {found}"))
        }
        None => Error::Link(format!("unknown import: `{module}::{name}` ({expected})")),
    }
}

pub(crate) fn instantiate<T>(store: &mut crate::Store<T>, module: &Module, imports: &[Extern]) -> Result<Instance> {
    let m = &module.inner;
    if !m.engine.same(store.engine()) {
        return Err(Error::usage("module and store belong to different engines"));
    }
    if imports.len() != m.imports.len() {
        return Err(Error::Link(format!("expected {} imports, got {}", m.imports.len(), imports.len())));
    }
    let inner = &mut store.inner;
    let instance_index = inner.instances.len() as u32;
    let mut funcs = Vec::with_capacity(m.funcs.len());
    crate::runtime::memory::prefer_huge_pages(&mut funcs);
    let mut tables = Vec::with_capacity(m.tables.len());
    let mut memories = Vec::with_capacity(m.memories.len());
    let mut globals = Vec::with_capacity(m.globals.len());
    let mut tags = Vec::with_capacity(m.tags.len());

    for (import, item) in m.imports.iter().zip(imports) {
        if item.store_id() != inner.id {
            return Err(Error::usage("import from another store"));
        }
        let registry = inner.engine.types();
        let found = match *item {
            Extern::Func(f) => ExternType::Func(inner.func_type(f.index).clone()),
            Extern::Global(g) => ExternType::Global(inner.globals[g.index as usize].ty),
            Extern::Table(t) => {
                let table = &inner.tables[t.index as usize];
                ExternType::Table(table.ty.with_limits(table.elements.len() as u64, table.ty.maximum()))
            }
            Extern::Memory(mem) => ExternType::Memory(inner.memories[mem.index as usize].ty()),
            Extern::Tag(t) => ExternType::Tag(TagType::from_func_type(inner.tags[t.index as usize].ty.clone())),
        };
        let matches = match (&import.ty, &found) {
            (ExternType::Func(_), ExternType::Func(_)) => {
                let Extern::Func(f) = *item else { unreachable!("a function's type") };
                // Imported functions come first in the function index space.
                let declared = m.type_ids[m.funcs[funcs.len()] as usize];
                registry.is_subtype(inner.funcs[f.index as usize].type_id, declared)
            }
            (ExternType::Global(expected), ExternType::Global(actual)) => {
                expected.mutability() == actual.mutability()
                    && match expected.mutability() {
                        Mutability::Const => registry.matches(actual.content(), expected.content()),
                        Mutability::Var => actual.content() == expected.content(),
                    }
            }
            (ExternType::Table(expected), ExternType::Table(actual)) => {
                expected.element() == actual.element()
                    && expected.is_64() == actual.is_64()
                    && limits_match(actual.minimum(), actual.maximum(), expected.minimum(), expected.maximum())
            }
            (ExternType::Tag(_), ExternType::Tag(_)) => {
                let Extern::Tag(t) = *item else { unreachable!("a tag's type") };
                // Imported tags come first in the tag index space; their types must be equal.
                inner.tags[t.index as usize].type_id == m.type_ids[m.tags[tags.len()] as usize]
            }
            (ExternType::Memory(expected), ExternType::Memory(actual)) => {
                expected.is_64() == actual.is_64()
                    && expected.page_size_log2() == actual.page_size_log2()
                    && limits_match(actual.minimum(), actual.maximum(), expected.minimum(), expected.maximum())
            }
            _ => false,
        };
        drop(registry);
        if !matches {
            return Err(import_error(&import.module, &import.name, &import.ty, Some(&found)));
        }
        match *item {
            Extern::Func(f) => funcs.push(f.index),
            Extern::Global(g) => globals.push(g.index),
            Extern::Table(t) => tables.push(t.index),
            Extern::Memory(mem) => memories.push(mem.index),
            Extern::Tag(t) => tags.push(t.index),
        }
    }

    check_limits(inner, m).map_err(Error::Instantiate)?;
    inner.funcs.reserve(m.funcs.len() - m.num_imported_funcs);
    crate::runtime::memory::prefer_huge_pages(&mut inner.funcs);
    for index in m.num_imported_funcs..m.funcs.len() {
        let type_id = m.type_ids[m.funcs[index] as usize];
        inner
            .funcs
            .push(FuncEntity { type_id, kind: FuncKind::Wasm { instance: instance_index, index: index as u32 } });
        funcs.push(inner.funcs.len() as u32 - 1);
    }
    for ty in &m.memories[m.num_imported_memories..] {
        memories.push(inner.new_memory(*ty)?);
    }
    for &type_index in &m.tags[m.num_imported_tags..] {
        let ty = m.types[type_index as usize].clone();
        tags.push(inner.new_tag(ty, m.type_ids[type_index as usize]));
    }
    for (ty, init) in m.globals[m.num_imported_globals..].iter().zip(&m.global_inits) {
        let value = eval_const(init, inner, &ConstScope { funcs: &funcs, globals: &globals, type_ids: &m.type_ids })?;
        inner.globals.push(GlobalEntity { ty: *ty, value });
        globals.push(inner.globals.len() as u32 - 1);
    }
    // After the globals: a table's initial element may be read from one.
    for (ty, init) in m.tables[m.num_imported_tables..].iter().zip(&m.table_inits) {
        let scope = ConstScope { funcs: &funcs, globals: &globals, type_ids: &m.type_ids };
        let element = match init {
            Some(init) => eval_const(init, inner, &scope)? as u64,
            None => 0,
        };
        tables.push(inner.new_table(*ty, element)?);
    }

    let id = inner.id;
    let exports = m
        .exports
        .iter()
        .map(|(name, index)| {
            let item = match *index {
                EntityIndex::Func(i) => Extern::Func(Func { store: id, index: funcs[i as usize] }),
                EntityIndex::Table(i) => Extern::Table(Table { store: id, index: tables[i as usize] }),
                EntityIndex::Memory(i) => Extern::Memory(Memory { store: id, index: memories[i as usize] }),
                EntityIndex::Global(i) => Extern::Global(Global { store: id, index: globals[i as usize] }),
                EntityIndex::Tag(i) => Extern::Tag(Tag { store: id, index: tags[i as usize] }),
            };
            (name.clone(), item)
        })
        .collect();
    let scope = ConstScope { funcs: &funcs, globals: &globals, type_ids: &m.type_ids };
    let elems: Vec<Vec<u64>> = m
        .elems
        .iter()
        .map(|segment| segment.items.iter().map(|item| eval_const(item, inner, &scope).map(|raw| raw as u64)).collect())
        .collect::<Result<_>>()?;
    let datas = m.datas.iter().map(|segment| segment.range.clone()).collect();
    inner.instances.push(InstanceData {
        module: module.clone(),
        funcs,
        tables,
        memories,
        globals,
        tags,
        datas,
        elems,
        exports,
    });
    let instance = Instance { store: id, index: instance_index };

    initialise_segments(inner, module, instance_index)?;

    if let Some(start) = m.start {
        let func = Func { store: id, index: inner.instances[instance_index as usize].funcs[start as usize] };
        func.call(&mut *store, &[], &mut [])?;
    }
    Ok(instance)
}

/// Checks everything the store's limits say about a new instance of `m` before anything
/// is created, so that a refused instantiation leaves the store as it was.
fn check_limits(inner: &StoreInner, m: &ModuleInner) -> std::result::Result<(), String> {
    let limits = &inner.limits;
    let memories = &m.memories[m.num_imported_memories..];
    let tables = &m.tables[m.num_imported_tables..];
    StoreLimits::check_count("instances", limits.instances, inner.instances.len(), 1)?;
    StoreLimits::check_count("memories", limits.memories, inner.memories.len(), memories.len())?;
    StoreLimits::check_count("tables", limits.tables, inner.tables.len(), tables.len())?;
    memories.iter().try_for_each(|ty| limits.check_memory(ty.minimum(), ty.page_size_log2()))?;
    tables.iter().try_for_each(|ty| limits.check_table(ty.minimum()))
}

/// Applies active element and data segments in order, then drops them (and the
/// declarative ones). A segment out of bounds traps; earlier writes stay.
fn initialise_segments(inner: &mut StoreInner, module: &Module, instance_index: u32) -> Result<()> {
    let m = &module.inner;
    let trap = |code| Error::Trap(Trap::new(code));
    let instance = &inner.instances[instance_index as usize];
    let (funcs, globals) = (instance.funcs.clone(), instance.globals.clone());
    let scope = ConstScope { funcs: &funcs, globals: &globals, type_ids: &m.type_ids };
    for (index, segment) in m.elems.iter().enumerate() {
        match &segment.mode {
            ElemMode::Passive => continue,
            ElemMode::Declared => {}
            ElemMode::Active { table, offset } => {
                let offset = eval_const(offset, inner, &scope)? as u64;
                let instance = &inner.instances[instance_index as usize];
                let table = instance.tables[*table as usize] as usize;
                let offset = address(offset, inner.tables[table].ty.is_64());
                let items = &instance.elems[index];
                let size = inner.tables[table].elements.len() as u64;
                let Some(end) = offset.checked_add(items.len() as u64).filter(|&end| end <= size) else {
                    return Err(trap(TrapCode::TableOutOfBounds));
                };
                let items = items.clone();
                inner.tables[table].elements[offset as usize..end as usize].copy_from_slice(&items);
            }
        }
        inner.instances[instance_index as usize].elems[index] = Vec::new();
    }
    for (index, segment) in m.datas.iter().enumerate() {
        let DataMode::Active { memory, offset } = &segment.mode else {
            continue;
        };
        let offset = eval_const(offset, inner, &scope)? as u64;
        let instance = &inner.instances[instance_index as usize];
        let memory = instance.memories[*memory as usize] as usize;
        let offset = address(offset, inner.memories[memory].is_64());
        let bytes = &m.bytes[segment.range.clone()];
        let data = inner.memories[memory].data_mut();
        let Some(end) = offset.checked_add(bytes.len() as u64).filter(|&end| end <= data.len() as u64) else {
            return Err(trap(TrapCode::MemoryOutOfBounds));
        };
        data[offset as usize..end as usize].copy_from_slice(bytes);
        inner.instances[instance_index as usize].datas[index] = 0..0;
    }
    Ok(())
}
