package dev.hermetic.hooks;

/**
 * An engine's linear memory as a hook gate sees it: the host's vDSO passes one in, so pointer
 * and length checks happen in the gate, in the same order for every call, before any byte is
 * copied. Addresses and lengths are Wasm {@code i32}s, read as unsigned.
 */
public interface EngineMemory {
    /** The memory's current size in bytes. */
    long size();

    /** Copies {@code length} bytes at {@code address}; the gate has checked the range. */
    byte[] read(int address, int length);

    /** Writes {@code bytes} at {@code address}; the gate has checked the range. */
    void write(int address, byte[] bytes);

    /** Whether [address, address + length) lies inside the memory, both read as unsigned. */
    default boolean contains(int address, int length) {
        return Integer.toUnsignedLong(address) + Integer.toUnsignedLong(length) <= size();
    }
}
