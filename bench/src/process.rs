//! Child processes: protocol workers (one per engine and program, kept alive across its
//! runs) and one-shot native runs. Every child is reaped with `wait4`, which gives its
//! own peak resident set size (`ru_maxrss`), not one shared with other children.

use crate::worker::PREFIX;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a child ended, and its peak RSS.
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    /// `Some(code)` after a normal exit, `None` after a signal.
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub max_rss_kb: u64,
}

impl Exit {
    pub fn describe(&self) -> String {
        match (self.code, self.signal) {
            (Some(c), _) => format!("exit code {c}"),
            (None, Some(s)) => format!("killed by signal {s}{}", signal_name(s)),
            _ => "unknown exit".to_string(),
        }
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => " (SIGSEGV: invalid memory access)",
        libc::SIGABRT => " (SIGABRT)",
        libc::SIGKILL => " (SIGKILL)",
        libc::SIGBUS => " (SIGBUS)",
        libc::SIGILL => " (SIGILL)",
        libc::SIGFPE => " (SIGFPE)",
        _ => "",
    }
}

/// Waits for `pid` with `wait4`, polling so that a child past `timeout` can be killed.
/// Returns `None` if the deadline passed (the child was then killed and reaped).
pub fn wait_with_timeout(pid: u32, timeout: Duration) -> (Option<Exit>, bool) {
    let deadline = Instant::now() + timeout;
    let mut sleep = Duration::from_micros(50);
    loop {
        if let Some(exit) = wait4(pid, libc::WNOHANG) {
            return (Some(exit), false);
        }
        if Instant::now() >= deadline {
            // SAFETY: plain syscall on a child we spawned and have not reaped yet.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            return (wait4(pid, 0), true);
        }
        std::thread::sleep(sleep);
        sleep = (sleep * 2).min(Duration::from_millis(5));
    }
}

fn wait4(pid: u32, flags: libc::c_int) -> Option<Exit> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, fully written by the kernel on success.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pointers to live locals; pid is our own child.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, flags, &mut usage) };
        if r == pid as libc::pid_t {
            let (code, signal) = if libc::WIFEXITED(status) {
                (Some(libc::WEXITSTATUS(status)), None)
            } else if libc::WIFSIGNALED(status) {
                (None, Some(libc::WTERMSIG(status)))
            } else {
                (None, None)
            };
            return Some(Exit { code, signal, max_rss_kb: usage.ru_maxrss.max(0) as u64 });
        }
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
}

/// A running protocol worker.
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    /// Set once the child has been reaped (after it died on its own).
    exit: Option<Exit>,
}

/// Keeps the last part of a child's stderr, for error messages.
const STDERR_KEEP: usize = 4000;

impl Worker {
    pub fn spawn(mut command: Command) -> Result<Worker, String> {
        let program = format!("{:?}", command.get_program());
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| format!("cannot start {program}: {e}"))?;
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(json) = line.strip_prefix(PREFIX)
                    && let Ok(value) = serde_json::from_str::<Value>(json)
                    && tx.send(value).is_err()
                {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.lock().unwrap();
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
                if s.len() > 2 * STDERR_KEEP {
                    let cut = s.len() - STDERR_KEEP;
                    let cut = (cut..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
                    s.drain(..cut);
                }
            }
        });
        let stdin = child.stdin.take();
        Ok(Worker { child, stdin, lines: rx, stderr, exit: None })
    }

    /// The next protocol message, or why there is none.
    pub fn recv(&mut self, timeout: Duration) -> Result<Value, WorkerFailure> {
        match self.lines.recv_timeout(timeout) {
            Ok(v) => Ok(v),
            Err(RecvTimeoutError::Timeout) => Err(WorkerFailure::Timeout(timeout)),
            Err(RecvTimeoutError::Disconnected) => {
                // The worker closed stdout: it died. Reap it to say how.
                let (exit, _) = wait_with_timeout(self.child.id(), Duration::from_secs(5));
                self.exit = exit;
                let how = exit.map(|e| e.describe()).unwrap_or_else(|| "did not exit".into());
                Err(WorkerFailure::Died(format!("worker died ({how}){}", self.stderr_tail())))
            }
        }
    }

    pub fn send(&mut self, command: &str) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("worker stdin closed")?;
        writeln!(stdin, "{command}").and_then(|_| stdin.flush()).map_err(|e| format!("cannot write to worker: {e}"))
    }

    /// The last lines the worker wrote to stderr, formatted for an error message.
    pub fn stderr_tail(&self) -> String {
        let s = self.stderr.lock().unwrap();
        let t = s.trim();
        if t.is_empty() {
            String::new()
        } else {
            let lines: Vec<&str> = t.lines().collect();
            let tail = &lines[lines.len().saturating_sub(6)..];
            format!(": {}", tail.join(" | "))
        }
    }

    /// Ends the worker: asks it to quit, reads its farewell, and reaps it.
    pub fn finish(mut self, timeout: Duration) -> (Option<Value>, Option<Exit>) {
        let _ = self.send("quit");
        drop(self.stdin.take());
        let bye = match self.lines.recv_timeout(timeout) {
            Ok(v) if v["event"] == "bye" => Some(v),
            _ => None,
        };
        if self.exit.is_some() {
            return (bye, self.exit);
        }
        let (exit, _) = wait_with_timeout(self.child.id(), timeout);
        (bye, exit)
    }

    /// Kills the worker at once (after a timeout or a protocol failure).
    pub fn kill(mut self) -> Option<Exit> {
        if self.exit.is_some() {
            return self.exit;
        }
        let _ = self.child.kill();
        wait_with_timeout(self.child.id(), Duration::from_secs(5)).0
    }
}

#[derive(Debug)]
pub enum WorkerFailure {
    Timeout(Duration),
    Died(String),
}

/// Runs a native benchmark binary once: `<binary> N` prints `<checksum> <nanoseconds>`.
pub fn run_native(binary: &std::path::Path, n: i32, timeout: Duration) -> Result<(i64, u64, u64), String> {
    let mut child = Command::new(binary)
        .arg(n.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let (exit, timed_out) = wait_with_timeout(child.id(), timeout);
    let out = out_thread.join().unwrap_or_default();
    let err = err_thread.join().unwrap_or_default();
    if timed_out {
        return Err(format!("timed out after {}s", timeout.as_secs()));
    }
    let exit = exit.ok_or("could not reap the native process")?;
    if exit.code != Some(0) {
        return Err(format!("native run failed ({}): {}", exit.describe(), err.trim()));
    }
    let mut parts = out.split_whitespace();
    let (Some(sum), Some(ns)) = (parts.next(), parts.next()) else {
        return Err(format!("native output is not `<checksum> <nanoseconds>`: {:?}", out.trim()));
    };
    let sum = sum.parse::<i64>().map_err(|e| format!("native checksum `{sum}`: {e}"))?;
    let ns = ns.parse::<u64>().map_err(|e| format!("native time `{ns}`: {e}"))?;
    Ok((sum, ns, exit.max_rss_kb))
}
