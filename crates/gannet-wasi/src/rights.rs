//! WASI rights: what a descriptor may be used for.

/// A set of `wasi_snapshot_preview1` rights bits.
pub(crate) type Rights = u64;

pub(crate) const FD_DATASYNC: Rights = 1 << 0;
pub(crate) const FD_READ: Rights = 1 << 1;
pub(crate) const FD_SEEK: Rights = 1 << 2;
pub(crate) const FD_FDSTAT_SET_FLAGS: Rights = 1 << 3;
pub(crate) const FD_SYNC: Rights = 1 << 4;
pub(crate) const FD_TELL: Rights = 1 << 5;
pub(crate) const FD_WRITE: Rights = 1 << 6;
pub(crate) const FD_ADVISE: Rights = 1 << 7;
pub(crate) const FD_ALLOCATE: Rights = 1 << 8;
pub(crate) const PATH_CREATE_DIRECTORY: Rights = 1 << 9;
pub(crate) const PATH_CREATE_FILE: Rights = 1 << 10;
pub(crate) const PATH_LINK_SOURCE: Rights = 1 << 11;
pub(crate) const PATH_LINK_TARGET: Rights = 1 << 12;
pub(crate) const PATH_OPEN: Rights = 1 << 13;
pub(crate) const FD_READDIR: Rights = 1 << 14;
pub(crate) const PATH_READLINK: Rights = 1 << 15;
pub(crate) const PATH_RENAME_SOURCE: Rights = 1 << 16;
pub(crate) const PATH_RENAME_TARGET: Rights = 1 << 17;
pub(crate) const PATH_FILESTAT_GET: Rights = 1 << 18;
pub(crate) const PATH_FILESTAT_SET_SIZE: Rights = 1 << 19;
pub(crate) const PATH_FILESTAT_SET_TIMES: Rights = 1 << 20;
pub(crate) const FD_FILESTAT_GET: Rights = 1 << 21;
pub(crate) const FD_FILESTAT_SET_SIZE: Rights = 1 << 22;
pub(crate) const FD_FILESTAT_SET_TIMES: Rights = 1 << 23;
pub(crate) const PATH_SYMLINK: Rights = 1 << 24;
pub(crate) const PATH_REMOVE_DIRECTORY: Rights = 1 << 25;
pub(crate) const PATH_UNLINK_FILE: Rights = 1 << 26;
pub(crate) const POLL_FD_READWRITE: Rights = 1 << 27;

/// Every right a regular file can use.
pub(crate) const FILE: Rights = FD_DATASYNC
    | FD_READ
    | FD_SEEK
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_TELL
    | FD_WRITE
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;

/// Every right a directory itself can use.
pub(crate) const DIRECTORY_BASE: Rights = FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_ADVISE
    | PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_OPEN
    | FD_READDIR
    | PATH_READLINK
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_FILESTAT_GET
    | PATH_FILESTAT_SET_SIZE
    | PATH_FILESTAT_SET_TIMES
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_TIMES
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE
    | POLL_FD_READWRITE;

/// What descriptors opened through a directory may get.
pub(crate) const DIRECTORY_INHERITING: Rights = DIRECTORY_BASE | FILE;

pub(crate) const STDIN: Rights = FD_READ | FD_FILESTAT_GET | POLL_FD_READWRITE;
pub(crate) const STDOUT: Rights = FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE;
