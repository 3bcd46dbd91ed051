package dev.hermetic.host.internal.wasm.code;

/**
 * The WebAssembly feature an instruction or a module construct belongs to: the 1.0 core
 * ({@link #MVP}), a proposal merged into 2.0 or 3.0, or one still outside the standard.
 * {@link #description()} is how messages name it.
 */
public enum Proposal {
    MVP("the WebAssembly 1.0 core"),
    SIGN_EXTENSION("sign-extension operators"),
    SATURATING_CONVERSIONS("non-trapping float-to-int conversions"),
    MULTI_VALUE("multi-value"),
    BULK_MEMORY("bulk memory"),
    REFERENCE_TYPES("reference types"),
    SIMD("SIMD"),
    RELAXED_SIMD("relaxed SIMD"),
    THREADS("threads (atomics and shared memory)"),
    LEGACY_EXCEPTIONS("legacy exception handling (try/catch/rethrow/delegate)"),
    EXCEPTIONS("exception handling (try_table/throw/throw_ref)"),
    TAIL_CALLS("tail calls"),
    FUNCTION_REFERENCES("typed function references"),
    GC("garbage collection (structs, arrays, i31)"),
    MEMORY64("memory64"),
    MULTI_MEMORY("multi-memory"),
    EXTENDED_CONST("extended constant expressions");

    /** A short phrase for messages, never empty. */
    private final String description;

    Proposal(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
