//! WebAssembly linear memory.
//!
//! On unix a memory reserves address space up front (`PROT_NONE`) and commits
//! pages on `memory.grow` by making them readable and writable, so the base
//! pointer does not move and growing copies nothing. A 32-bit memory reserves
//! its whole possible range (at most 4 GiB); a 64-bit one reserves 4 GiB (or its
//! maximum, if smaller) and, should it outgrow that, moves to a reservation
//! twice its new size. Should a reservation be refused (e.g. under `ulimit -v`),
//! the memory falls back to mapping exactly what it needs and relocates when it
//! grows past that.
//!
//! Elsewhere memory is a zero-filled heap buffer whose base may move on growth.

use core::ptr::NonNull;

use crate::types::MemoryType;

/// The default size of a WebAssembly page in bytes.
#[cfg(test)]
pub const WASM_PAGE_SIZE: u64 = 65536;

/// The most bytes any memory may span, so that lengths and offsets always fit in an
/// `isize` (and a `usize`) on every host.
const MAX_BYTES: u64 = isize::MAX as u64;

/// Address space reserved up front for a memory that may grow larger than this: all of
/// a 32-bit memory's 4 GiB, so that it never moves. A bigger (64-bit) memory moves when
/// it outgrows its reservation, to one twice the new size.
const RESERVATION_BYTES: u64 = 4 << 30;

/// A WebAssembly linear memory.
pub struct LinearMemory {
    /// Start of the accessible bytes. Always refreshed from `backing` after it
    /// changes; dangling (but non-null and aligned) while no memory is mapped.
    base: NonNull<u8>,
    /// Number of accessible bytes, `pages * page size`.
    len: usize,
    /// The declared type, with the current size in pages as its minimum.
    ty: MemoryType,
    /// The size growth may never exceed: min(maximum, embedder limit, address space).
    cap_pages: u64,
    /// Owner of the underlying storage.
    backing: Backing,
}

// SAFETY: `LinearMemory` exclusively owns the region behind `base` (it is
// allocated by and freed with `backing`, which nothing else refers to), exactly
// like a `Vec<u8>` owns its buffer. Moving it to another thread moves that
// ownership along, and mmap'd or heap memory is not tied to any thread.
unsafe impl Send for LinearMemory {}

// SAFETY: through `&LinearMemory` the bytes can only be read (`data`) and the
// metadata inspected; all mutation of the memory or its bookkeeping needs
// `&mut LinearMemory`. Sharing `&LinearMemory` between threads is therefore as
// sound as sharing `&[u8]`. (`base` hands out a raw pointer; writing through
// it is the caller's unsafe responsibility, as with `<[u8]>::as_ptr`.)
unsafe impl Sync for LinearMemory {}

impl LinearMemory {
    /// Creates a memory of type `ty`, its `minimum()` pages zeroed.
    ///
    /// `limit_bytes` is an embedder limit that also caps growth. Fails if the initial
    /// size exceeds the maximum, the limit or what the host can address, or if the
    /// memory cannot be allocated.
    pub fn new(ty: MemoryType, limit_bytes: Option<u64>) -> Result<Self, String> {
        Self::create(ty, limit_bytes, true)
    }

    /// Implements [`LinearMemory::new`]. With `reserve_ahead == false` the
    /// backing is sized to exactly the initial size, as if reserving more had
    /// failed (used to test the relocating fallback).
    fn create(ty: MemoryType, limit_bytes: Option<u64>, reserve_ahead: bool) -> Result<Self, String> {
        let initial_pages = ty.minimum();
        if let Some(max) = ty.maximum()
            && initial_pages > max
        {
            return Err(format!("initial memory size ({initial_pages} pages) exceeds the maximum ({max} pages)"));
        }
        let page_size_log2 = ty.page_size_log2();
        let limit_pages = limit_bytes.map(|bytes| bytes >> page_size_log2);
        if let Some(limit) = limit_pages
            && initial_pages > limit
        {
            return Err(format!(
                "initial memory size ({initial_pages} pages) exceeds the memory limit ({limit} pages)"
            ));
        }
        let addressable = (MAX_BYTES >> page_size_log2).min(ty.address_space_pages());
        if initial_pages > addressable {
            return Err(format!(
                "initial memory size ({initial_pages} pages) exceeds the largest possible memory ({addressable} pages)"
            ));
        }
        let cap_pages = ty.maximum().unwrap_or(u64::MAX).min(limit_pages.unwrap_or(u64::MAX)).min(addressable);
        let len = (initial_pages << page_size_log2) as usize;
        let cap = cap_pages << page_size_log2;
        let reserve = if reserve_ahead { cap.min(RESERVATION_BYTES.max(len as u64)) as usize } else { len };
        let mut backing = Backing::new(len, reserve)?;
        Ok(LinearMemory { base: backing.base(), len, ty, cap_pages, backing })
    }

    /// Start of the memory. Non-null even when the memory is empty. Valid for
    /// reads and writes of [`len`](Self::len) bytes until the memory is grown
    /// (growth may move it) or dropped.
    #[inline]
    pub fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    /// Number of accessible bytes (`pages()` times the page size).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the memory has no pages.
    #[inline]
    #[allow(dead_code)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Current size in pages.
    #[inline]
    pub fn pages(&self) -> u64 {
        self.ty.minimum()
    }

    /// The memory's type, with its current size as the minimum.
    #[inline]
    pub fn ty(&self) -> MemoryType {
        self.ty
    }

    /// Whether the memory takes 64-bit addresses.
    #[inline]
    pub fn is_64(&self) -> bool {
        self.ty.is_64()
    }

    /// Grows the memory by `delta` zeroed pages, returning the previous size in
    /// pages. Returns `None` and leaves the memory unchanged if the new size
    /// would exceed the maximum, the embedder limit or the address space, or if
    /// the operating system refuses. `grow(0)` returns the current size.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old_pages = self.pages();
        if delta == 0 {
            return Some(old_pages);
        }
        let new_pages = old_pages.checked_add(delta)?;
        if new_pages > self.cap_pages {
            return None;
        }
        let page_size_log2 = self.ty.page_size_log2();
        let new_len = (new_pages << page_size_log2) as usize;
        let cap = self.cap_pages << page_size_log2;
        let reserve = cap.min(RESERVATION_BYTES.max((new_len as u64).saturating_mul(2))) as usize;
        if !self.backing.grow(self.len, new_len, reserve) {
            return None;
        }
        self.base = self.backing.base();
        self.len = new_len;
        self.ty = self.ty.with_limits(new_pages, self.ty.maximum());
        Some(old_pages)
    }

    /// The memory's bytes.
    #[inline]
    pub fn data(&self) -> &[u8] {
        // SAFETY: `base` points to `len` initialised (zero-filled or written)
        // bytes that are readable and writable and owned by `self`; it is
        // non-null and trivially aligned for `u8` even when `len == 0`, and
        // `len <= isize::MAX` because the size never exceeds `MAX_BYTES`. The
        // slice borrows `self`, so the memory can be neither grown (moved) nor
        // freed while it lives.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    /// The memory's bytes, mutably.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`; additionally the slice mutably borrows `self`,
        // so no other reference to these bytes can be created through this
        // memory while it lives.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }
}

impl core::fmt::Debug for LinearMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LinearMemory").field("ty", &self.ty).field("cap_pages", &self.cap_pages).finish_non_exhaustive()
    }
}

#[cfg(unix)]
use mmap::Backing;

#[cfg(not(unix))]
use heap::Backing;

/// Storage from anonymous memory mappings (the memory is freed when the
/// `Backing` is dropped, i.e. when the `LinearMemory` is).
#[cfg(unix)]
mod mmap {
    use core::ptr::{self, NonNull};
    use rustix::mm::{MapFlags, MprotectFlags, ProtFlags, mmap_anonymous, mprotect, munmap};

    /// `bytes` rounded up to whole host pages: the unit of `mmap` and
    /// `mprotect`. (With 1-byte wasm pages a memory's length need not be one;
    /// the bytes between its length and the next host page are then accessible
    /// to the host but never to the guest, whose accesses are checked against
    /// the length, so they stay zero until the memory grows over them.)
    fn whole_pages(bytes: usize) -> usize {
        let page = rustix::param::page_size();
        bytes.div_ceil(page).saturating_mul(page)
    }

    /// One private anonymous mapping of `reserved` bytes at `ptr`, or nothing
    /// when `reserved == 0`. Bytes below the committed length the owner tracks
    /// (rounded up to whole host pages) are readable and writable; the rest is
    /// `PROT_NONE`.
    pub(super) struct Backing {
        ptr: NonNull<u8>,
        pub(super) reserved: usize,
    }

    impl Backing {
        /// A backing with `len` committed (readable, writable, zeroed) bytes,
        /// reserving `reserve` bytes of address space if possible and exactly
        /// `len` otherwise. `len <= reserve` and both are multiples of the
        /// wasm page size.
        pub(super) fn new(len: usize, reserve: usize) -> Result<Self, String> {
            debug_assert!(len <= reserve);
            let mut this = Self::reserve(whole_pages(reserve))
                .or_else(|| Self::reserve(whole_pages(len)))
                .ok_or_else(|| format!("could not reserve {len} bytes of address space for a linear memory"))?;
            if !this.commit(0, whole_pages(len)) {
                return Err(format!("could not allocate {len} bytes for a linear memory"));
            }
            Ok(this)
        }

        /// Maps `bytes` of inaccessible address space. `Some(empty)` when
        /// `bytes == 0`; `None` if the system refuses.
        fn reserve(bytes: usize) -> Option<Self> {
            if bytes == 0 {
                return Some(Backing { ptr: NonNull::dangling(), reserved: 0 });
            }
            // SAFETY: with a null address hint and no `MAP_FIXED` the kernel
            // chooses a fresh, unused address range, so this cannot replace or
            // alias any existing mapping or Rust-owned memory. The new range is
            // owned solely by the returned `Backing`.
            let addr = unsafe { mmap_anonymous(ptr::null_mut(), bytes, ProtFlags::empty(), MapFlags::PRIVATE) }.ok()?;
            // A successful non-fixed mmap never returns address 0; if it ever
            // did, we leak the mapping rather than mishandle it.
            let ptr = NonNull::new(addr.cast::<u8>())?;
            Some(Backing { ptr, reserved: bytes })
        }

        /// Makes bytes `start..end` of the reservation readable and writable.
        /// `start` must be a multiple of the host page size.
        fn commit(&mut self, start: usize, end: usize) -> bool {
            assert!(start <= end && end <= self.reserved);
            if start == end {
                return true;
            }
            // SAFETY: `start..end` lies within the mapping of `reserved` bytes
            // at `ptr` (asserted above), so `ptr.add(start)` stays in bounds.
            // The mapping is owned exclusively by `self`; only its own
            // (previously inaccessible or already read-write) pages change
            // protection, and only to become more permissive, so no existing
            // reference is invalidated. Never-touched anonymous pages read as
            // zero.
            unsafe {
                mprotect(self.ptr.as_ptr().add(start).cast(), end - start, MprotectFlags::READ | MprotectFlags::WRITE)
            }
            .is_ok()
        }

        /// Start of the mapping (dangling if nothing is mapped).
        #[inline]
        pub(super) fn base(&mut self) -> NonNull<u8> {
            self.ptr
        }

        /// Grows the committed length from `old_len` to `new_len`, in place if
        /// the reservation allows, otherwise by moving to a new mapping (of
        /// `reserve` bytes if possible, else of just `new_len`). On failure
        /// nothing changes and `false` is returned.
        pub(super) fn grow(&mut self, old_len: usize, new_len: usize, reserve: usize) -> bool {
            debug_assert!(old_len <= new_len && new_len <= reserve);
            let (old_end, new_end) = (whole_pages(old_len), whole_pages(new_len));
            if new_end <= self.reserved {
                return self.commit(old_end, new_end);
            }
            let fresh = if reserve > new_len { Self::reserve(whole_pages(reserve)) } else { None };
            let Some(mut fresh) = fresh.or_else(|| Self::reserve(new_end)) else {
                return false;
            };
            if !fresh.commit(0, new_end) {
                return false;
            }
            if old_len > 0 {
                // SAFETY: the first `old_len` bytes of the old mapping are
                // committed (read-write) and initialised, `fresh` has at least
                // `new_len >= old_len` committed bytes, and the two mappings
                // are distinct, so the ranges do not overlap. `&mut self`
                // guarantees no outstanding slice of the old mapping.
                unsafe {
                    ptr::copy_nonoverlapping(self.ptr.as_ptr(), fresh.ptr.as_ptr(), old_len);
                }
            }
            // Dropping the old value unmaps the old region.
            *self = fresh;
            true
        }
    }

    impl Drop for Backing {
        fn drop(&mut self) {
            if self.reserved == 0 {
                return;
            }
            // SAFETY: `ptr` and `reserved` describe exactly the mapping made
            // in `reserve`, which nothing else owns, and it is unmapped only
            // here, once. Slices of the memory borrow the owning
            // `LinearMemory`, so none outlive it.
            let result = unsafe { munmap(self.ptr.as_ptr().cast(), self.reserved) };
            debug_assert!(result.is_ok(), "munmap failed: {result:?}");
        }
    }
}

/// Storage from a heap buffer, for hosts without `mmap`. (Also compiled for
/// tests on unix so that it is exercised there.)
#[cfg(any(not(unix), test))]
mod heap {
    use core::ptr::NonNull;

    /// A zero-filled buffer whose length is the memory's length.
    pub(super) struct Backing {
        buf: Vec<u8>,
    }

    impl Backing {
        /// A backing with `len` zeroed bytes. Address space is not reserved
        /// ahead on this path, so `_reserve` is unused.
        pub(super) fn new(len: usize, _reserve: usize) -> Result<Self, String> {
            let mut buf = Vec::new();
            buf.try_reserve_exact(len).map_err(|_| format!("could not allocate {len} bytes for a linear memory"))?;
            buf.resize(len, 0);
            Ok(Backing { buf })
        }

        /// Start of the buffer. Takes `&mut self` so that the pointer carries
        /// write permission; `Vec::as_mut_ptr` creates no intermediate
        /// reference, so later uses of it stay valid until the next growth.
        #[inline]
        pub(super) fn base(&mut self) -> NonNull<u8> {
            NonNull::new(self.buf.as_mut_ptr()).unwrap_or(NonNull::dangling())
        }

        /// Grows the buffer from `old_len` to `new_len` zeroed bytes (it may
        /// move). On allocation failure nothing changes and `false` is
        /// returned.
        pub(super) fn grow(&mut self, old_len: usize, new_len: usize, _cap: usize) -> bool {
            debug_assert_eq!(old_len, self.buf.len());
            if self.buf.try_reserve_exact(new_len - old_len).is_err() {
                return false;
            }
            self.buf.resize(new_len, 0);
            true
        }
    }
}

/// Asks for transparent huge pages for the unused capacity of a large vector, where the
/// host has them: filling it then faults once per 2 MiB instead of once per 4 KiB page.
/// For a 20 MB module in a fresh process, the page faults of the copy of its bytes and of
/// its function records were most of the time `Module::new` and instantiation took.
pub(crate) fn prefer_huge_pages<T>(vec: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE_PAGE: usize = 2 << 20;
        let spare = vec.spare_capacity_mut();
        let start = spare.as_mut_ptr() as usize;
        let aligned = start.next_multiple_of(HUGE_PAGE);
        let end = (start + std::mem::size_of_val(spare)) & !(HUGE_PAGE - 1);
        if aligned < end {
            // SAFETY: the range is inside the vector's allocation and holds no values;
            // the advice only changes how the kernel backs those pages.
            let _ = unsafe {
                rustix::mm::madvise(aligned as *mut std::ffi::c_void, end - aligned, rustix::mm::Advice::LinuxHugepage)
            };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = vec;
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = WASM_PAGE_SIZE as usize;
    const MAX_PAGES: u64 = 65536;

    /// A 32-bit memory with 64 KiB pages; `limit` in pages.
    fn memory(initial: u64, maximum: Option<u64>, limit: Option<u64>) -> Result<LinearMemory, String> {
        let ty = MemoryType::new(initial as u32, maximum.map(|max| max as u32));
        LinearMemory::new(ty, limit.map(|pages| pages * WASM_PAGE_SIZE))
    }

    fn fill_pattern(data: &mut [u8]) {
        for (i, b) in data.iter_mut().enumerate() {
            *b = (i % 251) as u8;
        }
    }

    fn check_pattern(data: &[u8]) {
        for (i, &b) in data.iter().enumerate() {
            assert_eq!(b, (i % 251) as u8, "byte {i}");
        }
    }

    #[test]
    fn new_memory_is_zeroed() {
        let m = memory(3, Some(10), None).unwrap();
        assert_eq!(m.pages(), 3);
        assert_eq!(m.len(), 3 * PAGE);
        assert_eq!(m.data().len(), 3 * PAGE);
        assert!(!m.is_empty());
        assert_eq!(m.ty().maximum(), Some(10));
        assert!(m.data().iter().all(|&b| b == 0));
    }

    #[test]
    fn data_mut_and_base_agree() {
        let mut m = memory(1, None, None).unwrap();
        m.data_mut()[100] = 42;
        m.data_mut()[PAGE - 1] = 7;
        assert_eq!(m.data()[100], 42);
        assert_eq!(m.data()[PAGE - 1], 7);
        assert_eq!(m.base().cast_const(), m.data().as_ptr());
        let base = m.base();
        // SAFETY: offset 200 is within the 1-page memory, which is alive and
        // not borrowed while this write happens.
        unsafe { base.add(200).write(9) };
        assert_eq!(m.data()[200], 9);
    }

    #[test]
    fn grow_preserves_contents_and_zeroes_new_pages() {
        let mut m = memory(2, Some(8), None).unwrap();
        fill_pattern(m.data_mut());
        let base = m.base();
        assert_eq!(m.grow(3), Some(2));
        assert_eq!(m.pages(), 5);
        assert_eq!(m.len(), 5 * PAGE);
        check_pattern(&m.data()[..2 * PAGE]);
        assert!(m.data()[2 * PAGE..].iter().all(|&b| b == 0));
        if cfg!(unix) {
            assert_eq!(m.base(), base, "base must not move on unix");
        }
        // The new pages are writable.
        let len = m.len();
        m.data_mut()[len - 1] = 0xAB;
        assert_eq!(m.data()[len - 1], 0xAB);
    }

    #[test]
    fn grow_beyond_maximum_fails_and_leaves_memory() {
        let mut m = memory(1, Some(2), None).unwrap();
        m.data_mut()[5] = 1;
        assert_eq!(m.grow(2), None);
        assert_eq!(m.pages(), 1);
        assert_eq!(m.len(), PAGE);
        assert_eq!(m.data()[5], 1);
        assert_eq!(m.grow(1), Some(1));
        assert_eq!(m.grow(1), None);
        assert_eq!(m.pages(), 2);
        assert_eq!(m.grow(u64::MAX), None);
        assert_eq!(m.pages(), 2);
    }

    #[test]
    fn grow_beyond_4gib_fails() {
        let mut m = memory(0, None, None).unwrap();
        assert_eq!(m.grow(MAX_PAGES + 1), None);
        assert_eq!(m.grow(u64::MAX), None);
        assert_eq!(m.pages(), 0);
        assert_eq!(m.grow(10), Some(0));
        assert_eq!(m.grow(MAX_PAGES - 10 + 1), None);
        assert_eq!(m.pages(), 10);
    }

    #[test]
    fn grow_zero_returns_current_size() {
        let mut m = memory(4, Some(4), None).unwrap();
        assert_eq!(m.grow(0), Some(4));
        assert_eq!(m.pages(), 4);
        let mut e = memory(0, Some(0), None).unwrap();
        assert_eq!(e.grow(0), Some(0));
    }

    #[test]
    fn limit_caps_creation_and_growth() {
        let mut m = memory(1, None, Some(3)).unwrap();
        assert_eq!(m.ty().maximum(), None);
        assert_eq!(m.grow(3), None);
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.grow(1), None);
        assert_eq!(m.pages(), 3);

        // The smaller of maximum and limit wins.
        let mut m = memory(0, Some(2), Some(5)).unwrap();
        assert_eq!(m.grow(3), None);
        assert_eq!(m.grow(2), Some(0));
        let mut m = memory(0, Some(5), Some(2)).unwrap();
        assert_eq!(m.grow(3), None);
        assert_eq!(m.grow(2), Some(0));

        assert!(memory(4, None, Some(3)).is_err());
        assert!(memory(3, None, Some(3)).is_ok());
    }

    #[test]
    fn zero_page_memory() {
        let mut m = memory(0, Some(0), None).unwrap();
        assert_eq!(m.pages(), 0);
        assert_eq!(m.len(), 0);
        assert!(m.is_empty());
        assert!(m.data().is_empty());
        assert!(m.data_mut().is_empty());
        assert!(!m.base().is_null());
        assert_eq!(m.grow(1), None);
        assert_eq!(m.pages(), 0);

        let mut m = memory(0, None, None).unwrap();
        assert!(m.is_empty());
        assert_eq!(m.grow(1), Some(0));
        assert_eq!(m.len(), PAGE);
        assert!(m.data().iter().all(|&b| b == 0));
        m.data_mut()[PAGE - 1] = 3;
        assert_eq!(m.data()[PAGE - 1], 3);
    }

    #[test]
    fn initial_above_maximum_is_an_error() {
        assert!(memory(2, Some(1), None).is_err());
        assert!(memory(1, Some(0), Some(10)).is_err());
        assert!(memory(MAX_PAGES + 1, None, None).is_err());
        assert!(memory(1, Some(1), None).is_ok());
    }

    #[test]
    fn many_full_size_reservations() {
        // Each memory reserves 4 GiB of address space (on 64-bit unix); they
        // must be released on drop or this would exhaust the address space.
        for i in 0..2000u32 {
            let mut m = memory(1, None, None).unwrap();
            m.data_mut()[0] = i as u8;
            assert_eq!(m.grow(1), Some(1));
            m.data_mut()[PAGE] = 1;
            assert_eq!(m.data()[0], i as u8);
        }
    }

    #[cfg(all(unix, target_pointer_width = "64"))]
    #[test]
    fn unbounded_memory_reserves_4gib() {
        let m = memory(1, None, None).unwrap();
        assert_eq!(m.cap_pages, 65536);
        assert_eq!(m.backing.reserved, 4 << 30);
        let m = memory(1, Some(3), None).unwrap();
        assert_eq!(m.backing.reserved, 3 * PAGE);
    }

    #[test]
    fn one_byte_pages() {
        let ty = MemoryType::new(3, Some(5)).with_page_size_log2(0);
        let mut m = LinearMemory::new(ty, None).unwrap();
        assert_eq!((m.pages(), m.len()), (3, 3));
        assert_eq!(m.grow(2), Some(3));
        assert_eq!(m.len(), 5);
        assert_eq!(m.grow(1), None);
        // A 32-bit memory of 1-byte pages has at most 2^32 - 1 of them.
        let unbounded = MemoryType::new(0, None).with_page_size_log2(0);
        let mut m = LinearMemory::new(unbounded, Some(10)).unwrap();
        assert_eq!(m.grow(11), None);
        assert_eq!(m.grow(10), Some(0));
        assert_eq!(m.cap_pages, 10);
        let m = LinearMemory::new(unbounded, None).unwrap();
        assert_eq!(m.cap_pages, u32::MAX as u64);
    }

    #[cfg(all(unix, target_pointer_width = "64"))]
    #[test]
    fn memory64_grows_past_4gib_by_moving() {
        let mut m = LinearMemory::new(MemoryType::new64(1, None), None).unwrap();
        assert!(m.is_64());
        assert_eq!(m.backing.reserved, 4 << 30);
        m.data_mut()[7] = 7;
        // Past the reservation: the memory moves to a larger one, keeping its bytes.
        assert_eq!(m.grow(MAX_PAGES), Some(1));
        assert_eq!(m.len(), (MAX_PAGES as usize + 1) * PAGE);
        assert!(m.backing.reserved >= m.len());
        assert_eq!(m.data()[7], 7);
        let last = m.len() - 1;
        m.data_mut()[last] = 1;
        assert_eq!(m.data()[last], 1);
        // 2^48 pages is the address space, far beyond what the host can give.
        assert_eq!(m.grow(1 << 48), None);
        assert_eq!(m.pages(), MAX_PAGES + 1);
    }

    #[test]
    fn growth_without_full_reservation_relocates() {
        // Simulates a refused full reservation: the backing holds exactly the
        // initial size and growth has to move the memory.
        let mut m = LinearMemory::create(MemoryType::new(2, Some(100)), None, false).unwrap();
        fill_pattern(m.data_mut());
        assert_eq!(m.grow(3), Some(2));
        assert_eq!(m.pages(), 5);
        check_pattern(&m.data()[..2 * PAGE]);
        assert!(m.data()[2 * PAGE..].iter().all(|&b| b == 0));
        let base = m.base();
        // After relocating the memory holds the full reservation again, so
        // further growth stays in place on unix.
        assert_eq!(m.grow(10), Some(5));
        if cfg!(unix) {
            assert_eq!(m.base(), base);
        }
        check_pattern(&m.data()[..2 * PAGE]);
        assert!(m.data()[2 * PAGE..].iter().all(|&b| b == 0));
        assert_eq!(m.grow(86), None);
        assert_eq!(m.grow(85), Some(15));
        assert_eq!(m.len(), 100 * PAGE);

        // From an empty memory too.
        let mut m = LinearMemory::create(MemoryType::new(0, None), None, false).unwrap();
        assert_eq!(m.grow(1), Some(0));
        assert!(m.data().iter().all(|&b| b == 0));
    }

    #[test]
    fn heap_backing() {
        let mut b = heap::Backing::new(PAGE, 4 * PAGE).unwrap();
        let p = b.base();
        // SAFETY: the buffer holds PAGE initialised bytes and is not borrowed.
        let first = unsafe { core::slice::from_raw_parts(p.as_ptr(), PAGE) };
        assert!(first.iter().all(|&x| x == 0));
        // SAFETY: offset 10 is within the buffer.
        unsafe { p.as_ptr().add(10).write(5) };
        assert!(b.grow(PAGE, 3 * PAGE, 4 * PAGE));
        let p = b.base();
        // SAFETY: the buffer now holds 3 * PAGE initialised bytes.
        let all = unsafe { core::slice::from_raw_parts(p.as_ptr(), 3 * PAGE) };
        assert_eq!(all[10], 5);
        assert_eq!(all.iter().filter(|&&x| x != 0).count(), 1);

        let mut e = heap::Backing::new(0, 0).unwrap();
        assert!(e.grow(0, PAGE, PAGE));
        // SAFETY: the buffer now holds PAGE initialised bytes.
        let grown = unsafe { core::slice::from_raw_parts(e.base().as_ptr(), PAGE) };
        assert!(grown.iter().all(|&x| x == 0));
    }

    #[test]
    fn is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<LinearMemory>();
    }
}
