//! Runtime objects: the store and what it owns, instances, the linker. Separate from
//! the interpreter, which only borrows them while guest code runs.

pub(crate) mod gc;
pub(crate) mod instance;
pub(crate) mod limits;
pub(crate) mod linker;
pub(crate) mod memory;
pub(crate) mod objects;
pub(crate) mod store;
