//! Named hook calls: the vDSO imports `hook_call` and `hook_result` (ABI.md, "Hook calls").
//!
//! ```ignore
//! let args = br##"{"body":"#[\"$0.Alleged: Store\",\"colour\"]","slots":["d-1"]}"##;
//! match hermetic_engine::hooks::call("store.get", args) {
//!     Ok(result) => { /* result capdata JSON, e.g. {"body":"#\"blue\"","slots":[]} */ }
//!     Err(HookError::NotFound) => { /* hook not granted to this process */ }
//!     Err(other) => return Err(other.into()),
//! }
//! ```
//!
//! The imports appear in an engine only if it calls these functions: an engine that makes no
//! hook call keeps `vdso.process_exit` as its only import, and one that does loads only on a
//! host that grants hooks.

use crate::Status;
use std::fmt;

mod vdso {
    #[link(wasm_import_module = "vdso")]
    extern "C" {
        pub fn hook_call(
            name_ptr: i32,
            name_len: i32,
            capdata_ptr: i32,
            capdata_len: i32,
            result_ptr: i32,
            result_cap: i32,
        ) -> i64;
        pub fn hook_result(result_ptr: i32, result_cap: i32) -> i64;
    }
}

/// Longest hook name in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 256;

/// Size of the stack buffer [`call`] gives the host first; a longer result is fetched with
/// one `hook_result` into a buffer of exactly its length.
pub const FIRST_BUFFER: usize = 256;

/// Why a hook call failed: the negative status the vDSO returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookError {
    /// -1: the hook failed; the host keeps the cause.
    Internal,
    /// -2: this vDSO has no hook calls.
    NotSupported,
    /// -3: argument bytes, result bytes or number of calls over the process's limit.
    NoResources,
    /// -10: malformed capdata or smallcaps body, slot index out of range, name not UTF-8.
    InvalidArgs,
    /// -11: a slot the host never gave this engine.
    BadHandle,
    /// -14: a pointer or length outside linear memory, or a name empty or over 256 bytes.
    OutOfRange,
    /// -15: `hook_result` with a buffer still too small.
    BufferTooSmall,
    /// -25: unknown or ungranted hook, or no pending result.
    NotFound,
    /// Any other negative value.
    Other(i64),
}

impl HookError {
    /// The status for a negative vDSO result.
    pub const fn from_code(code: i64) -> HookError {
        match code {
            -1 => HookError::Internal,
            -2 => HookError::NotSupported,
            -3 => HookError::NoResources,
            -10 => HookError::InvalidArgs,
            -11 => HookError::BadHandle,
            -14 => HookError::OutOfRange,
            -15 => HookError::BufferTooSmall,
            -25 => HookError::NotFound,
            other => HookError::Other(other),
        }
    }

    /// The Zircon number, negative.
    pub const fn code(self) -> i64 {
        match self {
            HookError::Internal => -1,
            HookError::NotSupported => -2,
            HookError::NoResources => -3,
            HookError::InvalidArgs => -10,
            HookError::BadHandle => -11,
            HookError::OutOfRange => -14,
            HookError::BufferTooSmall => -15,
            HookError::NotFound => -25,
            HookError::Other(code) => code,
        }
    }

    /// The ABI's name for the status, `"OTHER"` for an unlisted one.
    pub const fn name(self) -> &'static str {
        match self {
            HookError::Internal => "INTERNAL",
            HookError::NotSupported => "NOT_SUPPORTED",
            HookError::NoResources => "NO_RESOURCES",
            HookError::InvalidArgs => "INVALID_ARGS",
            HookError::BadHandle => "BAD_HANDLE",
            HookError::OutOfRange => "OUT_OF_RANGE",
            HookError::BufferTooSmall => "BUFFER_TOO_SMALL",
            HookError::NotFound => "NOT_FOUND",
            HookError::Other(_) => "OTHER",
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

impl From<HookError> for Status {
    /// The same number as an engine status; a value outside `i32` becomes INTERNAL.
    fn from(error: HookError) -> Status {
        match i32::try_from(error.code()) {
            Ok(code) if code < 0 => Status(code),
            _ => Status::INTERNAL,
        }
    }
}

/// Calls hook `name` exactly once with `capdata` (UTF-8 JSON `{"body":"#...","slots":[...]}`,
/// slots in the engine's own references) and returns the result capdata. The host first gets
/// a [`FIRST_BUFFER`]-byte stack buffer; a longer result stays pending in the host and is
/// fetched with one `hook_result` into a buffer of exactly its length.
pub fn call(name: &str, capdata: &[u8]) -> Result<Vec<u8>, HookError> {
    let mut first = [0u8; FIRST_BUFFER];
    let len = call_into(name, capdata, &mut first)?;
    if len <= first.len() {
        return Ok(first[..len].to_vec());
    }
    let mut result = vec![0u8; len];
    let fetched = result_into(&mut result)?;
    if fetched != len {
        return Err(HookError::Internal);
    }
    Ok(result)
}

/// `hook_call` into a caller's buffer: returns the result length `r`; the result is in
/// `result[..r]` if `r <= result.len()`, otherwise it is pending for [`result_into`].
pub fn call_into(name: &str, capdata: &[u8], result: &mut [u8]) -> Result<usize, HookError> {
    // SAFETY: each pointer/length pair names a live slice for the duration of the call, and
    // the host writes at most result.len() bytes at result's address (it checks bounds too).
    let r = unsafe {
        vdso::hook_call(
            name.as_ptr() as usize as i32,
            len_i32(name.len()),
            capdata.as_ptr() as usize as i32,
            len_i32(capdata.len()),
            result.as_mut_ptr() as usize as i32,
            len_i32(result.len()),
        )
    };
    length_or_error(r)
}

/// `hook_result`: copies the pending result of the last call into `result` and returns its
/// length; [`HookError::BufferTooSmall`] if it still does not fit (it stays pending),
/// [`HookError::NotFound`] if nothing is pending.
pub fn result_into(result: &mut [u8]) -> Result<usize, HookError> {
    // SAFETY: as in call_into.
    let r = unsafe { vdso::hook_result(result.as_mut_ptr() as usize as i32, len_i32(result.len())) };
    length_or_error(r)
}

/// A length as the ABI's i32; a slice longer than `i32::MAX` cannot exist in wasm32 memory,
/// so saturating only matters on other targets.
fn len_i32(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

fn length_or_error(r: i64) -> Result<usize, HookError> {
    if r < 0 {
        Err(HookError::from_code(r))
    } else {
        usize::try_from(r).map_err(|_| HookError::OutOfRange)
    }
}
