//! Hermetic engine SDK for Rust (std on `wasm32-unknown-unknown`).
//! The contract is `wasm-engines/ABI.md`.
//!
//! ```ignore
//! hermetic_engine::span_window!();
//! hermetic_engine::filter!(run);
//!
//! fn run(input: &[u8], output: &mut [u8]) -> Result<usize, hermetic_engine::Status> { ... }
//! ```
//!
//! A panic writes its message to the engine's [`log`] and ends the process with
//! [`EXIT_PANIC`] through `vdso.process_exit`, the only import this crate adds unless the
//! engine makes hook calls ([`hooks`]). [`log!`] writes a line to the same log.

use std::sync::atomic::{AtomicBool, Ordering};

mod vdso {
    #[link(wasm_import_module = "vdso")]
    extern "C" {
        pub fn process_exit(code: i64) -> !;
    }
}

pub mod hooks;
pub mod log;

/// Exit code of an engine that panicked.
pub const EXIT_PANIC: i64 = 101;

/// Span windows are made of whole host pages of this size.
pub const PAGE_SIZE: usize = 4096;

/// Size of the span window [`span_window!`] declares when given no size: 16 MiB.
pub const DEFAULT_SPAN_WINDOW_SIZE: usize = 16 << 20;

/// Ends the process with `code`. Never returns.
pub fn process_exit(code: i64) -> ! {
    // SAFETY: the host's process_exit takes any i64 and does not return.
    unsafe { vdso::process_exit(code) }
}

/// A failure status: a negative Zircon status number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(i32);

impl Status {
    pub const INTERNAL: Status = Status(-1);
    pub const NOT_SUPPORTED: Status = Status(-2);
    pub const NO_RESOURCES: Status = Status(-3);
    pub const NO_MEMORY: Status = Status(-4);
    pub const INVALID_ARGS: Status = Status(-10);
    pub const BAD_HANDLE: Status = Status(-11);
    pub const WRONG_TYPE: Status = Status(-12);
    pub const OUT_OF_RANGE: Status = Status(-14);
    pub const BUFFER_TOO_SMALL: Status = Status(-15);
    pub const BAD_STATE: Status = Status(-20);
    pub const NOT_FOUND: Status = Status(-25);
    pub const ACCESS_DENIED: Status = Status(-30);
    pub const IO_DATA_INTEGRITY: Status = Status(-42);

    /// The Zircon number, always negative.
    pub const fn raw(self) -> i32 {
        self.0
    }
}

/// Makes a panic write its message to the [`log`] and end the process with [`EXIT_PANIC`].
/// The entry-point macros call it; it is idempotent.
pub fn exit_on_panic() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if !INSTALLED.swap(true, Ordering::Relaxed) {
        std::panic::set_hook(Box::new(|info| {
            use std::fmt::Write as _;
            let _ = writeln!(log::Log, "{}", info);
            process_exit(EXIT_PANIC)
        }));
    }
}

/// The body of a filter `engine_start` (see [`filter!`]): checks the spans, runs `run` and
/// turns its result into the ABI's return value (bytes written, or a negative status).
pub fn run_filter(
    in_ptr: i32,
    in_len: i32,
    out_ptr: i32,
    out_cap: i32,
    run: fn(&[u8], &mut [u8]) -> Result<usize, Status>,
) -> i64 {
    exit_on_panic();
    if in_len < 0 || out_cap < 0 {
        return Status::INVALID_ARGS.raw().into();
    }
    // SAFETY: the host maps the input and output spans at these disjoint ranges of linear
    // memory for the duration of the call (ABI.md, "Spans").
    let (input, output) = unsafe { (span(in_ptr, in_len), span_mut(out_ptr, out_cap)) };
    match run(input, output) {
        Ok(written) if written <= output.len() => written as i64,
        Ok(_) => Status::INTERNAL.raw().into(),
        Err(status) => status.raw().into(),
    }
}

/// A span the host passed as `(ptr, len)`.
///
/// # Safety
/// `len` bytes at `ptr` must be mapped and not written for the lifetime of the slice.
pub unsafe fn span<'a>(ptr: i32, len: i32) -> &'a [u8] {
    if len <= 0 {
        return &[];
    }
    std::slice::from_raw_parts(ptr as u32 as usize as *const u8, len as usize)
}

/// A writable span the host passed as `(ptr, len)`.
///
/// # Safety
/// `len` bytes at `ptr` must be mapped writable and not aliased for the lifetime of the slice.
pub unsafe fn span_mut<'a>(ptr: i32, len: i32) -> &'a mut [u8] {
    if len <= 0 {
        return &mut [];
    }
    std::slice::from_raw_parts_mut(ptr as u32 as usize as *mut u8, len as usize)
}

/// Declares the span window: a page-aligned zero-initialised static no allocator can hand
/// out, exported as `hermetic_span_window` / `hermetic_span_window_size`. Without an argument
/// its size is [`DEFAULT_SPAN_WINDOW_SIZE`]; a given size must be a positive multiple of
/// [`PAGE_SIZE`]. Use once per engine.
#[macro_export]
macro_rules! span_window {
    () => {
        $crate::span_window!($crate::DEFAULT_SPAN_WINDOW_SIZE);
    };
    ($bytes:expr) => {
        const _: () = assert!(
            $bytes > 0 && $bytes % $crate::PAGE_SIZE == 0,
            "span window size must be a positive multiple of 4 KiB"
        );
        #[repr(C, align(4096))]
        struct HermeticSpanWindow([u8; $bytes]);
        static mut HERMETIC_SPAN_WINDOW: HermeticSpanWindow = HermeticSpanWindow([0; $bytes]);
        #[no_mangle]
        pub extern "C" fn hermetic_span_window() -> i32 {
            // SAFETY: only the address is taken; the host owns the window's contents.
            unsafe { ::core::ptr::addr_of!(HERMETIC_SPAN_WINDOW) as usize as i32 }
        }
        #[no_mangle]
        pub extern "C" fn hermetic_span_window_size() -> i32 {
            ($bytes) as i32
        }
    };
}

/// Exports `engine_start(i32 in_ptr, i32 in_len, i32 out_ptr, i32 out_cap) -> i64` (the
/// filter convention) calling `run(input, output) -> Result<usize, Status>`.
#[macro_export]
macro_rules! filter {
    ($run:path) => {
        #[no_mangle]
        pub extern "C" fn engine_start(in_ptr: i32, in_len: i32, out_ptr: i32, out_cap: i32) -> i64 {
            $crate::run_filter(in_ptr, in_len, out_ptr, out_cap, $run)
        }
    };
}

/// Exports `engine_init()`, the zygote warm-up, calling `init()`.
#[macro_export]
macro_rules! engine_init {
    ($init:path) => {
        #[no_mangle]
        pub extern "C" fn engine_init() {
            $crate::exit_on_panic();
            $init()
        }
    };
}
