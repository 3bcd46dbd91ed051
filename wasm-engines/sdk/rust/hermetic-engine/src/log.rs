//! The engine's log (ABI.md, "The log"): a bounded ring in the engine's memory that the host
//! reads when the process has ended, however it ended, and returns with the result
//! (`EngineProcess.log()`; `hermetic run` prints it to stderr). The same log C engines write
//! through stdout and stderr.
//!
//! ```ignore
//! hermetic_engine::log!("parsed {} rows", rows);
//! ```
//!
//! A panic writes its message here before the process exits with [`crate::EXIT_PANIC`].
//! Holds the last [`CAPACITY`] bytes; the host reports how many earlier ones were dropped.

use std::fmt;
use std::ptr::{addr_of, addr_of_mut};

/// Bytes the log holds; when more are written, the oldest go.
pub const CAPACITY: usize = 64 * 1024;

#[repr(C, align(4096))]
struct Ring([u8; CAPACITY]);

/// The header the host reads, at the address `hermetic_log()` returns. Invariants: `ring`
/// points at `capacity` bytes; `written` counts every byte ever appended, so the ring holds the
/// last `min(written, capacity)`, the newest ending at `written % capacity`.
#[repr(C)]
struct Header {
    ring: *const u8,
    capacity: u32,
    written: u64,
}

/// Zero pages cost nothing until written: the ring lies in .bss on pages of its own.
static mut RING: Ring = Ring([0; CAPACITY]);
static mut HEADER: Header = Header {
    // SAFETY: only the address is taken.
    ring: unsafe { addr_of!(RING) as *const u8 },
    capacity: CAPACITY as u32,
    written: 0,
};

/// The address of the log's header, for the host.
#[no_mangle]
pub extern "C" fn hermetic_log() -> i32 {
    // SAFETY: only the address is taken.
    unsafe { addr_of_mut!(HEADER) as usize as i32 }
}

/// Appends `bytes` to the log. Never fails; past [`CAPACITY`] the oldest bytes go.
pub fn write(bytes: &[u8]) {
    // SAFETY: an engine runs on one thread and nothing else touches the log while it runs.
    let header = unsafe { &mut *addr_of_mut!(HEADER) };
    let ring = unsafe { &mut (*addr_of_mut!(RING)).0 };
    let mut written = header.written;
    let mut bytes = bytes;
    if bytes.len() > CAPACITY {
        // Only the last CAPACITY bytes can stay; skip the rest as if written and dropped.
        written += (bytes.len() - CAPACITY) as u64;
        bytes = &bytes[bytes.len() - CAPACITY..];
    }
    let at = (written % CAPACITY as u64) as usize;
    let first = bytes.len().min(CAPACITY - at);
    ring[at..at + first].copy_from_slice(&bytes[..first]);
    ring[..bytes.len() - first].copy_from_slice(&bytes[first..]);
    header.written = written + bytes.len() as u64;
}

/// The log as a [`fmt::Write`] sink, for `write!`.
pub struct Log;

impl fmt::Write for Log {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write(s.as_bytes());
        Ok(())
    }
}

/// Writes a formatted line to the engine's log, like `eprintln!`.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {{
        use ::core::fmt::Write as _;
        let _ = ::core::writeln!($crate::log::Log, $($arg)*);
    }};
}
