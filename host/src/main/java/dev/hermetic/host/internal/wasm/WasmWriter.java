package dev.hermetic.host.internal.wasm;

import java.util.Arrays;

/** A growable byte buffer with the WebAssembly binary encodings: LEB128 numbers, vectors, names. */
public final class WasmWriter {

    /** The written bytes are {@code buffer[0, size)}. */
    private byte[] buffer;

    /** How many bytes are written; {@code size <= buffer.length}. */
    private int size;

    public WasmWriter() {
        this(64);
    }

    /** A writer with room for {@code capacity} bytes before it grows. */
    public WasmWriter(int capacity) {
        buffer = new byte[Math.max(16, capacity)];
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (more > buffer.length - size) {
            long wanted = Math.max((long) buffer.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("module larger than 2 GiB");
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
    }

    public WasmWriter u8(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
        return this;
    }

    public WasmWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public WasmWriter bytes(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Everything {@code other} wrote so far. */
    public WasmWriter bytes(WasmWriter other) {
        return bytes(other.buffer, 0, other.size);
    }

    /** An unsigned LEB128 number; {@code value} is taken as an unsigned 32-bit number. */
    public WasmWriter u32(long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException("not a u32: " + value);
        }
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            u8(value == 0 ? b : b | 0x80);
        } while (value != 0);
        return this;
    }

    /** A signed LEB128 number of 32 bits. */
    public WasmWriter s32(int value) {
        return s64(value);
    }

    /** A signed LEB128 number of 64 bits. */
    public WasmWriter s64(long value) {
        while (true) {
            int b = (int) (value & 0x7f);
            value >>= 7;
            boolean done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            u8(done ? b : b | 0x80);
            if (done) {
                return this;
            }
        }
    }

    /** A 32-bit value, little-endian (an f32's bits). */
    public WasmWriter fixed32(int value) {
        for (int i = 0; i < 4; i++) {
            u8(value >>> (8 * i));
        }
        return this;
    }

    /** A 64-bit value, little-endian (an f64's bits, half of a v128). */
    public WasmWriter fixed64(long value) {
        for (int i = 0; i < 8; i++) {
            u8((int) (value >>> (8 * i)));
        }
        return this;
    }

    /** A byte vector: its length, then the bytes. */
    public WasmWriter vector(byte[] b, int offset, int length) {
        u32(length);
        return bytes(b, offset, length);
    }

    public WasmWriter name(String name) {
        byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return vector(utf8, 0, utf8.length);
    }
}
