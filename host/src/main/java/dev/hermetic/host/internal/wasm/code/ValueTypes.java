package dev.hermetic.host.internal.wasm.code;

import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.host.internal.wasm.WasmReader;

/**
 * Value types and heap types as the binary format codes them: a one-byte code read as signed
 * LEB128 (so {@code 0x7f}, i32, is -1), a reference prefix followed by a heap type, or, for a
 * heap type, a non-negative type index.
 */
public final class ValueTypes {
    public static final long I32 = -1;
    public static final long I64 = -2;
    public static final long F32 = -3;
    public static final long F64 = -4;
    public static final long V128 = -5;
    /** Packed storage types of struct and array fields (GC); not value types. */
    public static final long I8 = -8;
    public static final long I16 = -9;
    public static final long NOEXN = -12;
    public static final long NOFUNC = -13;
    public static final long NOEXTERN = -14;
    public static final long NONE = -15;
    public static final long FUNC = -16;
    public static final long EXTERN = -17;
    public static final long ANY = -18;
    public static final long EQ = -19;
    public static final long I31 = -20;
    public static final long STRUCT = -21;
    public static final long ARRAY = -22;
    public static final long EXN = -23;

    private ValueTypes() {}

    /** Whether {@code code} is an abstract heap type (and, as a value type, its nullable reference). */
    public static boolean isAbstractHeapType(long code) {
        return code >= EXN && code <= NOEXN;
    }

    /** Whether a one-byte code read as signed LEB128 is a value type or a reference prefix. */
    public static boolean isValueType(long code) {
        return (code >= V128 && code <= I32) || isAbstractHeapType(code) || Immediate.isRefPrefix(code);
    }

    /**
     * Reads a value type: {@code [type, heapType, heapTypeWidth]}; the heap type and its width
     * (0 when as short as possible) are 0 unless the type is a reference prefix.
     *
     * @param storage whether the packed field types i8 and i16 are allowed
     * @throws MalformedModuleException if the code is not a value type
     */
    public static long[] read(WasmReader in, boolean storage) {
        int at = in.position();
        int b = in.u8();
        long type = b - 0x80;
        if (b < 0x40 || !(isValueType(type) || (storage && (type == I8 || type == I16)))) {
            throw new MalformedModuleException(String.format("malformed module at offset %d: 0x%02x is not a value type", at, b), null);
        }
        if (!Immediate.isRefPrefix(type)) {
            return new long[] {type, 0, 0};
        }
        int heapAt = in.position();
        long heap = heapType(in);
        int width = in.position() - heapAt;
        return new long[] {type, heap, width == CodeDecoder.minimalSigned(heap) ? 0 : width};
    }

    /** Reads a heap type: an abstract one or a type index. */
    public static long heapType(WasmReader in) {
        int at = in.position();
        long heap = in.s33();
        if (heap < 0 && !isAbstractHeapType(heap)) {
            throw new MalformedModuleException("malformed module at offset " + at + ": " + heap + " is not a heap type", null);
        }
        return heap;
    }

    /** The proposal that introduced a value type (a heap type after a reference prefix). */
    public static Proposal proposal(long type, long heapType) {
        if (type >= F64 && type <= I32) {
            return Proposal.MVP;
        } else if (type == V128) {
            return Proposal.SIMD;
        } else if (type == FUNC || type == EXTERN) {
            return Proposal.REFERENCE_TYPES;
        } else if (Immediate.isRefPrefix(type)) {
            return heapType >= 0 || heapType == FUNC || heapType == EXTERN ? Proposal.FUNCTION_REFERENCES : proposal(heapType, 0);
        } else if (type == EXN || type == NOEXN) {
            return Proposal.EXCEPTIONS;
        }
        return Proposal.GC;
    }

    /** The text-format name of a value type, for messages. */
    public static String name(long type, long heapType) {
        if (Immediate.isRefPrefix(type)) {
            return "(ref " + (type == Immediate.REF_NULL_PREFIX ? "null " : "") + heapName(heapType) + ")";
        }
        return switch ((int) type) {
            case -1 -> "i32";
            case -2 -> "i64";
            case -3 -> "f32";
            case -4 -> "f64";
            case -5 -> "v128";
            case -8 -> "i8";
            case -9 -> "i16";
            default -> heapName(type) + "ref";
        };
    }

    private static String heapName(long heap) {
        return switch ((int) heap) {
            case -12 -> "noexn";
            case -13 -> "nofunc";
            case -14 -> "noextern";
            case -15 -> "none";
            case -16 -> "func";
            case -17 -> "extern";
            case -18 -> "any";
            case -19 -> "eq";
            case -20 -> "i31";
            case -21 -> "struct";
            case -22 -> "array";
            case -23 -> "exn";
            default -> Long.toString(heap);
        };
    }
}
