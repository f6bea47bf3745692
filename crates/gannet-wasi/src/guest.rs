//! Bounds-checked access to guest memory: a bad pointer or length is `EFAULT`, never a host
//! fault.

use crate::errno::{Errno, WasiResult};

/// A guest's linear memory during one WASI call.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
        if end > self.bytes.len() { Err(Errno::FAULT) } else { Ok(start..end) }
    }

    pub(crate) fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let range = self.range(ptr, len)?;
        Ok(&self.bytes[range])
    }

    pub(crate) fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.bytes[range])
    }

    /// A guest string (e.g. a path); WASI strings are UTF-8.
    pub(crate) fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::ILSEQ)
    }

    pub(crate) fn write(&mut self, ptr: u32, data: &[u8]) -> WasiResult {
        let len = u32::try_from(data.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    pub(crate) fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.slice(ptr, 4)?.try_into().unwrap()))
    }

    pub(crate) fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.slice(ptr, 8)?.try_into().unwrap()))
    }

    pub(crate) fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.slice(ptr, 2)?.try_into().unwrap()))
    }

    pub(crate) fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.slice(ptr, 1)?[0])
    }

    pub(crate) fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult {
        self.write(ptr, &value.to_le_bytes())
    }

    pub(crate) fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult {
        self.write(ptr, &value.to_le_bytes())
    }

    /// The `(buf, len)` pairs of an `iovec`/`ciovec` array, each checked against memory.
    pub(crate) fn iovecs(&self, iovs: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let size = count.checked_mul(8).ok_or(Errno::FAULT)?;
        let table = self.slice(iovs, size)?;
        let mut result = Vec::with_capacity(count as usize);
        for entry in table.chunks_exact(8) {
            let buf = u32::from_le_bytes(entry[0..4].try_into().unwrap());
            let len = u32::from_le_bytes(entry[4..8].try_into().unwrap());
            self.range(buf, len)?;
            result.push((buf, len));
        }
        Ok(result)
    }

    /// The bytes the `ciovec`s point at, gathered into one buffer.
    pub(crate) fn gather(&self, iovs: u32, count: u32) -> WasiResult<Vec<u8>> {
        let mut data = Vec::new();
        for (buf, len) in self.iovecs(iovs, count)? {
            data.extend_from_slice(self.slice(buf, len)?);
        }
        Ok(data)
    }

    /// Copies `data` into the `iovec`s in order; returns how many bytes were placed.
    pub(crate) fn scatter(&mut self, iovecs: &[(u32, u32)], mut data: &[u8]) -> WasiResult<usize> {
        let mut placed = 0;
        for &(buf, len) in iovecs {
            if data.is_empty() {
                break;
            }
            let n = (len as usize).min(data.len());
            self.slice_mut(buf, n as u32)?.copy_from_slice(&data[..n]);
            data = &data[n..];
            placed += n;
        }
        Ok(placed)
    }
}
