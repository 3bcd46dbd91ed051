package dev.hermetic.host.abi;

/**
 * Every name of the engine ABI (wasm-engines/ABI.md): the vDSO imports, an engine's only door
 * out, and the exports the host calls or reads. Which imports a host grants is
 * {@link dev.hermetic.host.Vdso}'s choice; their signatures and the exports' are in ABI.md.
 */
public final class Abi {
    private Abi() {}

    /** The import module every vDSO function lives in. */
    public static final String VDSO_MODULE = "vdso";
    /** Import {@code vdso.process_exit(i64 code) -> ()}: ends the process with exit code {@code code}; never returns. */
    public static final String PROCESS_EXIT = "process_exit";
    /**
     * Import {@code vdso.hook_call(i32 name_ptr, i32 name_len, i32 capdata_ptr, i32 capdata_len,
     * i32 result_ptr, i32 result_cap) -> i64}: runs a granted hook once; the result's length, or a
     * negative status.
     */
    public static final String HOOK_CALL = "hook_call";
    /** Import {@code vdso.hook_result(i32 result_ptr, i32 result_cap) -> i64}: copies the pending result of the last hook call. */
    public static final String HOOK_RESULT = "hook_result";

    /** Export, always: the engine's linear memory, memory 0. */
    public static final String MEMORY = "memory";
    /** Export, always: the entry point, taking numbers (a span as two i32) and returning nothing or one number. */
    public static final String ENGINE_START = "engine_start";
    /** Export, optional, {@code () -> ()}: the zygote's warm-up, run once before a snapshot is taken. */
    public static final String ENGINE_INIT = "engine_init";
    /** Export, optional, {@code () -> ()}: a wasi-libc reactor's constructors; the host calls it once, before anything else. */
    public static final String INITIALIZE = "_initialize";
    /** Export, optional, {@code () -> i32}: base address of the span window, a multiple of 4096. */
    public static final String SPAN_WINDOW = "hermetic_span_window";
    /** Export, with {@link #SPAN_WINDOW}, {@code () -> i32}: the window's size in bytes, a positive multiple of 4096. */
    public static final String SPAN_WINDOW_SIZE = "hermetic_span_window_size";
    /** Export, optional, {@code () -> i32}: address of the log header; it must only return the address. */
    public static final String LOG = "hermetic_log";
}
