//! The `wasi_snapshot_preview1` functions, over a guest's memory and its [`WasiCtx`].
//!
//! Each function returns the errno the guest sees; guest pointers are checked by
//! [`GuestMemory`], paths are resolved by `cap-std` inside the descriptor's directory.

use std::io::{Read, Seek, SeekFrom, Write};

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, SystemTimeSpec};
use cap_std::fs::{Dir, File, Metadata, MetadataExt, OpenOptions};

use crate::ctx::{Descriptor, Handle, Stream, WasiCtx};
use crate::errno::{Errno, WasiResult};
use crate::guest::GuestMemory;
use crate::rights::{self, Rights};

// Layout constants of `wasi_snapshot_preview1`.
const FILETYPE_UNKNOWN: u8 = 0;
const FILETYPE_BLOCK_DEVICE: u8 = 1;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;
const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const FILETYPE_SOCKET_STREAM: u8 = 6;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

const FDFLAGS_APPEND: u16 = 1;
const FDFLAGS_DSYNC: u16 = 2;
const FDFLAGS_NONBLOCK: u16 = 4;
const FDFLAGS_RSYNC: u16 = 8;
const FDFLAGS_SYNC: u16 = 16;

const OFLAGS_CREAT: u16 = 1;
const OFLAGS_DIRECTORY: u16 = 2;
const OFLAGS_EXCL: u16 = 4;
const OFLAGS_TRUNC: u16 = 8;

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

const FSTFLAGS_ATIM: u16 = 1;
const FSTFLAGS_ATIM_NOW: u16 = 2;
const FSTFLAGS_MTIM: u16 = 4;
const FSTFLAGS_MTIM_NOW: u16 = 8;

const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;

/// One WASI call's view: the guest's memory and the store's WASI state.
pub(crate) struct Cx<'a> {
    pub(crate) mem: GuestMemory<'a>,
    pub(crate) wasi: &'a mut WasiCtx,
}

/// A `filestat` record.
#[derive(Default)]
struct Filestat {
    dev: u64,
    ino: u64,
    filetype: u8,
    nlink: u64,
    size: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

impl Filestat {
    fn to_bytes(&self) -> [u8; 64] {
        let mut bytes = [0u8; 64];
        bytes[0..8].copy_from_slice(&self.dev.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.ino.to_le_bytes());
        bytes[16] = self.filetype;
        bytes[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.size.to_le_bytes());
        bytes[40..48].copy_from_slice(&self.atim.to_le_bytes());
        bytes[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        bytes[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        bytes
    }

    fn from_stat(stat: &rustix::fs::Stat) -> Self {
        Filestat {
            dev: stat.st_dev,
            ino: stat.st_ino,
            filetype: filetype_of_mode(stat.st_mode),
            nlink: stat.st_nlink,
            size: stat.st_size as u64,
            atim: nanos(stat.st_atime, stat.st_atime_nsec as i64),
            mtim: nanos(stat.st_mtime, stat.st_mtime_nsec as i64),
            ctim: nanos(stat.st_ctime, stat.st_ctime_nsec as i64),
        }
    }

    fn from_metadata(metadata: &Metadata) -> Self {
        Filestat {
            dev: metadata.dev(),
            ino: metadata.ino(),
            filetype: filetype_of(&metadata.file_type()),
            nlink: metadata.nlink(),
            size: metadata.len(),
            atim: nanos(metadata.atime(), metadata.atime_nsec()),
            mtim: nanos(metadata.mtime(), metadata.mtime_nsec()),
            ctim: nanos(metadata.ctime(), metadata.ctime_nsec()),
        }
    }
}

/// A POSIX time (seconds and nanoseconds) as WASI's nanoseconds since the epoch.
fn nanos(secs: i64, nsecs: i64) -> u64 {
    (secs as u64).wrapping_mul(1_000_000_000).wrapping_add(nsecs as u64)
}

fn filetype_of_mode(mode: u32) -> u8 {
    use rustix::fs::FileType as T;
    match T::from_raw_mode(mode) {
        T::RegularFile => FILETYPE_REGULAR_FILE,
        T::Directory => FILETYPE_DIRECTORY,
        T::Symlink => FILETYPE_SYMBOLIC_LINK,
        T::CharacterDevice => FILETYPE_CHARACTER_DEVICE,
        T::BlockDevice => FILETYPE_BLOCK_DEVICE,
        T::Socket => FILETYPE_SOCKET_STREAM,
        _ => FILETYPE_UNKNOWN,
    }
}

fn filetype_of(file_type: &cap_std::fs::FileType) -> u8 {
    use cap_std::fs::FileTypeExt;
    if file_type.is_dir() {
        FILETYPE_DIRECTORY
    } else if file_type.is_file() {
        FILETYPE_REGULAR_FILE
    } else if file_type.is_symlink() {
        FILETYPE_SYMBOLIC_LINK
    } else if file_type.is_char_device() {
        FILETYPE_CHARACTER_DEVICE
    } else if file_type.is_block_device() {
        FILETYPE_BLOCK_DEVICE
    } else if file_type.is_socket() {
        FILETYPE_SOCKET_STREAM
    } else {
        FILETYPE_UNKNOWN
    }
}

/// The file a descriptor refers to: `EBADF` for directories and streams.
fn file_of(descriptor: &Descriptor) -> WasiResult<&File> {
    match &descriptor.handle {
        Handle::File(file) => Ok(file),
        Handle::Dir { .. } => Err(Errno::BADF),
        Handle::Stream(_) => Err(Errno::SPIPE),
    }
}

fn dir_of(descriptor: &Descriptor) -> WasiResult<&Dir> {
    match &descriptor.handle {
        Handle::Dir { dir, .. } => Ok(dir),
        _ => Err(Errno::NOTDIR),
    }
}

/// A timestamp for `utimensat`-style calls from WASI's `fstflags`.
fn time_spec(value: u64, set: bool, now: bool) -> WasiResult<Option<SystemTimeSpec>> {
    match (set, now) {
        (true, true) => Err(Errno::INVAL),
        (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
        (true, false) => {
            let time = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(value);
            Ok(Some(SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(time))))
        }
        (false, false) => Ok(None),
    }
}

fn timestamp(value: u64, set: bool, now: bool) -> WasiResult<rustix::fs::Timespec> {
    Ok(match (set, now) {
        (true, true) => return Err(Errno::INVAL),
        (false, true) => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
        (true, false) => {
            rustix::fs::Timespec { tv_sec: (value / 1_000_000_000) as i64, tv_nsec: (value % 1_000_000_000) as _ }
        }
        (false, false) => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_OMIT },
    })
}

fn check_fstflags(flags: u16) -> WasiResult {
    if flags & !(FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW) != 0 {
        return Err(Errno::INVAL);
    }
    Ok(())
}

fn clock_id(id: u32) -> WasiResult<rustix::time::ClockId> {
    use rustix::time::ClockId;
    Ok(match id {
        0 => ClockId::Realtime,
        1 => ClockId::Monotonic,
        2 => ClockId::ProcessCPUTime,
        3 => ClockId::ThreadCPUTime,
        _ => return Err(Errno::INVAL),
    })
}

fn now(id: u32) -> WasiResult<u64> {
    let time = rustix::time::clock_gettime(clock_id(id)?);
    Ok(nanos(time.tv_sec, time.tv_nsec as i64))
}

/// Writes a list of NUL-terminated strings and the pointers to them (argv/environ).
fn write_strings(mem: &mut GuestMemory<'_>, strings: &[String], pointers: u32, buffer: u32) -> WasiResult {
    let mut offset = buffer;
    for (i, string) in strings.iter().enumerate() {
        mem.write_u32(pointers.checked_add(4 * i as u32).ok_or(Errno::FAULT)?, offset)?;
        mem.write(offset, string.as_bytes())?;
        let end = offset.checked_add(string.len() as u32).ok_or(Errno::FAULT)?;
        mem.write(end, &[0])?;
        offset = end + 1;
    }
    Ok(())
}

impl Cx<'_> {
    fn environ_strings(&self) -> Vec<String> {
        self.wasi.env.iter().map(|(key, value)| format!("{key}={value}")).collect()
    }

    pub(crate) fn args_get(&mut self, argv: u32, argv_buf: u32) -> WasiResult {
        let args = self.wasi.args.clone();
        write_strings(&mut self.mem, &args, argv, argv_buf)
    }

    pub(crate) fn args_sizes_get(&mut self, argc: u32, buf_size: u32) -> WasiResult {
        let size: usize = self.wasi.args.iter().map(|arg| arg.len() + 1).sum();
        self.mem.write_u32(argc, self.wasi.args.len() as u32)?;
        self.mem.write_u32(buf_size, size as u32)
    }

    pub(crate) fn environ_get(&mut self, environ: u32, environ_buf: u32) -> WasiResult {
        let strings = self.environ_strings();
        write_strings(&mut self.mem, &strings, environ, environ_buf)
    }

    pub(crate) fn environ_sizes_get(&mut self, count: u32, buf_size: u32) -> WasiResult {
        let strings = self.environ_strings();
        let size: usize = strings.iter().map(|s| s.len() + 1).sum();
        self.mem.write_u32(count, strings.len() as u32)?;
        self.mem.write_u32(buf_size, size as u32)
    }

    pub(crate) fn clock_res_get(&mut self, id: u32, resolution: u32) -> WasiResult {
        let res = rustix::time::clock_getres(clock_id(id)?);
        self.mem.write_u64(resolution, nanos(res.tv_sec, res.tv_nsec as i64).max(1))
    }

    pub(crate) fn clock_time_get(&mut self, id: u32, _precision: u64, time: u32) -> WasiResult {
        let time_now = now(id)?;
        self.mem.write_u64(time, time_now)
    }

    pub(crate) fn fd_advise(&mut self, fd: u32, offset: u64, len: u64, advice: u32) -> WasiResult {
        use rustix::fs::Advice;
        let descriptor = self.wasi.get(fd)?;
        let file = file_of(descriptor)?;
        descriptor.require(rights::FD_ADVISE)?;
        let advice = match advice {
            0 => Advice::Normal,
            1 => Advice::Sequential,
            2 => Advice::Random,
            3 => Advice::WillNeed,
            4 => Advice::DontNeed,
            5 => Advice::NoReuse,
            _ => return Err(Errno::INVAL),
        };
        offset.checked_add(len).filter(|end| *end <= i64::MAX as u64).ok_or(Errno::INVAL)?;
        rustix::fs::fadvise(file, offset, std::num::NonZeroU64::new(len), advice)?;
        Ok(())
    }

    pub(crate) fn fd_allocate(&mut self, fd: u32, offset: u64, len: u64) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        let file = file_of(descriptor)?;
        descriptor.require(rights::FD_ALLOCATE)?;
        let end = offset.checked_add(len).filter(|end| *end <= i64::MAX as u64).ok_or(Errno::INVAL)?;
        // Like posix_fallocate: only ever grows the file.
        let size = file.metadata()?.len();
        if end > size {
            match rustix::fs::fallocate(file, rustix::fs::FallocateFlags::empty(), offset, len) {
                Ok(()) => {}
                // Filesystems without fallocate: extending the length gives the same view.
                Err(rustix::io::Errno::OPNOTSUPP) => file.set_len(end)?,
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    pub(crate) fn fd_close(&mut self, fd: u32) -> WasiResult {
        let slot = self.wasi.fds.get_mut(fd as usize).ok_or(Errno::BADF)?;
        if slot.take().is_none() {
            return Err(Errno::BADF);
        }
        Ok(())
    }

    pub(crate) fn fd_datasync(&mut self, fd: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        descriptor.require(rights::FD_DATASYNC)?;
        rustix::fs::fdatasync(file_of(descriptor)?)?;
        Ok(())
    }

    pub(crate) fn fd_sync(&mut self, fd: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        descriptor.require(rights::FD_SYNC)?;
        match &descriptor.handle {
            Handle::File(file) => rustix::fs::fsync(file)?,
            Handle::Dir { dir, .. } => rustix::fs::fsync(dir)?,
            Handle::Stream(_) => return Err(Errno::INVAL),
        }
        Ok(())
    }

    pub(crate) fn fd_fdstat_get(&mut self, fd: u32, stat: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        let (filetype, flags) = match &descriptor.handle {
            Handle::File(file) => {
                let filetype = filetype_of_mode(rustix::fs::fstat(file)?.st_mode);
                (filetype, fdflags_of(rustix::fs::fcntl_getfl(file)?))
            }
            Handle::Dir { .. } => (FILETYPE_DIRECTORY, 0),
            Handle::Stream(Stream::Inherit(n)) => {
                let fd = host_stdio(*n);
                let filetype = if rustix::termios::isatty(fd) { FILETYPE_CHARACTER_DEVICE } else { FILETYPE_UNKNOWN };
                (filetype, 0)
            }
            Handle::Stream(_) => (FILETYPE_UNKNOWN, 0),
        };
        let mut bytes = [0u8; 24];
        bytes[0] = filetype;
        bytes[2..4].copy_from_slice(&flags.to_le_bytes());
        bytes[8..16].copy_from_slice(&descriptor.rights_base.to_le_bytes());
        bytes[16..24].copy_from_slice(&descriptor.rights_inheriting.to_le_bytes());
        self.mem.write(stat, &bytes)
    }

    pub(crate) fn fd_fdstat_set_flags(&mut self, fd: u32, flags: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        descriptor.require(rights::FD_FDSTAT_SET_FLAGS)?;
        let flags = u16::try_from(flags).map_err(|_| Errno::INVAL)?;
        if flags & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC) != 0 {
            // Linux cannot change the synchronisation mode of an open file.
            return Err(Errno::NOTSUP);
        }
        let file = file_of(descriptor)?;
        let mut oflags = rustix::fs::fcntl_getfl(file)?;
        oflags.set(rustix::fs::OFlags::APPEND, flags & FDFLAGS_APPEND != 0);
        oflags.set(rustix::fs::OFlags::NONBLOCK, flags & FDFLAGS_NONBLOCK != 0);
        rustix::fs::fcntl_setfl(file, oflags)?;
        Ok(())
    }

    pub(crate) fn fd_fdstat_set_rights(&mut self, fd: u32, base: u64, inheriting: u64) -> WasiResult {
        let descriptor = self.wasi.get_mut(fd)?;
        // Rights can only be dropped, never gained.
        if base & !descriptor.rights_base != 0 || inheriting & !descriptor.rights_inheriting != 0 {
            return Err(Errno::NOTCAPABLE);
        }
        descriptor.rights_base = base;
        descriptor.rights_inheriting = inheriting;
        Ok(())
    }

    pub(crate) fn fd_filestat_get(&mut self, fd: u32, buf: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        descriptor.require(rights::FD_FILESTAT_GET)?;
        let stat = match &descriptor.handle {
            Handle::File(file) => Filestat::from_stat(&rustix::fs::fstat(file)?),
            Handle::Dir { dir, .. } => Filestat::from_stat(&rustix::fs::fstat(dir)?),
            Handle::Stream(Stream::Inherit(n)) => {
                let mut stat = Filestat::from_stat(&rustix::fs::fstat(host_stdio(*n))?);
                if stat.filetype != FILETYPE_CHARACTER_DEVICE {
                    stat.filetype = FILETYPE_UNKNOWN;
                }
                stat
            }
            Handle::Stream(_) => Filestat::default(),
        };
        self.mem.write(buf, &stat.to_bytes())
    }

    pub(crate) fn fd_filestat_set_size(&mut self, fd: u32, size: u64) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        let file = file_of(descriptor)?;
        descriptor.require(rights::FD_FILESTAT_SET_SIZE)?;
        if size > i64::MAX as u64 {
            return Err(Errno::INVAL);
        }
        file.set_len(size)?;
        Ok(())
    }

    pub(crate) fn fd_filestat_set_times(&mut self, fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        descriptor.require(rights::FD_FILESTAT_SET_TIMES)?;
        let flags = u16::try_from(fst_flags).map_err(|_| Errno::INVAL)?;
        check_fstflags(flags)?;
        let times = rustix::fs::Timestamps {
            last_access: timestamp(atim, flags & FSTFLAGS_ATIM != 0, flags & FSTFLAGS_ATIM_NOW != 0)?,
            last_modification: timestamp(mtim, flags & FSTFLAGS_MTIM != 0, flags & FSTFLAGS_MTIM_NOW != 0)?,
        };
        match &descriptor.handle {
            Handle::File(file) => rustix::fs::futimens(file, &times)?,
            Handle::Dir { dir, .. } => rustix::fs::futimens(dir, &times)?,
            Handle::Stream(_) => return Err(Errno::BADF),
        }
        Ok(())
    }

    pub(crate) fn fd_pread(&mut self, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> WasiResult {
        let iovecs = self.mem.iovecs(iovs, iovs_len)?;
        let descriptor = self.wasi.get(fd)?;
        let file = file_of(descriptor)?;
        descriptor.require(rights::FD_READ | rights::FD_SEEK)?;
        let total: usize = iovecs.iter().map(|&(_, len)| len as usize).sum();
        let mut buffer = vec![0u8; total];
        let n = rustix::io::pread(file, &mut buffer, offset)?;
        let placed = self.mem.scatter(&iovecs, &buffer[..n])?;
        self.mem.write_u32(nread, placed as u32)
    }

    pub(crate) fn fd_pwrite(&mut self, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> WasiResult {
        let data = self.mem.gather(iovs, iovs_len)?;
        let descriptor = self.wasi.get(fd)?;
        let file = file_of(descriptor)?;
        descriptor.require(rights::FD_WRITE | rights::FD_SEEK)?;
        let n = rustix::io::pwrite(file, &data, offset)?;
        self.mem.write_u32(nwritten, n as u32)
    }

    pub(crate) fn fd_read(&mut self, fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> WasiResult {
        let iovecs = self.mem.iovecs(iovs, iovs_len)?;
        let total: usize = iovecs.iter().map(|&(_, len)| len as usize).sum();
        let descriptor = self.wasi.get_mut(fd)?;
        descriptor.require(rights::FD_READ)?;
        let mut buffer = vec![0u8; total];
        let n = match &mut descriptor.handle {
            Handle::File(file) => file.read(&mut buffer)?,
            Handle::Dir { .. } => return Err(Errno::BADF),
            Handle::Stream(Stream::Inherit(n)) => rustix::io::read(host_stdio(*n), &mut buffer)?,
            Handle::Stream(Stream::Reader(reader)) => reader.read(&mut buffer)?,
            Handle::Stream(Stream::Writer(_)) => return Err(Errno::BADF),
            Handle::Stream(Stream::Null) => 0,
        };
        let placed = self.mem.scatter(&iovecs, &buffer[..n])?;
        self.mem.write_u32(nread, placed as u32)
    }

    pub(crate) fn fd_write(&mut self, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> WasiResult {
        let data = self.mem.gather(iovs, iovs_len)?;
        let descriptor = self.wasi.get_mut(fd)?;
        descriptor.require(rights::FD_WRITE)?;
        let n = match &mut descriptor.handle {
            Handle::File(file) => file.write(&data)?,
            Handle::Dir { .. } => return Err(Errno::BADF),
            Handle::Stream(Stream::Inherit(n)) => {
                // Unbuffered, so output interleaves with the host's and survives a trap.
                let fd = host_stdio(*n);
                let mut written = 0;
                while written < data.len() {
                    match rustix::io::write(fd, &data[written..]) {
                        Ok(n) => written += n,
                        Err(rustix::io::Errno::INTR) => continue,
                        Err(error) if written == 0 => return Err(error.into()),
                        Err(_) => break,
                    }
                }
                written
            }
            Handle::Stream(Stream::Writer(writer)) => {
                writer.write_all(&data)?;
                data.len()
            }
            Handle::Stream(Stream::Reader(_)) => return Err(Errno::BADF),
            Handle::Stream(Stream::Null) => data.len(),
        };
        self.mem.write_u32(nwritten, n as u32)
    }

    pub(crate) fn fd_prestat_get(&mut self, fd: u32, buf: u32) -> WasiResult {
        let Handle::Dir { preopen: Some(name), .. } = &self.wasi.get(fd)?.handle else {
            return Err(Errno::BADF);
        };
        let mut bytes = [0u8; 8];
        bytes[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
        self.mem.write(buf, &bytes)
    }

    pub(crate) fn fd_prestat_dir_name(&mut self, fd: u32, path: u32, path_len: u32) -> WasiResult {
        let Handle::Dir { preopen: Some(name), .. } = &self.wasi.get(fd)?.handle else {
            return Err(Errno::BADF);
        };
        if (path_len as usize) < name.len() {
            return Err(Errno::NAMETOOLONG);
        }
        let name = name.clone();
        self.mem.write(path, name.as_bytes())
    }

    pub(crate) fn fd_readdir(&mut self, fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> WasiResult {
        let descriptor = self.wasi.get(fd)?;
        let dir = dir_of(descriptor).map_err(|_| Errno::NOTDIR)?;
        descriptor.require(rights::FD_READDIR)?;
        let this = dir.dir_metadata()?;
        let mut entries: Vec<(u64, u8, Vec<u8>)> =
            vec![(this.ino(), FILETYPE_DIRECTORY, b".".to_vec()), (0, FILETYPE_DIRECTORY, b"..".to_vec())];
        for entry in dir.entries()? {
            let entry = entry?;
            use rustix::fs::DirEntryExt as _;
            use std::os::unix::ffi::OsStrExt;
            let filetype = entry.file_type().map(|t| filetype_of(&t)).unwrap_or(FILETYPE_UNKNOWN);
            entries.push((entry.ino(), filetype, entry.file_name().as_bytes().to_vec()));
        }
        let mut out = Vec::new();
        for (index, (ino, filetype, name)) in
            entries.iter().enumerate().skip(usize::try_from(cookie).unwrap_or(usize::MAX))
        {
            if out.len() >= buf_len as usize {
                break;
            }
            let mut header = [0u8; 24];
            header[0..8].copy_from_slice(&(index as u64 + 1).to_le_bytes());
            header[8..16].copy_from_slice(&ino.to_le_bytes());
            header[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
            header[20] = *filetype;
            out.extend_from_slice(&header);
            out.extend_from_slice(name);
        }
        // A full buffer tells the guest to call again with a larger one.
        out.truncate(buf_len as usize);
        self.mem.write(buf, &out)?;
        self.mem.write_u32(bufused, out.len() as u32)
    }

    pub(crate) fn fd_renumber(&mut self, from: u32, to: u32) -> WasiResult {
        self.wasi.get(from)?;
        self.wasi.get(to)?;
        if from == to {
            return Ok(());
        }
        let descriptor = self.wasi.fds[from as usize].take();
        self.wasi.fds[to as usize] = descriptor;
        Ok(())
    }

    pub(crate) fn fd_seek(&mut self, fd: u32, offset: i64, whence: u32, newoffset: u32) -> WasiResult {
        let descriptor = self.wasi.get_mut(fd)?;
        let needed = if offset == 0 && whence == 1 { rights::FD_TELL } else { rights::FD_SEEK | rights::FD_TELL };
        let position = match whence {
            0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
            1 => SeekFrom::Current(offset),
            2 => SeekFrom::End(offset),
            _ => return Err(Errno::INVAL),
        };
        let file = match &mut descriptor.handle {
            Handle::File(file) => file,
            Handle::Dir { .. } => return Err(Errno::BADF),
            Handle::Stream(_) => return Err(Errno::SPIPE),
        };
        if descriptor.rights_base & needed == 0 {
            return Err(Errno::NOTCAPABLE);
        }
        let position = file.seek(position)?;
        self.mem.write_u64(newoffset, position)
    }

    pub(crate) fn fd_tell(&mut self, fd: u32, offset: u32) -> WasiResult {
        let descriptor = self.wasi.get_mut(fd)?;
        descriptor.require(rights::FD_TELL)?;
        let position = match &mut descriptor.handle {
            Handle::File(file) => file.stream_position()?,
            Handle::Dir { .. } => return Err(Errno::BADF),
            Handle::Stream(_) => return Err(Errno::SPIPE),
        };
        self.mem.write_u64(offset, position)
    }

    /// The directory `fd` refers to, once `needed` rights are checked, and the guest path.
    fn dir_and_path(&self, fd: u32, needed: Rights, path: u32, path_len: u32) -> WasiResult<(&Dir, &str)> {
        let descriptor = self.wasi.get(fd)?;
        let dir = dir_of(descriptor)?;
        descriptor.require(needed)?;
        let path = self.mem.str(path, path_len)?;
        if path.contains('\0') {
            return Err(Errno::INVAL);
        }
        Ok((dir, path))
    }

    pub(crate) fn path_create_directory(&mut self, fd: u32, path: u32, path_len: u32) -> WasiResult {
        let (dir, path) = self.dir_and_path(fd, rights::PATH_CREATE_DIRECTORY, path, path_len)?;
        dir.create_dir(path)?;
        Ok(())
    }

    pub(crate) fn path_filestat_get(&mut self, fd: u32, flags: u32, path: u32, path_len: u32, buf: u32) -> WasiResult {
        let (dir, path) = self.dir_and_path(fd, rights::PATH_FILESTAT_GET, path, path_len)?;
        let metadata =
            if flags & LOOKUP_SYMLINK_FOLLOW != 0 { dir.metadata(path)? } else { dir.symlink_metadata(path)? };
        let stat = Filestat::from_metadata(&metadata);
        self.mem.write(buf, &stat.to_bytes())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_filestat_set_times(
        &mut self,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> WasiResult {
        let fst = u16::try_from(fst_flags).map_err(|_| Errno::INVAL)?;
        check_fstflags(fst)?;
        let atime = time_spec(atim, fst & FSTFLAGS_ATIM != 0, fst & FSTFLAGS_ATIM_NOW != 0)?;
        let mtime = time_spec(mtim, fst & FSTFLAGS_MTIM != 0, fst & FSTFLAGS_MTIM_NOW != 0)?;
        let (dir, path) = self.dir_and_path(fd, rights::PATH_FILESTAT_SET_TIMES, path, path_len)?;
        if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
            dir.set_times(path, atime, mtime)?;
        } else {
            dir.set_symlink_times(path, atime, mtime)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_link(
        &mut self,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> WasiResult {
        if old_flags & LOOKUP_SYMLINK_FOLLOW != 0 {
            // Following a symlink would let the link point wherever the symlink does.
            return Err(Errno::INVAL);
        }
        let (old_dir, old_path) = self.dir_and_path(old_fd, rights::PATH_LINK_SOURCE, old_path, old_path_len)?;
        let (new_dir, new_path) = self.dir_and_path(new_fd, rights::PATH_LINK_TARGET, new_path, new_path_len)?;
        old_dir.hard_link(old_path, new_dir, new_path)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_open(
        &mut self,
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u32,
        opened_fd: u32,
    ) -> WasiResult {
        let oflags = u16::try_from(oflags).map_err(|_| Errno::INVAL)?;
        let fdflags = u16::try_from(fdflags).map_err(|_| Errno::INVAL)?;
        // Checked first, so a bad result pointer cannot leave an unreachable open descriptor.
        self.mem.slice(opened_fd, 4)?;
        let parent = self.wasi.get(fd)?;
        let mut needed = rights::PATH_OPEN;
        if oflags & OFLAGS_CREAT != 0 {
            needed |= rights::PATH_CREATE_FILE;
        }
        if oflags & OFLAGS_TRUNC != 0 {
            needed |= rights::PATH_FILESTAT_SET_SIZE;
        }
        let inheritable = parent.rights_inheriting;
        let (dir, path) = self.dir_and_path(fd, needed, path, path_len)?;
        let follow = if dirflags & LOOKUP_SYMLINK_FOLLOW != 0 { FollowSymlinks::Yes } else { FollowSymlinks::No };
        let want_write = rights_base & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0
            || fdflags & FDFLAGS_APPEND != 0
            || oflags & OFLAGS_TRUNC != 0;
        let want_read = rights_base & (rights::FD_READ | rights::FD_READDIR) != 0 || !want_write;
        let handle = if oflags & OFLAGS_DIRECTORY != 0 {
            if oflags & (OFLAGS_CREAT | OFLAGS_TRUNC | OFLAGS_EXCL) != 0 {
                return Err(Errno::INVAL);
            }
            if rights_base & rights::FD_WRITE != 0 {
                // As `open(O_DIRECTORY | O_RDWR)` fails on POSIX.
                return Err(Errno::ISDIR);
            }
            let dir = match follow {
                FollowSymlinks::Yes => dir.open_dir(path)?,
                FollowSymlinks::No => dir.open_dir_nofollow(path)?,
            };
            Handle::Dir { dir, preopen: None }
        } else {
            let mut options = OpenOptions::new();
            options.read(want_read).write(want_write || oflags & OFLAGS_CREAT != 0);
            if oflags & OFLAGS_CREAT != 0 {
                if oflags & OFLAGS_EXCL != 0 {
                    options.create_new(true);
                } else {
                    options.create(true);
                }
            }
            options.truncate(oflags & OFLAGS_TRUNC != 0);
            options.follow(follow);
            // A path without O_DIRECTORY may still name a directory, which opens read-only.
            options.maybe_dir(!want_write && oflags & OFLAGS_CREAT == 0);
            use cap_std::fs::OpenOptionsExt;
            // O_APPEND goes in as a raw flag: std's `append` refuses to combine with O_TRUNC,
            // which POSIX allows.
            let mut custom = 0;
            if fdflags & FDFLAGS_APPEND != 0 {
                custom |= rustix::fs::OFlags::APPEND.bits() as i32;
            }
            if fdflags & FDFLAGS_NONBLOCK != 0 {
                custom |= rustix::fs::OFlags::NONBLOCK.bits() as i32;
            }
            if fdflags & FDFLAGS_DSYNC != 0 {
                custom |= rustix::fs::OFlags::DSYNC.bits() as i32;
            }
            if fdflags & (FDFLAGS_SYNC | FDFLAGS_RSYNC) != 0 {
                custom |= rustix::fs::OFlags::SYNC.bits() as i32;
            }
            options.custom_flags(custom);
            let file = dir.open_with(path, &options)?;
            if file.metadata()?.is_dir() {
                Handle::Dir { dir: Dir::from_std_file(file.into_std()), preopen: None }
            } else {
                Handle::File(file)
            }
        };
        let base_limit = match handle {
            Handle::Dir { .. } => rights::DIRECTORY_BASE,
            _ => rights::FILE,
        };
        let descriptor = Descriptor {
            handle,
            rights_base: rights_base & inheritable & base_limit,
            rights_inheriting: rights_inheriting & inheritable,
        };
        let new_fd = self.wasi.insert(descriptor)?;
        self.mem.write_u32(opened_fd, new_fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_readlink(
        &mut self,
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> WasiResult {
        let (dir, path) = self.dir_and_path(fd, rights::PATH_READLINK, path, path_len)?;
        let target = dir.read_link_contents(path)?;
        use std::os::unix::ffi::OsStrExt;
        let bytes = target.as_os_str().as_bytes().to_vec();
        let n = bytes.len().min(buf_len as usize);
        self.mem.write(buf, &bytes[..n])?;
        self.mem.write_u32(bufused, n as u32)
    }

    pub(crate) fn path_remove_directory(&mut self, fd: u32, path: u32, path_len: u32) -> WasiResult {
        let (dir, path) = self.dir_and_path(fd, rights::PATH_REMOVE_DIRECTORY, path, path_len)?;
        dir.remove_dir(path)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_rename(
        &mut self,
        fd: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> WasiResult {
        let (old_dir, old_path) = self.dir_and_path(fd, rights::PATH_RENAME_SOURCE, old_path, old_path_len)?;
        let (new_dir, new_path) = self.dir_and_path(new_fd, rights::PATH_RENAME_TARGET, new_path, new_path_len)?;
        old_dir.rename(old_path, new_dir, new_path)?;
        Ok(())
    }

    pub(crate) fn path_symlink(
        &mut self,
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> WasiResult {
        let target = self.mem.str(old_path, old_path_len)?.to_string();
        let (dir, new_path) = self.dir_and_path(fd, rights::PATH_SYMLINK, new_path, new_path_len)?;
        dir.symlink(target, new_path)?;
        Ok(())
    }

    pub(crate) fn path_unlink_file(&mut self, fd: u32, path: u32, path_len: u32) -> WasiResult {
        let (dir, path) = self.dir_and_path(fd, rights::PATH_UNLINK_FILE, path, path_len)?;
        dir.remove_file(path)?;
        Ok(())
    }

    pub(crate) fn poll_oneoff(&mut self, subscriptions: u32, events: u32, count: u32, nevents: u32) -> WasiResult {
        if count == 0 {
            return Err(Errno::INVAL);
        }
        self.mem.slice(subscriptions, count.checked_mul(48).ok_or(Errno::FAULT)?)?;
        self.mem.slice(events, count.checked_mul(32).ok_or(Errno::FAULT)?)?;
        let mut clocks = Vec::new();
        let mut fd_subscriptions = Vec::new();
        let mut ready = Vec::new();
        for i in 0..count {
            let sub = subscriptions + i * 48;
            let userdata = self.mem.read_u64(sub)?;
            match self.mem.read_u8(sub + 8)? {
                EVENTTYPE_CLOCK => {
                    let id = self.mem.read_u32(sub + 16)?;
                    let timeout = self.mem.read_u64(sub + 24)?;
                    let flags = self.mem.read_u16(sub + 40)?;
                    let current = match now(id) {
                        Ok(current) => current,
                        Err(errno) => {
                            ready.push(Event { userdata, error: errno, kind: EVENTTYPE_CLOCK, nbytes: 0 });
                            continue;
                        }
                    };
                    let deadline =
                        if flags & SUBCLOCKFLAGS_ABSTIME != 0 { timeout } else { current.saturating_add(timeout) };
                    clocks.push((userdata, id, deadline));
                }
                kind @ (EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE) => {
                    let fd = self.mem.read_u32(sub + 16)?;
                    match self.poll_target(fd, kind) {
                        Ok(Some(host_fd)) => fd_subscriptions.push((userdata, kind, host_fd)),
                        Ok(None) => {
                            let nbytes = if kind == EVENTTYPE_FD_READ { self.readable_bytes(fd) } else { 0 };
                            ready.push(Event { userdata, error: Errno::SUCCESS, kind, nbytes });
                        }
                        Err(errno) => ready.push(Event { userdata, error: errno, kind, nbytes: 0 }),
                    }
                }
                _ => return Err(Errno::INVAL),
            }
        }
        if ready.is_empty() {
            self.wait(&clocks, &fd_subscriptions, &mut ready)?;
        }
        for (i, event) in ready.iter().enumerate() {
            let mut bytes = [0u8; 32];
            bytes[0..8].copy_from_slice(&event.userdata.to_le_bytes());
            bytes[8..10].copy_from_slice(&event.error.0.to_le_bytes());
            bytes[10] = event.kind;
            bytes[16..24].copy_from_slice(&event.nbytes.to_le_bytes());
            self.mem.write(events + i as u32 * 32, &bytes)?;
        }
        self.mem.write_u32(nevents, ready.len() as u32)
    }

    /// For an fd subscription: `Some(host fd)` when readiness must be waited for (host
    /// stdio), `None` when the descriptor is always ready (files, in-memory streams).
    fn poll_target(&self, fd: u32, kind: u8) -> WasiResult<Option<i32>> {
        let descriptor = self.wasi.get(fd)?;
        descriptor.require(rights::POLL_FD_READWRITE)?;
        let needed = if kind == EVENTTYPE_FD_READ { rights::FD_READ } else { rights::FD_WRITE };
        descriptor.require(needed)?;
        match &descriptor.handle {
            Handle::Stream(Stream::Inherit(n)) => Ok(Some(*n)),
            Handle::Dir { .. } => Err(Errno::BADF),
            _ => Ok(None),
        }
    }

    fn readable_bytes(&self, fd: u32) -> u64 {
        let Ok(Handle::File(file)) = self.wasi.get(fd).map(|d| &d.handle) else { return 0 };
        let size = rustix::fs::fstat(file).map(|s| s.st_size as u64).unwrap_or(0);
        let position = rustix::fs::seek(file, rustix::fs::SeekFrom::Current(0)).unwrap_or(0);
        size.saturating_sub(position)
    }

    /// Blocks until a host stdio subscription is ready or the earliest clock expires.
    fn wait(&self, clocks: &[(u64, u32, u64)], fds: &[(u64, u8, i32)], ready: &mut Vec<Event>) -> WasiResult {
        let timeout = clocks
            .iter()
            .map(|&(_, id, deadline)| deadline.saturating_sub(now(id).unwrap_or(deadline)))
            .min()
            .map(std::time::Duration::from_nanos);
        if fds.is_empty() {
            if let Some(timeout) = timeout {
                std::thread::sleep(timeout);
            }
        } else {
            use rustix::event::{PollFd, PollFlags};
            let borrowed: Vec<_> = fds.iter().map(|&(_, _, n)| host_stdio(n)).collect();
            let mut poll_fds: Vec<PollFd<'_>> = fds
                .iter()
                .zip(&borrowed)
                .map(|(&(_, kind, _), fd)| {
                    PollFd::new(fd, if kind == EVENTTYPE_FD_READ { PollFlags::IN } else { PollFlags::OUT })
                })
                .collect();
            let timespec =
                timeout.map(|t| rustix::event::Timespec { tv_sec: t.as_secs() as i64, tv_nsec: t.subsec_nanos() as _ });
            loop {
                match rustix::event::poll(&mut poll_fds, timespec.as_ref()) {
                    Ok(_) => break,
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(error) => return Err(error.into()),
                }
            }
            for (poll_fd, &(userdata, kind, _)) in poll_fds.iter().zip(fds) {
                let revents = poll_fd.revents();
                if revents.is_empty() {
                    continue;
                }
                let error = if revents.contains(PollFlags::NVAL) { Errno::BADF } else { Errno::SUCCESS };
                ready.push(Event { userdata, error, kind, nbytes: 0 });
            }
        }
        for &(userdata, id, deadline) in clocks {
            if now(id).is_ok_and(|current| current >= deadline) || (ready.is_empty() && fds.is_empty()) {
                ready.push(Event { userdata, error: Errno::SUCCESS, kind: EVENTTYPE_CLOCK, nbytes: 0 });
            }
        }
        Ok(())
    }

    pub(crate) fn proc_raise(&mut self, _signal: u32) -> WasiResult {
        Err(Errno::NOSYS)
    }

    pub(crate) fn sched_yield(&mut self) -> WasiResult {
        std::thread::yield_now();
        Ok(())
    }

    pub(crate) fn random_get(&mut self, buf: u32, buf_len: u32) -> WasiResult {
        let bytes = self.mem.slice_mut(buf, buf_len)?;
        getrandom::fill(bytes).map_err(|_| Errno::IO)
    }

    /// Gannet's WASI has no sockets: any open descriptor is "not a socket".
    fn not_a_socket(&self, fd: u32) -> WasiResult {
        self.wasi.get(fd)?;
        Err(Errno::NOTSOCK)
    }

    pub(crate) fn sock_accept(&mut self, fd: u32, _flags: u32, _opened: u32) -> WasiResult {
        self.not_a_socket(fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sock_recv(
        &mut self,
        fd: u32,
        _data: u32,
        _len: u32,
        _flags: u32,
        _n: u32,
        _oflags: u32,
    ) -> WasiResult {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_send(&mut self, fd: u32, _data: u32, _len: u32, _flags: u32, _n: u32) -> WasiResult {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_shutdown(&mut self, fd: u32, _how: u32) -> WasiResult {
        self.not_a_socket(fd)
    }
}

struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
}

fn fdflags_of(flags: rustix::fs::OFlags) -> u16 {
    use rustix::fs::OFlags;
    let mut result = 0;
    if flags.contains(OFlags::APPEND) {
        result |= FDFLAGS_APPEND;
    }
    if flags.contains(OFlags::NONBLOCK) {
        result |= FDFLAGS_NONBLOCK;
    }
    if flags.contains(OFlags::SYNC) {
        result |= FDFLAGS_SYNC;
    } else if flags.contains(OFlags::DSYNC) {
        result |= FDFLAGS_DSYNC;
    }
    result
}

/// The host's own stdin, stdout or stderr.
fn host_stdio(n: i32) -> std::os::fd::BorrowedFd<'static> {
    match n {
        0 => rustix::stdio::stdin(),
        1 => rustix::stdio::stdout(),
        _ => rustix::stdio::stderr(),
    }
}
