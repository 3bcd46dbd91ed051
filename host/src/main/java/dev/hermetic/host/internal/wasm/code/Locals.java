package dev.hermetic.host.internal.wasm.code;

/**
 * One local declaration of a function body: {@code count} locals of one value type.
 *
 * @param count how many locals, 0 to 2^32-1 (the decoder caps the body's total)
 * @param type the value type as a one-byte type code read as signed LEB128: -1 i32, -2 i64,
 *     -3 f32, -4 f64, -5 v128, -16 funcref, -17 externref, ... ; {@link Immediate#REF_NULL_PREFIX}
 *     or {@link Immediate#REF_PREFIX} when a heap type follows
 * @param heapType the heap type after a reference prefix, else 0
 * @param countWidth the bytes the count took, 0 meaning as short as possible
 * @param heapTypeWidth the bytes the heap type took, 0 meaning as short as possible
 */
public record Locals(long count, long type, long heapType, int countWidth, int heapTypeWidth) {
    /** {@code count} locals of a one-byte {@code type}, encoded as short as possible. */
    public static Locals of(long count, long type) {
        return new Locals(count, type, 0, 0, 0);
    }
}
