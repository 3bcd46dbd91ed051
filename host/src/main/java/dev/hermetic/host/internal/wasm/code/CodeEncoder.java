package dev.hermetic.host.internal.wasm.code;

import dev.hermetic.host.internal.wasm.WasmWriter;

/**
 * Writes function bodies and instructions in the binary format. Each LEB128 slot is written in
 * the width it was decoded with, or as short as possible when it was built or its value no
 * longer fits that width, so decoding and encoding an unchanged body gives back its bytes.
 */
public final class CodeEncoder {

    private CodeEncoder() {}

    /** The body's local declarations and instructions, without the size prefix. */
    public static void encode(FunctionBody body, WasmWriter out) {
        out.u32(body.locals().size());
        for (Locals l : body.locals()) {
            unsigned(out, l.count(), l.countWidth());
            valueType(out, l.type(), l.heapType(), l.heapTypeWidth());
        }
        for (Instruction i : body.instructions()) {
            encode(i, out);
        }
    }

    /** One instruction: its opcode, then its immediates. */
    public static void encode(Instruction instruction, WasmWriter out) {
        Opcode op = instruction.opcode();
        if (op.prefix() != 0) {
            out.u8(op.prefix());
            unsigned(out, op.code(), instruction.opcodeWidth());
        } else {
            out.u8(op.code());
        }
        int slot = 0;
        for (Immediate kind : op.immediates()) {
            slot = write(instruction, slot, kind, out);
        }
    }

    /** Writes one immediate starting at {@code slot}; returns the slot after it. */
    private static int write(Instruction in, int slot, Immediate kind, WasmWriter out) {
        switch (kind) {
            case U32 -> unsigned(out, in.slot(slot), in.width(slot));
            case S32, S64, HEAP_TYPE -> signed(out, in.slot(slot), in.width(slot));
            case F32 -> out.fixed32((int) in.slot(slot));
            case F64 -> out.fixed64(in.slot(slot));
            case BYTES16 -> out.fixed64(in.slot(slot)).fixed64(in.slot(slot + 1));
            case BYTE -> out.u8((int) in.slot(slot));
            case MEMARG -> {
                long flags = in.slot(slot);
                unsigned(out, flags, in.width(slot));
                if ((flags & 0x40) != 0) {
                    unsigned(out, in.slot(slot + 1), in.width(slot + 1));
                }
                unsigned(out, in.slot(slot + 2), in.width(slot + 2));
            }
            case BLOCK_TYPE -> {
                long type = in.slot(slot);
                if (Immediate.isRefPrefix(type)) {
                    valueType(out, type, in.slot(slot + 1), in.width(slot + 1));
                } else {
                    signed(out, type, in.width(slot));
                }
            }
            case LABELS -> {
                long n = in.slot(slot);
                unsigned(out, n, in.width(slot));
                for (int i = 1; i <= n; i++) {
                    unsigned(out, in.slot(slot + i), in.width(slot + i));
                }
                return slot + 1 + (int) n;
            }
            case VALUE_TYPES -> {
                long n = in.slot(slot);
                unsigned(out, n, in.width(slot));
                for (int i = 0; i < n; i++) {
                    int at = slot + 1 + 2 * i;
                    valueType(out, in.slot(at), in.slot(at + 1), in.width(at + 1));
                }
                return slot + 1 + 2 * (int) n;
            }
            case CATCHES -> {
                long n = in.slot(slot);
                unsigned(out, n, in.width(slot));
                for (int i = 0; i < n; i++) {
                    int at = slot + 1 + 3 * i;
                    long catchKind = in.slot(at);
                    out.u8((int) catchKind);
                    if (catchKind < 2) {
                        unsigned(out, in.slot(at + 1), in.width(at + 1));
                    }
                    unsigned(out, in.slot(at + 2), in.width(at + 2));
                }
                return slot + 1 + 3 * (int) n;
            }
        }
        return slot + kind.slots();
    }

    private static void valueType(WasmWriter out, long type, long heapType, int heapTypeWidth) {
        out.u8((int) (type + 0x80));
        if (Immediate.isRefPrefix(type)) {
            signed(out, heapType, heapTypeWidth);
        }
    }

    /** An unsigned LEB128 number in {@code width} bytes, or as few as it needs if more. */
    static void unsigned(WasmWriter out, long value, int width) {
        int n = Math.max(width, CodeDecoder.minimalUnsigned(value));
        for (int i = 0; i < n; i++) {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.u8(i < n - 1 ? b | 0x80 : b);
        }
    }

    /** A signed LEB128 number in {@code width} bytes, or as few as it needs if more. */
    static void signed(WasmWriter out, long value, int width) {
        int n = Math.max(width, CodeDecoder.minimalSigned(value));
        for (int i = 0; i < n; i++) {
            int b = (int) (value & 0x7f);
            value >>= 7;
            out.u8(i < n - 1 ? b | 0x80 : b);
        }
    }
}
