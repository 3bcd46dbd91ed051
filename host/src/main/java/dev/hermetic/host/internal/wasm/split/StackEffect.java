package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Opcode;

/**
 * How many operands an instruction that is not a block pops and pushes, and whether the code
 * after it is unreachable. Refuses (with {@link Unsplittable}) every instruction of a proposal
 * the splitter does not handle: SIMD, threads, GC, typed references, legacy exceptions.
 */
final class StackEffect {

    private StackEffect() {}

    /** Pops in the high half, pushes in the low half; {@link #ENDS} set when nothing after it runs. */
    static long of(Instruction ins, Signatures sig) {
        Opcode op = ins.opcode();
        if (op.prefix() == Opcode.MISC_PREFIX) {
            return misc(op.code());
        }
        if (op.prefix() != 0) {
            throw new Unsplittable("instruction " + op.name());
        }
        int c = op.code();
        if (c >= 0x28 && c <= 0x35) {
            return effect(1, 1); // loads
        }
        if (c >= 0x36 && c <= 0x3e) {
            return effect(2, 0); // stores
        }
        if (c >= 0x41 && c <= 0x44) {
            return effect(0, 1);
        }
        if (c == 0x45 || c == 0x50 || (c >= 0x67 && c <= 0x69) || (c >= 0x79 && c <= 0x7b) || (c >= 0x8b && c <= 0x91)
                || (c >= 0x99 && c <= 0x9f) || (c >= 0xa7 && c <= 0xc4)) {
            return effect(1, 1); // eqz, unary, conversions, sign extension
        }
        if (c >= 0x46 && c <= 0xa6) {
            return effect(2, 1); // comparisons and binary operators
        }
        return switch (c) {
            case 0x00 -> ENDS; // unreachable
            case 0x01 -> effect(0, 0); // nop
            case 0x08 -> effect(sig.tag(ins.slot(0)).params().length, 0) | ENDS; // throw
            case 0x0a -> effect(1, 0) | ENDS; // throw_ref
            case 0x0c, 0x0e, 0x0f -> ENDS; // br, br_table, return: the popped values do not matter after
            case 0x0d -> effect(1, 0); // br_if: the label's values stay
            case 0x10 -> call(sig.function(index(ins.slot(0), sig)));
            case 0x11 -> call(sig.type(ins.slot(0))) + effect(1, 0);
            case 0x12, 0x13 -> ENDS; // return_call, return_call_indirect
            case 0x1a -> effect(1, 0); // drop
            case 0x1b, 0x1c -> effect(3, 1); // select
            case 0x20, 0x23 -> effect(0, 1); // local.get, global.get
            case 0x21, 0x24 -> effect(1, 0); // local.set, global.set
            case 0x22 -> effect(1, 1); // local.tee
            case 0x25 -> effect(1, 1); // table.get
            case 0x26 -> effect(2, 0); // table.set
            case 0x3f -> effect(0, 1); // memory.size
            case 0x40 -> effect(1, 1); // memory.grow
            case 0xd0, 0xd2 -> effect(0, 1); // ref.null, ref.func
            case 0xd1 -> effect(1, 1); // ref.is_null
            default -> throw new Unsplittable("instruction " + op.name());
        };
    }

    static final long ENDS = 1L << 62;

    static int pops(long e) {
        return (int) ((e & ~ENDS) >>> 32);
    }

    static int pushes(long e) {
        return (int) e;
    }

    static boolean ends(long e) {
        return (e & ENDS) != 0;
    }

    private static long effect(int pops, int pushes) {
        return (long) pops << 32 | pushes;
    }

    private static long call(FuncType t) {
        return effect(t.params().length, t.results().length);
    }

    private static int index(long function, Signatures sig) {
        if (function < 0 || function >= sig.functionCount()) {
            throw new Unsplittable("function index " + function + " out of range");
        }
        return (int) function;
    }

    private static long misc(int c) {
        return switch (c) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> effect(1, 1); // saturating truncations
            case 0x08, 0x0a, 0x0b, 0x0c, 0x0e, 0x11 -> effect(3, 0); // memory.init/copy/fill, table.init/copy/fill
            case 0x09, 0x0d -> effect(0, 0); // data.drop, elem.drop
            case 0x0f -> effect(2, 1); // table.grow
            case 0x10 -> effect(0, 1); // table.size
            default -> throw new Unsplittable("instruction 0xfc " + c);
        };
    }
}
