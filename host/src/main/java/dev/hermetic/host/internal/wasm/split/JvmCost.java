package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.code.Opcode;

/**
 * An estimate of the JVM bytecode bytes Chicory 1.7.5's compiler emits per Wasm instruction,
 * fitted (non-negative least squares) to the {@code func_N} methods it generates for every
 * function of the bundled engines and rounded up: for functions over 1,500 bytes the estimate
 * was within 0.89 to 1.10 of the real size. The splitter keeps every method's estimate under
 * its limit with that margin to spare.
 */
final class JvmCost {

    private JvmCost() {}

    /** Bytes every method costs: the prologue and the return. */
    static final int METHOD = 2;

    /** Bytes per declared local: Chicory zeroes each one on entry. */
    static final int PER_LOCAL = 1;

    /** Bytes per extra result a multi-value call unpacks from the returned {@code long[]}. */
    static final int PER_MULTI_RESULT = 6;

    /** The estimate for an instruction of opcode {@code op} whose first immediate slot is {@code slot0}. */
    static int of(Opcode op, long slot0) {
        if (op.prefix() != 0) {
            return 8;
        }
        int c = op.code();
        if (c >= 0x28 && c <= 0x3e) {
            return 6; // loads and stores
        }
        if (c >= 0x41 && c <= 0x44) {
            return 2; // constants
        }
        if (c >= 0x45 && c <= 0x66) {
            return 3; // comparisons
        }
        if (c == 0x6d || c == 0x6e || c == 0x6f || c == 0x70 || (c >= 0x7f && c <= 0x82)) {
            return 6; // division and remainder
        }
        if (c >= 0x67 && c <= 0xa6) {
            return 3; // arithmetic
        }
        if (c >= 0xa7 && c <= 0xc4) {
            return 2; // conversions
        }
        return switch (c) {
            case 0x02, 0x0b, 0x05, 0x01 -> 0; // block, end, else, nop
            case 0x03 -> 1; // loop: the interruption check on the back edge is in br
            case 0x04 -> 3; // if
            case 0x0c, 0x0d -> 4; // br, br_if
            case 0x0e -> (int) Math.min(16 + 6 * slot0, 1 << 20); // br_table: a tableswitch and a jump per target
            case 0x0f -> 2;
            case 0x10 -> 9; // call
            case 0x11 -> 12; // call_indirect
            case 0x1a -> 1; // drop
            case 0x1b, 0x1c -> 9; // select
            case 0x20 -> 2; // local.get
            case 0x21 -> 4; // local.set
            case 0x22 -> 2; // local.tee
            case 0x23, 0x24 -> 7; // global.get, global.set
            case 0x3f, 0x40 -> 6; // memory.size, memory.grow
            default -> 6;
        };
    }
}
