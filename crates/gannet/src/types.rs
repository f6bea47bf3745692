//! WebAssembly types as the public API sees them.

use std::fmt;
use std::sync::Arc;

/// The type of a WebAssembly value.
///
/// The two reference types of WebAssembly 2.0, `funcref` and `externref`, have their own
/// variants; every other reference type is a [`ValType::Ref`] (constructed with
/// [`ValType::reference`], which keeps that split, so equal types compare equal).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector.
    V128,
    /// A nullable reference to a function, `(ref null func)`.
    FuncRef,
    /// A nullable reference to a host object, `(ref null extern)`.
    ExternRef,
    /// Any other reference type (typed function references, GC).
    Ref(RefType),
}

/// What a reference may point to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum HeapType {
    /// Any function.
    Func,
    /// No function (the bottom of the function types; only null).
    NoFunc,
    /// Any host object.
    Extern,
    /// No host object (only null).
    NoExtern,
    /// Any GC object or `i31` (internal references).
    Any,
    /// Objects comparable with `ref.eq`.
    Eq,
    /// Unboxed 31-bit integers.
    I31,
    /// Any struct.
    Struct,
    /// Any array.
    Array,
    /// No internal reference (only null).
    None,
    /// Any exception.
    Exn,
    /// No exception (only null).
    NoExn,
    /// A type a module defines, by its engine-wide index: equal (canonically equivalent)
    /// types have equal indices, in every module of the engine.
    Concrete(TypeIndex),
}

/// The engine-wide index of a function, struct or array type, with what kind of type
/// it is (which decides the hierarchy its references belong to).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TypeIndex {
    pub(crate) index: u32,
    pub(crate) kind: CompositeKind,
}

impl TypeIndex {
    /// What kind of type it is.
    pub fn kind(&self) -> CompositeKind {
        self.kind
    }
}

/// The kinds of defined types.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CompositeKind {
    /// A function type.
    Func,
    /// A struct type (GC).
    Struct,
    /// An array type (GC).
    Array,
}

/// A reference type: what it points to and whether it may be null.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RefType {
    nullable: bool,
    heap: HeapType,
}

impl RefType {
    /// Whether the reference may be null.
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }
    /// What the reference points to.
    pub fn heap_type(&self) -> HeapType {
        self.heap
    }
}

impl ValType {
    /// The reference type to `heap`, nullable or not.
    pub fn reference(nullable: bool, heap: HeapType) -> ValType {
        match (nullable, heap) {
            (true, HeapType::Func) => ValType::FuncRef,
            (true, HeapType::Extern) => ValType::ExternRef,
            _ => ValType::Ref(RefType { nullable, heap }),
        }
    }

    /// This reference type's nullability and heap type; `None` for a number or vector.
    pub fn as_ref(&self) -> Option<RefType> {
        match *self {
            ValType::FuncRef => Some(RefType { nullable: true, heap: HeapType::Func }),
            ValType::ExternRef => Some(RefType { nullable: true, heap: HeapType::Extern }),
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Is this a reference type?
    pub fn is_ref(self) -> bool {
        self.as_ref().is_some()
    }

    /// How many 64-bit frame slots a value of this type takes: a `v128` takes two
    /// adjacent ones, everything else one.
    pub(crate) fn slots(self) -> usize {
        if self == ValType::V128 { 2 } else { 1 }
    }

    /// Converts a `wasmparser` type whose concrete heap types name module type indices,
    /// which `type_index` maps to engine-wide ones. `None` for what Gannet does not
    /// support (shared references, stack switching).
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType, type_index: &impl Fn(u32) -> TypeIndex) -> Option<Self> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => ValType::reference(r.is_nullable(), HeapType::from_wasmparser(r.heap_type(), type_index)?),
        })
    }
}

impl HeapType {
    pub(crate) fn from_wasmparser(heap: wasmparser::HeapType, type_index: &impl Fn(u32) -> TypeIndex) -> Option<Self> {
        use wasmparser::AbstractHeapType as A;
        Some(match heap {
            wasmparser::HeapType::Abstract { shared: false, ty } => match ty {
                A::Func => HeapType::Func,
                A::NoFunc => HeapType::NoFunc,
                A::Extern => HeapType::Extern,
                A::NoExtern => HeapType::NoExtern,
                A::Any => HeapType::Any,
                A::Eq => HeapType::Eq,
                A::I31 => HeapType::I31,
                A::Struct => HeapType::Struct,
                A::Array => HeapType::Array,
                A::None => HeapType::None,
                A::Exn => HeapType::Exn,
                A::NoExn => HeapType::NoExn,
                A::Cont | A::NoCont => return None,
            },
            wasmparser::HeapType::Concrete(index) => HeapType::Concrete(type_index(index.as_module_index()?)),
            _ => return None,
        })
    }

    /// The top of this heap type's hierarchy: `func`, `extern`, `any` or `exn`.
    pub fn top(self) -> HeapType {
        match self {
            HeapType::Func | HeapType::NoFunc => HeapType::Func,
            HeapType::Extern | HeapType::NoExtern => HeapType::Extern,
            HeapType::Any | HeapType::Eq | HeapType::I31 | HeapType::Struct | HeapType::Array | HeapType::None => {
                HeapType::Any
            }
            HeapType::Exn | HeapType::NoExn => HeapType::Exn,
            HeapType::Concrete(TypeIndex { kind: CompositeKind::Func, .. }) => HeapType::Func,
            HeapType::Concrete(_) => HeapType::Any,
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
            ValType::Ref(r) => return write!(f, "{r}"),
        })
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let null = if self.nullable { "null " } else { "" };
        let heap = match self.heap {
            HeapType::Func => "func",
            HeapType::NoFunc => "nofunc",
            HeapType::Extern => "extern",
            HeapType::NoExtern => "noextern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Exn => "exn",
            HeapType::NoExn => "noexn",
            HeapType::Concrete(TypeIndex { index, .. }) => return write!(f, "(ref {null}{index})"),
        };
        write!(f, "(ref {null}{heap})")
    }
}

/// The type of a function: its parameters and results.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params_results: Arc<[ValType]>,
    num_params: usize,
    /// Frame slots the parameters and the results take (see `ValType::slots`).
    param_slots: usize,
    result_slots: usize,
}

impl FuncType {
    /// A function type with the given parameter and result types.
    pub fn new(params: impl IntoIterator<Item = ValType>, results: impl IntoIterator<Item = ValType>) -> Self {
        let mut all: Vec<ValType> = params.into_iter().collect();
        let num_params = all.len();
        all.extend(results);
        let param_slots = all[..num_params].iter().map(|t| t.slots()).sum();
        let result_slots = all[num_params..].iter().map(|t| t.slots()).sum();
        FuncType { params_results: all.into(), num_params, param_slots, result_slots }
    }

    /// Parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params_results[..self.num_params]
    }

    /// Result types.
    pub fn results(&self) -> &[ValType] {
        &self.params_results[self.num_params..]
    }

    /// Frame slots the parameters take.
    pub(crate) fn param_slots(&self) -> usize {
        self.param_slots
    }

    /// Frame slots the results take.
    pub(crate) fn result_slots(&self) -> usize {
        self.result_slots
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |types: &[ValType]| types.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ");
        write!(f, "(func (param {}) (result {}))", list(self.params()), list(self.results()))
    }
}

/// Whether a global can be changed after instantiation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// A global holding `content`.
    pub fn new(content: ValType, mutability: Mutability) -> Self {
        GlobalType { content, mutability }
    }
    /// The value type.
    pub fn content(&self) -> ValType {
        self.content
    }
    /// Whether it is mutable.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

/// The type of a table: element type, limits (in elements) and index type (32- or
/// 64-bit, the memory64 proposal's table64).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TableType {
    element: ValType,
    minimum: u64,
    maximum: Option<u64>,
    index64: bool,
}

impl TableType {
    /// A table of `element` references with 32-bit indices and the given limits.
    pub fn new(element: ValType, minimum: u32, maximum: Option<u32>) -> Self {
        TableType { element, minimum: minimum.into(), maximum: maximum.map(Into::into), index64: false }
    }
    /// A table of `element` references with 64-bit indices and the given limits.
    pub fn new64(element: ValType, minimum: u64, maximum: Option<u64>) -> Self {
        TableType { element, minimum, maximum, index64: true }
    }
    /// The element type.
    pub fn element(&self) -> ValType {
        self.element
    }
    /// The initial size.
    pub fn minimum(&self) -> u64 {
        self.minimum
    }
    /// The maximum size, if any.
    pub fn maximum(&self) -> Option<u64> {
        self.maximum
    }
    /// Whether indices are 64-bit (`i64`) rather than 32-bit.
    pub fn is_64(&self) -> bool {
        self.index64
    }

    /// The same table type with 64-bit indices or not (the limits are kept as they are).
    pub(crate) fn with_index64(mut self, index64: bool) -> Self {
        self.index64 = index64;
        self
    }

    /// The same table type with limits `minimum` and `maximum`.
    pub(crate) fn with_limits(mut self, minimum: u64, maximum: Option<u64>) -> Self {
        self.minimum = minimum;
        self.maximum = maximum;
        self
    }
}

/// The type of a linear memory: limits in pages, the address type (32- or 64-bit, the
/// memory64 proposal) and the page size (64 KiB, or 1 byte with custom page sizes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MemoryType {
    minimum: u64,
    maximum: Option<u64>,
    address64: bool,
    page_size_log2: u8,
}

impl MemoryType {
    /// The log2 of the default page size, 64 KiB.
    pub const DEFAULT_PAGE_SIZE_LOG2: u8 = 16;

    /// A memory with 32-bit addresses, 64 KiB pages and the given limits in pages.
    pub fn new(minimum: u32, maximum: Option<u32>) -> Self {
        MemoryType {
            minimum: minimum.into(),
            maximum: maximum.map(Into::into),
            address64: false,
            page_size_log2: Self::DEFAULT_PAGE_SIZE_LOG2,
        }
    }

    /// A memory with 64-bit addresses (memory64), 64 KiB pages and the given limits.
    pub fn new64(minimum: u64, maximum: Option<u64>) -> Self {
        MemoryType { minimum, maximum, address64: true, page_size_log2: Self::DEFAULT_PAGE_SIZE_LOG2 }
    }

    /// The same type with pages of `2^log2` bytes (the custom-page-sizes proposal allows
    /// 1 byte and 64 KiB).
    pub fn with_page_size_log2(mut self, log2: u8) -> Self {
        self.page_size_log2 = log2;
        self
    }

    /// The initial size in pages.
    pub fn minimum(&self) -> u64 {
        self.minimum
    }
    /// The maximum size in pages, if any.
    pub fn maximum(&self) -> Option<u64> {
        self.maximum
    }
    /// Whether addresses are 64-bit (`i64`) rather than 32-bit.
    pub fn is_64(&self) -> bool {
        self.address64
    }
    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }
    /// The log2 of the page size.
    pub fn page_size_log2(&self) -> u8 {
        self.page_size_log2
    }

    /// The most pages the address type allows: the whole 2^32 (or 2^64) byte address
    /// space, but never more pages than the limits' encoding can state.
    pub(crate) fn address_space_pages(&self) -> u64 {
        let bits = if self.address64 { 64 } else { 32 };
        let pages = 1u128 << (bits - u32::from(self.page_size_log2));
        let encodable = if self.address64 { u64::MAX as u128 } else { u32::MAX as u128 };
        pages.min(encodable) as u64
    }

    /// The same memory type with 64-bit addresses or not (the limits are kept as they are).
    pub(crate) fn with_address64(mut self, address64: bool) -> Self {
        self.address64 = address64;
        self
    }

    /// The same memory type with limits `minimum` and `maximum`.
    pub(crate) fn with_limits(mut self, minimum: u64, maximum: Option<u64>) -> Self {
        self.minimum = minimum;
        self.maximum = maximum;
        self
    }
}

/// Do limits `(min, max)` fit where `(required_min, required_max)` is expected?
pub(crate) fn limits_match(min: u64, max: Option<u64>, required_min: u64, required_max: Option<u64>) -> bool {
    min >= required_min
        && match (max, required_max) {
            (_, None) => true,
            (Some(max), Some(required)) => max <= required,
            (None, Some(_)) => false,
        }
}

/// The type of an exception tag: the values an exception with it carries.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TagType {
    params: FuncType,
}

impl TagType {
    /// A tag whose exceptions carry values of types `params`.
    pub fn new(params: impl IntoIterator<Item = ValType>) -> Self {
        TagType { params: FuncType::new(params, []) }
    }
    /// The types of the values an exception carries.
    pub fn params(&self) -> &[ValType] {
        self.params.params()
    }
    /// The tag's type as a function type without results (its engine-wide identity).
    pub(crate) fn func_type(&self) -> &FuncType {
        &self.params
    }
    pub(crate) fn from_func_type(params: FuncType) -> Self {
        TagType { params }
    }
}

/// The type of anything a module can import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A global.
    Global(GlobalType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// An exception tag.
    Tag(TagType),
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(ty) => write!(f, "{ty}"),
            ExternType::Global(ty) => {
                let mutability = if ty.mutability == Mutability::Var { "mut " } else { "" };
                write!(f, "(global {mutability}{})", ty.content)
            }
            ExternType::Table(ty) => {
                let index = if ty.index64 { "i64 " } else { "" };
                write!(f, "(table {index}{} {:?} {})", ty.minimum, ty.maximum, ty.element)
            }
            ExternType::Tag(ty) => write!(f, "(tag {})", ty.params),
            ExternType::Memory(ty) => {
                let address = if ty.address64 { "i64 " } else { "" };
                write!(f, "(memory {address}{} {:?}", ty.minimum, ty.maximum)?;
                if ty.page_size_log2 != MemoryType::DEFAULT_PAGE_SIZE_LOG2 {
                    write!(f, " (pagesize {})", ty.page_size())?;
                }
                write!(f, ")")
            }
        }
    }
}
