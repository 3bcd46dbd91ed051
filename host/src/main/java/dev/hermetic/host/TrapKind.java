package dev.hermetic.host;

/** Why an engine trapped. */
public enum TrapKind {
    UNREACHABLE,
    OUT_OF_BOUNDS,
    READ_ONLY_WRITE,
    STACK_EXHAUSTED,
    INTEGER_DIVIDE_BY_ZERO,
    INTEGER_OVERFLOW,
    INVALID_CONVERSION,
    INDIRECT_CALL_MISMATCH,
    UNDEFINED_ELEMENT,
    TABLE_OUT_OF_BOUNDS,
    /** The engine's spans do not fit in its span window. */
    SPANS_DO_NOT_FIT,
    /**
     * A Wasm exception (the exception-handling proposal's {@code throw}) that no handler caught:
     * in C, a longjmp to a buffer whose setjmp caller has returned.
     */
    UNCAUGHT_EXCEPTION,
    /** Any other failure inside the engine, its message kept. */
    OTHER
}
