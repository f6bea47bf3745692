//! Errors and traps.

use std::fmt;

/// Why a running WebAssembly program stopped abnormally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// An `unreachable` instruction was executed.
    Unreachable,
    /// A load, store or bulk memory operation went out of bounds.
    MemoryOutOfBounds,
    /// A table access or bulk table operation went out of bounds.
    TableOutOfBounds,
    /// `call_indirect` with an index beyond the table's size.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of another type.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Signed integer division overflow (`INT_MIN / -1`).
    IntegerOverflow,
    /// A float to integer conversion of NaN or an out-of-range value.
    BadConversionToInteger,
    /// The guest's call depth or value stack reached the configured limit.
    StackOverflow,
    /// The store ran out of fuel.
    OutOfFuel,
    /// Execution was interrupted from outside.
    Interrupted,
    /// A null reference was dereferenced.
    NullReference,
    /// `call_ref` through a null reference.
    NullFunctionReference,
    /// `throw_ref` of a null reference.
    NullExceptionReference,
    /// A struct instruction on a null reference.
    NullStructReference,
    /// An array instruction on a null reference.
    NullArrayReference,
    /// `i31.get_s`/`i31.get_u` of a null reference.
    NullI31Reference,
    /// An array index or range outside the array.
    ArrayOutOfBounds,
    /// `ref.cast` of a value that is not of the target type.
    CastFailure,
    /// A GC allocation larger than the store's GC heap may hold.
    GcHeapExhausted,
}

impl TrapCode {
    /// The message the WebAssembly specification's test suite uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Interrupted => "interrupted",
            TrapCode::NullReference => "null reference",
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::NullExceptionReference => "null exception reference",
            TrapCode::NullStructReference => "null structure reference",
            TrapCode::NullArrayReference => "null array reference",
            TrapCode::NullI31Reference => "null i31 reference",
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            TrapCode::CastFailure => "cast failure",
            TrapCode::GcHeapExhausted => "GC heap exhausted",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One frame of a WebAssembly backtrace, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// The function's name from the module's name section, if any.
    pub func_name: Option<String>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.func_name {
            Some(name) => write!(f, "{name} (func {})", self.func_index),
            None => write!(f, "func {}", self.func_index),
        }
    }
}

/// A trap: a WebAssembly program stopped abnormally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    backtrace: Vec<FrameInfo>,
}

impl Trap {
    /// A trap with the given code and no backtrace.
    pub fn new(code: TrapCode) -> Self {
        Trap { code, backtrace: Vec::new() }
    }

    pub(crate) fn with_backtrace(code: TrapCode, backtrace: Vec<FrameInfo>) -> Self {
        Trap { code, backtrace }
    }

    /// What caused the trap.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The WebAssembly frames active when the trap happened, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.code)?;
        if !self.backtrace.is_empty() {
            write!(f, "\nwasm backtrace:")?;
            for (i, frame) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i:>3}: {frame}")?;
            }
        }
        Ok(())
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

/// Every error Gannet reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The module could not be decoded or did not validate.
    Compile {
        /// What is wrong.
        message: String,
        /// Byte offset in the binary, when known.
        offset: Option<usize>,
    },
    /// An import could not be satisfied, or a definition clashes with another.
    Link(String),
    /// Instantiation failed for a reason other than a trap (e.g. a resource limit).
    Instantiate(String),
    /// Execution trapped (also at instantiation: start function, segment initialisation).
    Trap(Trap),
    /// A host function returned an error.
    Host(Box<dyn std::error::Error + Send + Sync>),
    /// A function was called with wrong argument or result types or counts,
    /// or an object was used with a store it does not belong to.
    Usage(String),
    /// The guest asked to exit the process (WASI `proc_exit`).
    Exit(i32),
    /// A WebAssembly exception was thrown and not caught: it reached the embedder (or a
    /// host function, through which exceptions do not travel). Its tag and payload are
    /// in the store ([`ExnRef::tag`](crate::ExnRef::tag), [`ExnRef::payload`](crate::ExnRef::payload)).
    Exception(crate::ExnRef),
}

impl Error {
    /// The trap behind this error, if it is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(trap) => Some(trap),
            _ => None,
        }
    }

    /// The trap code behind this error, if it is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(Trap::code)
    }

    /// Wraps a host error so it can be returned from a host function.
    pub fn host(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Host(error.into())
    }

    pub(crate) fn compile(error: wasmparser::BinaryReaderError) -> Self {
        Error::Compile { message: error.message().to_string(), offset: Some(error.offset() as usize) }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile { message, offset: Some(offset) } => {
                write!(f, "invalid module: {message} (at offset {offset:#x})")
            }
            Error::Compile { message, offset: None } => write!(f, "invalid module: {message}"),
            Error::Link(message) => write!(f, "link error: {message}"),
            Error::Instantiate(message) => write!(f, "instantiation failed: {message}"),
            Error::Trap(trap) => trap.fmt(f),
            Error::Host(error) => write!(f, "host error: {error}"),
            Error::Usage(message) => f.write_str(message),
            Error::Exit(code) => write!(f, "exit with code {code}"),
            Error::Exception(_) => f.write_str("uncaught WebAssembly exception"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        Error::Trap(trap)
    }
}

impl From<TrapCode> for Error {
    fn from(code: TrapCode) -> Self {
        Error::Trap(Trap::new(code))
    }
}

/// Shorthand for results of Gannet's API.
pub type Result<T, E = Error> = std::result::Result<T, E>;
