package dev.hermetic.host.internal;

/** The process's memory needs more than its limits allow at a point where Wasm has no way to say no (instantiation, a page commit). */
public final class MemoryLimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemoryLimitExceeded(String message) {
        super(message);
    }
}
