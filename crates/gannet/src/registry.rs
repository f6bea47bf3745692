//! The engine's type registry: every function, struct and array type of every module
//! and host function, canonicalised so that equivalent types share one
//! [`TypeIndex`] across all modules of an engine.
//!
//! WebAssembly types are defined in recursion groups and are equivalent when their
//! groups are (structurally, with references inside a group compared by position) and
//! they sit at the same position. So the registry keys whole groups: a group is
//! written down with each reference to a type of the same group replaced by its
//! position (marked with [`REC_MARK`]) and every other reference by its engine index;
//! equal keys are the same group. Subtyping is declared (`sub`), so a type's supertype
//! chain, stored here, answers every subtype question between concrete types.

use std::collections::HashMap;

use crate::types::{CompositeKind, FuncType, HeapType, TypeIndex, ValType};

/// Marks a concrete heap type that refers to a type of the group being registered, by
/// its position in the group. Engine indices stay far below it.
pub(crate) const REC_MARK: u32 = 1 << 31;

/// A value a struct field or array element stores.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum StorageType {
    I8,
    I16,
    Val(ValType),
}

/// A struct field or array element type.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct FieldType {
    pub(crate) storage: StorageType,
    pub(crate) mutable: bool,
}

/// What a type is made of.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Composite {
    Func(FuncType),
    Struct(Box<[FieldType]>),
    Array(FieldType),
}

/// A type as a recursion group declares it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) struct SubType {
    pub(crate) is_final: bool,
    pub(crate) supertype: Option<u32>,
    pub(crate) composite: Composite,
}

/// A registered type, its references resolved to engine indices.
struct Registered {
    ty: SubType,
    /// How many supertypes it has (its chain is this long), for the subtype test.
    depth: u32,
}

#[derive(Default)]
pub(crate) struct TypeRegistry {
    types: Vec<Registered>,
    /// A group's key (see the module docs) → the engine index of its first type.
    groups: HashMap<Box<[SubType]>, u32>,
}

impl TypeRegistry {
    /// Registers a recursion group written as the module docs describe; returns the
    /// engine index of its first type (the others follow in order).
    pub(crate) fn register_group(&mut self, group: Vec<SubType>) -> u32 {
        if let Some(&first) = self.groups.get(group.as_slice()) {
            return first;
        }
        let first = self.types.len() as u32;
        assert!(first + group.len() as u32 <= REC_MARK, "too many types in one engine");
        for member in &group {
            let resolve = |index: u32| if index & REC_MARK != 0 { first + (index & !REC_MARK) } else { index };
            let ty = SubType {
                is_final: member.is_final,
                supertype: member.supertype.map(resolve),
                composite: member.composite.map_indices(&resolve),
            };
            // A supertype is declared before its subtypes (validated), so its depth is known.
            let depth = ty.supertype.map_or(0, |s| self.types[s as usize].depth + 1);
            self.types.push(Registered { ty, depth });
        }
        self.groups.insert(group.into_boxed_slice(), first);
        first
    }

    /// What kind of type engine index `index` is.
    pub(crate) fn kind(&self, index: u32) -> CompositeKind {
        match self.types[index as usize].ty.composite {
            Composite::Func(_) => CompositeKind::Func,
            Composite::Struct(_) => CompositeKind::Struct,
            Composite::Array(_) => CompositeKind::Array,
        }
    }

    /// The function type at engine index `index`, if it is one.
    pub(crate) fn func_type(&self, index: u32) -> Option<&FuncType> {
        match &self.types[index as usize].ty.composite {
            Composite::Func(ty) => Some(ty),
            _ => None,
        }
    }

    /// What type engine index `index` is made of.
    pub(crate) fn composite(&self, index: u32) -> &Composite {
        &self.types[index as usize].ty.composite
    }

    /// Type `index` followed by its supertypes, nearest first.
    pub(crate) fn supertypes(&self, index: u32) -> Box<[u32]> {
        std::iter::successors(Some(index), |&at| self.types[at as usize].ty.supertype).collect()
    }

    /// Is type `sub` the same as or a declared subtype of type `sup`?
    pub(crate) fn is_subtype(&self, sub: u32, sup: u32) -> bool {
        let target_depth = self.types[sup as usize].depth;
        let mut at = sub;
        while self.types[at as usize].depth > target_depth {
            at = self.types[at as usize].ty.supertype.expect("a type deeper than 0 has a supertype");
        }
        at == sup
    }

    /// Does heap type `sub` match heap type `sup`?
    pub(crate) fn heap_matches(&self, sub: HeapType, sup: HeapType) -> bool {
        use CompositeKind as K;
        use HeapType as H;
        if sub == sup {
            return true;
        }
        if sub.top() != sup.top() {
            return false;
        }
        match (sub, sup) {
            (H::NoFunc | H::NoExtern | H::None | H::NoExn, _) => true,
            (_, H::Func | H::Extern | H::Any | H::Exn) => true,
            (H::Concrete(a), H::Concrete(b)) => self.is_subtype(a.index, b.index),
            (H::Concrete(a), H::Eq) => a.kind != K::Func,
            (H::Concrete(a), H::Struct) => a.kind == K::Struct,
            (H::Concrete(a), H::Array) => a.kind == K::Array,
            (H::I31 | H::Struct | H::Array, H::Eq) => true,
            _ => false,
        }
    }

    /// Does a value of type `sub` fit where `sup` is expected?
    pub(crate) fn matches(&self, sub: ValType, sup: ValType) -> bool {
        match (sub.as_ref(), sup.as_ref()) {
            (Some(a), Some(b)) => {
                (!a.is_nullable() || b.is_nullable()) && self.heap_matches(a.heap_type(), b.heap_type())
            }
            _ => sub == sup,
        }
    }
}

impl Composite {
    /// The same type with every concrete heap type's index mapped by `map`.
    fn map_indices(&self, map: &impl Fn(u32) -> u32) -> Composite {
        let val = |ty: ValType| match ty.as_ref() {
            Some(r) => match r.heap_type() {
                HeapType::Concrete(t) => ValType::reference(
                    r.is_nullable(),
                    HeapType::Concrete(TypeIndex { index: map(t.index), kind: t.kind }),
                ),
                _ => ty,
            },
            None => ty,
        };
        let field = |f: FieldType| FieldType {
            storage: match f.storage {
                StorageType::Val(ty) => StorageType::Val(val(ty)),
                packed => packed,
            },
            mutable: f.mutable,
        };
        match self {
            Composite::Func(ty) => Composite::Func(FuncType::new(
                ty.params().iter().map(|&t| val(t)),
                ty.results().iter().map(|&t| val(t)),
            )),
            Composite::Struct(fields) => Composite::Struct(fields.iter().map(|&f| field(f)).collect()),
            Composite::Array(element) => Composite::Array(field(*element)),
        }
    }
}
