//! The per-store WASI state: arguments, environment, clocks and the descriptor table.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, File};

use crate::errno::{Errno, WasiResult};
use crate::rights::{self, Rights};

/// Where a standard stream goes.
pub(crate) enum Stream {
    /// The host process's own stdin, stdout or stderr (by fd number).
    Inherit(i32),
    /// Reads come from this source.
    Reader(Box<dyn Read + Send>),
    /// Writes go to this sink.
    Writer(Box<dyn Write + Send>),
    /// Reads see end of file; writes are discarded.
    Null,
}

/// What a guest file descriptor refers to.
pub(crate) enum Handle {
    Stream(Stream),
    File(File),
    /// A directory; `preopen` is the guest path for preopened ones.
    Dir {
        dir: Dir,
        preopen: Option<String>,
    },
}

pub(crate) struct Descriptor {
    pub(crate) handle: Handle,
    pub(crate) rights_base: Rights,
    pub(crate) rights_inheriting: Rights,
}

impl Descriptor {
    /// Fails with `ENOTCAPABLE` unless the descriptor holds every right in `needed`.
    pub(crate) fn require(&self, needed: Rights) -> WasiResult {
        if self.rights_base & needed == needed { Ok(()) } else { Err(Errno::NOTCAPABLE) }
    }
}

/// WASI state for one store: what the guest sees of the outside world.
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) fds: Vec<Option<Descriptor>>,
}

impl WasiCtx {
    /// A builder for a context.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    pub(crate) fn get(&self, fd: u32) -> WasiResult<&Descriptor> {
        self.fds.get(fd as usize).and_then(Option::as_ref).ok_or(Errno::BADF)
    }

    pub(crate) fn get_mut(&mut self, fd: u32) -> WasiResult<&mut Descriptor> {
        self.fds.get_mut(fd as usize).and_then(Option::as_mut).ok_or(Errno::BADF)
    }

    /// Stores `descriptor` at the lowest free number, as POSIX `open` does.
    pub(crate) fn insert(&mut self, descriptor: Descriptor) -> WasiResult<u32> {
        let slot = match self.fds.iter().position(Option::is_none) {
            Some(slot) => slot,
            None => {
                self.fds.push(None);
                self.fds.len() - 1
            }
        };
        let fd = u32::try_from(slot).map_err(|_| Errno::MFILE)?;
        self.fds[slot] = Some(descriptor);
        Ok(fd)
    }
}

/// Builds a [`WasiCtx`]: arguments, environment, standard streams and preopened
/// directories. Nothing of the host is visible unless given here.
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Stream,
    stdout: Stream,
    stderr: Stream,
    preopens: Vec<(Dir, String)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// No arguments, no environment, null standard streams, no directories.
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Stream::Null,
            stdout: Stream::Null,
            stderr: Stream::Null,
            preopens: Vec::new(),
        }
    }

    /// Appends one argument; the first is by convention the program's name.
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args(&mut self, args: &[impl AsRef<str>]) -> &mut Self {
        self.args.extend(args.iter().map(|arg| arg.as_ref().to_string()));
        self
    }

    /// Sets an environment variable.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Gives the guest the host's stdin, stdout and stderr.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin = Stream::Inherit(0);
        self.stdout = Stream::Inherit(1);
        self.stderr = Stream::Inherit(2);
        self
    }

    /// The guest reads its stdin from `input`.
    pub fn stdin(&mut self, input: impl Read + Send + 'static) -> &mut Self {
        self.stdin = Stream::Reader(Box::new(input));
        self
    }

    /// The guest's stdout goes to `output` (e.g. an [`OutputPipe`]).
    pub fn stdout(&mut self, output: impl Write + Send + 'static) -> &mut Self {
        self.stdout = Stream::Writer(Box::new(output));
        self
    }

    /// The guest's stderr goes to `output`.
    pub fn stderr(&mut self, output: impl Write + Send + 'static) -> &mut Self {
        self.stderr = Stream::Writer(Box::new(output));
        self
    }

    /// Lets the guest use the host directory `host_path` under the name `guest_path`.
    /// The guest reaches nothing outside it: not through `..`, absolute paths or symlinks.
    /// Fails with the OS's error if `host_path` cannot be opened as a directory; the caller
    /// knows best how to name the path in a message.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl Into<String>,
    ) -> io::Result<&mut Self> {
        let dir = Dir::open_ambient_dir(host_path, ambient_authority())?;
        self.preopens.push((dir, guest_path.into()));
        Ok(self)
    }

    /// The context; the builder is left empty.
    pub fn build(&mut self) -> WasiCtx {
        let built = std::mem::take(self);
        let stream =
            |stream, base| Some(Descriptor { handle: Handle::Stream(stream), rights_base: base, rights_inheriting: 0 });
        let mut fds = vec![
            stream(built.stdin, rights::STDIN),
            stream(built.stdout, rights::STDOUT),
            stream(built.stderr, rights::STDOUT),
        ];
        for (dir, guest_path) in built.preopens {
            fds.push(Some(Descriptor {
                handle: Handle::Dir { dir, preopen: Some(guest_path) },
                rights_base: rights::DIRECTORY_BASE,
                rights_inheriting: rights::DIRECTORY_INHERITING,
            }));
        }
        WasiCtx { args: built.args, env: built.env, fds }
    }
}

/// An in-memory sink for a guest's output, readable by the host while and after the guest
/// runs.
#[derive(Clone, Default)]
pub struct OutputPipe {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl OutputPipe {
    /// An empty pipe.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.buffer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

impl Write for OutputPipe {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
