//! Resource limits of a store: how large its memories and tables may grow, and how many
//! instances, memories and tables it may hold.

/// The default for each count limit, as in wasmtime.
const DEFAULT_COUNT_LIMIT: usize = 10_000;

/// Limits on what a [`Store`](crate::Store) may allocate; build them with
/// [`StoreLimitsBuilder`] and install them with
/// [`Store::set_limits`](crate::Store::set_limits).
///
/// They are checked whenever a memory, table or instance is created and whenever a memory
/// or table grows, so newly installed limits also bound the growth of objects that exist
/// already (they never shrink anything). A memory or table that would exceed a limit
/// makes its instantiation (or `Memory::new`, `Table::new`) fail with
/// [`Error::Instantiate`](crate::Error::Instantiate); growth beyond a limit fails like
/// growth beyond the declared maximum: `memory.grow` and `table.grow` return -1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreLimits {
    pub(crate) memory_size: Option<usize>,
    pub(crate) table_elements: Option<usize>,
    pub(crate) gc_heap_size: Option<usize>,
    pub(crate) instances: usize,
    pub(crate) memories: usize,
    pub(crate) tables: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            memory_size: None,
            table_elements: None,
            gc_heap_size: None,
            instances: DEFAULT_COUNT_LIMIT,
            memories: DEFAULT_COUNT_LIMIT,
            tables: DEFAULT_COUNT_LIMIT,
        }
    }
}

impl StoreLimits {
    /// No size limits, and at most 10,000 instances, memories and tables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Why a memory of `pages` pages of `2^page_size_log2` bytes is refused, if it is.
    pub(crate) fn check_memory(&self, pages: u64, page_size_log2: u8) -> Result<(), String> {
        let bytes = u128::from(pages) << page_size_log2;
        match self.memory_size {
            Some(limit) if bytes > limit as u128 => Err(format!(
                "memory of {pages} pages ({bytes} bytes) exceeds the store's memory_size limit of {limit} bytes"
            )),
            _ => Ok(()),
        }
    }

    /// Why a table of `elements` elements is refused, if it is.
    pub(crate) fn check_table(&self, elements: u64) -> Result<(), String> {
        match self.table_elements {
            Some(max) if elements > max as u64 => {
                Err(format!("table of {elements} elements exceeds the store's table_elements limit of {max}"))
            }
            _ => Ok(()),
        }
    }

    /// Why `more` further objects of kind `what` are refused when the store holds `count`.
    pub(crate) fn check_count(what: &str, limit: usize, count: usize, more: usize) -> Result<(), String> {
        if count.saturating_add(more) > limit {
            Err(format!("the store's {what} limit of {limit} would be exceeded ({count} exist, {more} more needed)"))
        } else {
            Ok(())
        }
    }
}

/// Builds [`StoreLimits`]; every limit not set keeps its default.
#[derive(Clone, Debug, Default)]
pub struct StoreLimitsBuilder {
    limits: StoreLimits,
}

impl StoreLimitsBuilder {
    /// Starts from the defaults of [`StoreLimits::new`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest size in bytes any one linear memory may have (rounded down to whole
    /// 64 KiB pages).
    pub fn memory_size(mut self, bytes: usize) -> Self {
        self.limits.memory_size = Some(bytes);
        self
    }

    /// The most elements any one table may have.
    pub fn table_elements(mut self, elements: usize) -> Self {
        self.limits.table_elements = Some(elements);
        self
    }

    /// The most bytes the store's GC objects (structs and arrays, with their bookkeeping)
    /// may take at once; an allocation beyond it, even after a collection, traps.
    pub fn gc_heap_size(mut self, bytes: usize) -> Self {
        self.limits.gc_heap_size = Some(bytes);
        self
    }

    /// The most instances the store may hold.
    pub fn instances(mut self, count: usize) -> Self {
        self.limits.instances = count;
        self
    }

    /// The most linear memories the store may hold, whether instances or the host made
    /// them.
    pub fn memories(mut self, count: usize) -> Self {
        self.limits.memories = count;
        self
    }

    /// The most tables the store may hold, whether instances or the host made them.
    pub fn tables(mut self, count: usize) -> Self {
        self.limits.tables = count;
        self
    }

    /// The finished limits.
    pub fn build(self) -> StoreLimits {
        self.limits
    }
}
