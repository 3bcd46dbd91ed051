package dev.hermetic.host.internal.wasm;

/**
 * The bytes are not a well-formed WebAssembly module: a size, count, index or encoding the
 * reader found wrong, named with its section and offset. The host's public layer reports it as
 * {@code EngineFormatException}, with the same message.
 */
public final class MalformedModuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedModuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
