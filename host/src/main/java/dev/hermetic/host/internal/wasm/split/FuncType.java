package dev.hermetic.host.internal.wasm.split;

import java.util.Arrays;

/**
 * A function type of the module. Value types are one-byte type codes read as signed LEB128,
 * as {@link dev.hermetic.host.internal.wasm.code.Locals} holds them: -1 i32, -2 i64, -3 f32,
 * -4 f64, -16 funcref, -17 externref.
 *
 * @param params the parameter types, in order; never modified
 * @param results the result types, in order; never modified
 */
record FuncType(long[] params, long[] results) {

    static final long I32 = -1;
    static final long I64 = -2;
    static final long F32 = -3;
    static final long F64 = -4;
    static final long FUNCREF = -16;
    static final long EXTERNREF = -17;
    static final long EXNREF = -23;

    /** Whether the splitter can pass, return and zero a value of {@code type}. */
    static boolean supported(long type) {
        return type == I32 || type == I64 || type == F32 || type == F64 || type == FUNCREF || type == EXTERNREF
                || type == EXNREF;
    }

    /** The JVM local slots a value of {@code type} takes in Chicory's compiled code. */
    static int jvmSlots(long type) {
        return type == I64 || type == F64 ? 2 : 1;
    }

    /** The type's encoding in a type section or block type: its one-byte code. */
    static int code(long type) {
        return (int) (type & 0x7f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FuncType t && Arrays.equals(params, t.params) && Arrays.equals(results, t.results);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(params) * 31 + Arrays.hashCode(results);
    }

    @Override
    public String toString() {
        return Arrays.toString(params) + " -> " + Arrays.toString(results);
    }
}
