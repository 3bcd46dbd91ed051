package dev.hermetic.host.internal.wasm;


/**
 * A cursor over part of a WebAssembly binary: bytes, LEB128 numbers and names. Every read is
 * bounds-checked against {@link #limit}; running past it, or a LEB128 number longer than its
 * type allows, throws {@link MalformedModuleException} naming the offset.
 */
public final class WasmReader {

    /** The whole binary; offsets in messages are offsets into it. */
    private final byte[] bytes;

    /** The next byte to read; {@code start <= position <= limit}. */
    private int position;

    /** One past the last byte this reader may read; {@code limit <= bytes.length}. */
    private final int limit;

    /** Reads {@code bytes[start, limit)}. */
    public WasmReader(byte[] bytes, int start, int limit) {
        if (start < 0 || limit > bytes.length || start > limit) {
            throw new IllegalArgumentException("range [" + start + ", " + limit + ") outside " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.position = start;
        this.limit = limit;
    }

    /** Reads all of {@code bytes}. */
    public WasmReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public int position() {
        return position;
    }

    public boolean atEnd() {
        return position == limit;
    }

    public int remaining() {
        return limit - position;
    }

    /** The underlying binary (shared, not copied). */
    public byte[] bytes() {
        return bytes;
    }

    public int u8() {
        if (position >= limit) {
            throw malformed("unexpected end");
        }
        return bytes[position++] & 0xff;
    }

    /** {@code n} bytes, copied. */
    public byte[] bytes(int n) {
        skip(n);
        byte[] out = new byte[n];
        System.arraycopy(bytes, position - n, out, 0, n);
        return out;
    }

    public void skip(int n) {
        if (n < 0 || n > limit - position) {
            throw malformed("length " + Integer.toUnsignedString(n) + " runs past the end");
        }
        position += n;
    }

    /** An unsigned LEB128 number of at most 32 bits, returned as a non-negative long. */
    public long u32() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift == 28 && (b & 0xf0) != 0) {
                throw malformed("u32 LEB128 too long or too large");
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    /**
     * An unsigned LEB128 count, size or index that must also fit a Java array: at most
     * {@link Integer#MAX_VALUE}.
     */
    public int index() {
        int start = position;
        long value = u32();
        if (value > Integer.MAX_VALUE) {
            position = start;
            throw malformed("count or index " + value + " too large");
        }
        return (int) value;
    }

    /** A count of items each at least one byte long: more than the bytes left is malformed. */
    public int count() {
        int start = position;
        int n = index();
        if (n > remaining()) {
            position = start;
            throw malformed("count " + n + " exceeds the " + remaining() + " bytes left");
        }
        return n;
    }

    /** A signed LEB128 number of at most 32 bits. */
    public int s32() {
        int result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift == 28) {
                // The last byte holds 4 value bits; the rest must sign-extend them.
                int rest = b & 0x70;
                if ((b & 0x80) != 0 || (rest != 0 && rest != 0x70) || (rest == 0x70) != ((b & 0x08) != 0)) {
                    throw malformed("s32 LEB128 too long or too large");
                }
                return result | (b & 0x0f) << shift;
            }
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return shift + 7 < 32 && (b & 0x40) != 0 ? result | (-1 << (shift + 7)) : result;
            }
        }
    }

    /**
     * A signed LEB128 number of at most 33 bits: a block type or heap type, whose non-negative
     * values are type indices and whose negative ones are one-byte type codes.
     */
    public long s33() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift == 28) {
                // The last byte holds 5 value bits; the rest must sign-extend them.
                int rest = b & 0x60;
                if ((b & 0x80) != 0 || (rest != 0 && rest != 0x60) || (rest == 0x60) != ((b & 0x10) != 0)) {
                    throw malformed("s33 LEB128 too long or too large");
                }
                result |= (long) (b & 0x1f) << shift;
                return (b & 0x10) != 0 ? result | (-1L << 33) : result;
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (b & 0x40) != 0 ? result | (-1L << (shift + 7)) : result;
            }
        }
    }

    /** An unsigned LEB128 number of at most 64 bits (a memory64 offset), as the bits of a long. */
    public long u64() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift == 63) {
                if ((b & 0xfe) != 0) {
                    throw malformed("u64 LEB128 too long or too large");
                }
                return result | (long) b << 63;
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    /** A signed LEB128 number of at most 64 bits. */
    public long s64() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift == 63) {
                // The last byte holds 1 value bit; the rest must sign-extend it.
                if (b != 0x00 && b != 0x7f) {
                    throw malformed("s64 LEB128 too long or too large");
                }
                return result | (long) (b & 1) << 63;
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return shift + 7 < 64 && (b & 0x40) != 0 ? result | (-1L << (shift + 7)) : result;
            }
        }
    }

    /** A name: a byte vector that must be UTF-8; returned as a string. */
    public String name() {
        int n = index();
        int start = position;
        skip(n);
        var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes, start, n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            position = start;
            throw malformed("name is not UTF-8");
        }
    }

    /** The malformed-input exception for the current offset. */
    public MalformedModuleException malformed(String what) {
        return new MalformedModuleException("malformed module at offset " + position + ": " + what, null);
    }
}
