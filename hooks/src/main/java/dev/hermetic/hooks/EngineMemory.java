package dev.hermetic.hooks;

import java.util.function.ToLongFunction;

/**
 * An engine's linear memory as a hook gate sees it: the host's vDSO passes one in, so pointer
 * and length checks happen in the gate, in the same order for every call, before any byte is
 * copied. Addresses and lengths are Wasm {@code i32}s, read as unsigned. A vDSO makes one over
 * its runtime's memory with {@link #over}.
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

    /**
     * An engine memory over {@code memory}, an object of a Wasm runtime's own memory type, read
     * and written through three of its functions. This package depends on no runtime, so a
     * vDSO names its runtime's calls here, in one line; given method references (functions that
     * capture nothing), the memory returned is the one object made.
     *
     * @param size the memory's current size in bytes
     * @param read copies {@code length} bytes at {@code address}
     * @param write writes bytes at {@code address}
     */
    static <M> EngineMemory over(M memory, ToLongFunction<M> size, Reader<M> read, Writer<M> write) {
        return new EngineMemory() {
            @Override
            public long size() {
                return size.applyAsLong(memory);
            }

            @Override
            public byte[] read(int address, int length) {
                return read.read(memory, address, length);
            }

            @Override
            public void write(int address, byte[] bytes) {
                write.write(memory, address, bytes);
            }
        };
    }

    /** A runtime memory's read of {@code length} bytes at {@code address}, for {@link #over}. */
    @FunctionalInterface
    interface Reader<M> {
        byte[] read(M memory, int address, int length);
    }

    /** A runtime memory's write of {@code bytes} at {@code address}, for {@link #over}. */
    @FunctionalInterface
    interface Writer<M> {
        void write(M memory, int address, byte[] bytes);
    }
}
