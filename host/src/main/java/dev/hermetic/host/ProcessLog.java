package dev.hermetic.host;

import java.nio.charset.StandardCharsets;

/**
 * What an engine wrote to its log while it ran: stdout and stderr for C engines on the SDK's
 * libc, {@code hermetic_engine::log!} and panic messages for Rust engines (ABI.md, "The log").
 * Read when the process ends, however it ended; a process whose engine has no log has an empty
 * one. The log is bounded: when the engine wrote more than its capacity, the oldest bytes are
 * gone and {@link #droppedBytes()} counts them.
 */
public final class ProcessLog {
    /** The log of an engine that wrote nothing or has no log. */
    public static final ProcessLog EMPTY = new ProcessLog(new byte[0], 0);

    /** The bytes the log still held, oldest first; never modified, never handed out. */
    private final byte[] bytes;
    /** Bytes written before {@link #bytes} that the log no longer held; never negative. */
    private final long droppedBytes;

    ProcessLog(byte[] bytes, long droppedBytes) {
        if (droppedBytes < 0) {
            throw new IllegalArgumentException("dropped bytes must not be negative: " + droppedBytes);
        }
        this.bytes = bytes.clone();
        this.droppedBytes = droppedBytes;
    }

    /** The bytes the log held at the end, oldest first (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@link #bytes()} as UTF-8, malformed sequences replaced. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** How many earlier bytes the engine wrote that the bounded log dropped. */
    public long droppedBytes() {
        return droppedBytes;
    }

    /** Whether the engine wrote more than the log could hold. */
    public boolean truncated() {
        return droppedBytes > 0;
    }

    public boolean isEmpty() {
        return bytes.length == 0 && droppedBytes == 0;
    }

    @Override
    public String toString() {
        return "ProcessLog[" + bytes.length + " bytes" + (truncated() ? ", " + droppedBytes + " dropped" : "") + "]";
    }
}
