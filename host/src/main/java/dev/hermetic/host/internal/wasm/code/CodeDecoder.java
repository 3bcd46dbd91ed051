package dev.hermetic.host.internal.wasm.code;

import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.host.internal.wasm.WasmReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes function bodies: the local declarations, then every instruction through the
 * {@code end} that closes the function. Every LEB128 number is checked against its type's
 * size, every vector count against the bytes that remain before anything is allocated for it,
 * the total of the local declarations against {@link #maxLocals}, and the blocks must nest so
 * that the function's final {@code end} is its last byte. Anything else is an
 * {@link MalformedModuleException} naming the offset. It does not type-check: indices, types and
 * stack shapes are the validator's.
 *
 * <p>Two ways to read: {@link #decode} builds a {@link FunctionBody} of {@link Instruction}
 * records (for rewriting; {@link CodeEncoder} writes them back byte for byte), and
 * {@link #walk} streams each instruction to a {@link Visitor} without allocating per
 * instruction (for checking large modules).
 */
public final class CodeDecoder {

    /** The block type {@code 0x40}: no parameters, no results. */
    public static final long EMPTY_BLOCK = -64;

    /** The default cap on locals a body may declare, as Wasmtime and V8 use. */
    public static final int DEFAULT_MAX_LOCALS = 50_000;

    /** Told each local declaration and instruction of a body, in order. */
    public interface Visitor {
        /** One local declaration; by default ignored. */
        default void locals(Locals locals) {}

        /**
         * One instruction.
         *
         * @param offset where its opcode starts in the binary
         * @param slots its immediates in {@code slots[0, count)}, laid out as {@link Immediate}
         *     describes; the array is reused, so it is valid only during the call
         */
        void instruction(int offset, Opcode opcode, long[] slots, int count);
    }

    /** Locals a body may declare in total, excluding parameters; positive. */
    private final long maxLocals;

    public CodeDecoder() {
        this(DEFAULT_MAX_LOCALS);
    }

    public CodeDecoder(long maxLocals) {
        if (maxLocals <= 0) {
            throw new IllegalArgumentException("maxLocals must be positive: " + maxLocals);
        }
        this.maxLocals = maxLocals;
    }

    /** The body in {@code bytes[start, end)} (without its size prefix), as records. */
    public FunctionBody decode(byte[] bytes, int start, int end) {
        List<Locals> locals = new ArrayList<>();
        List<Instruction> instructions = new ArrayList<>();
        int localsCountWidth = run(bytes, start, end, new Sink() {
            @Override
            public void locals(Locals l) {
                locals.add(l);
            }

            @Override
            public void instruction(int offset, Opcode op, int opcodeWidth, long[] slots, byte[] widths, int count) {
                long[] s = count == 0 ? Instruction.NO_SLOTS : Arrays.copyOf(slots, count);
                byte[] w = null;
                for (int i = 0; i < count; i++) {
                    if (widths[i] != 0) {
                        w = Arrays.copyOf(widths, count);
                        break;
                    }
                }
                instructions.add(new Instruction(offset, op, opcodeWidth, s, w));
            }
        });
        return new FunctionBody(locals, instructions, localsCountWidth);
    }

    /** Streams the body in {@code bytes[start, end)} to {@code visitor}. */
    public void walk(byte[] bytes, int start, int end, Visitor visitor) {
        run(bytes, start, end, new Sink() {
            @Override
            public void locals(Locals l) {
                visitor.locals(l);
            }

            @Override
            public void instruction(int offset, Opcode op, int opcodeWidth, long[] slots, byte[] widths, int count) {
                visitor.instruction(offset, op, slots, count);
            }
        });
    }

    /** What {@link #run} reports, widths included. */
    private interface Sink {
        void locals(Locals l);

        void instruction(int offset, Opcode op, int opcodeWidth, long[] slots, byte[] widths, int count);
    }

    /** Reads the body, telling {@code sink}; returns the width of its declaration count (0 if minimal). */
    private int run(byte[] bytes, int start, int end, Sink sink) {
        WasmReader in = new WasmReader(bytes, start, end);
        int groups = in.count();
        int groupsWidth = width(in, start, minimalUnsigned(groups));
        long total = 0;
        for (int g = 0; g < groups; g++) {
            int at = in.position();
            long count = in.u32();
            int countWidth = in.position() - at;
            total += count;
            if (total > maxLocals) {
                throw new MalformedModuleException("malformed module at offset " + at + ": the function declares "
                        + Long.toUnsignedString(total) + " or more locals, over the limit of " + maxLocals, null);
            }
            long[] type = ValueTypes.read(in, false);
            sink.locals(new Locals(count, type[0], type[1], countWidth == minimalUnsigned(count) ? 0 : countWidth, (int) type[2]));
        }
        readInstructions(in, sink, true);
        return groupsWidth;
    }

    /**
     * Streams one constant expression starting at {@code bytes[start]} (a global's initial
     * value, a segment's offset, an element) to {@code visitor}, through the {@code end} that
     * closes it, reading no further than {@code limit}.
     *
     * @return the offset just after the expression's {@code end}
     */
    public int walkExpression(byte[] bytes, int start, int limit, Visitor visitor) {
        WasmReader in = new WasmReader(bytes, start, limit);
        readInstructions(in, new Sink() {
            @Override
            public void locals(Locals l) {}

            @Override
            public void instruction(int offset, Opcode op, int opcodeWidth, long[] slots, byte[] widths, int count) {
                visitor.instruction(offset, op, slots, count);
            }
        }, false);
        return in.position();
    }

    /**
     * Reads instructions through the {@code end} that closes the outermost block; for a whole
     * body that end must be the last byte.
     */
    private static void readInstructions(WasmReader in, Sink sink, boolean wholeBody) {
        Slots s = new Slots();
        int depth = 0;
        while (true) {
            if (in.atEnd()) {
                throw in.malformed((wholeBody ? "function body" : "expression") + " ends inside " + (depth + 1)
                        + " open block(s), without its end");
            }
            int offset = in.position();
            int b = in.u8();
            Opcode op;
            int opcodeWidth = 0;
            if (Opcode.isPrefix(b)) {
                int at = in.position();
                long code = in.u32();
                op = Opcode.prefixed(b, code);
                if (op == null) {
                    throw new MalformedModuleException(String.format("malformed module at offset %d: unknown opcode 0x%02x %d",
                            offset, b, code), null);
                }
                int width = in.position() - at;
                opcodeWidth = width == minimalUnsigned(code) ? 0 : width;
            } else {
                op = Opcode.single(b);
                if (op == null) {
                    throw new MalformedModuleException(String.format("malformed module at offset %d: unknown opcode 0x%02x",
                            offset, b), null);
                }
            }
            s.size = 0;
            for (Immediate kind : op.immediates()) {
                read(in, kind, s);
            }
            sink.instruction(offset, op, opcodeWidth, s.values, s.widths, s.size);
            if (op.opensBlock()) {
                depth++;
            } else if (op == Opcode.END || op == Opcode.DELEGATE) {
                if (depth == 0) {
                    if (op == Opcode.DELEGATE) {
                        throw new MalformedModuleException("malformed module at offset " + offset
                                + ": delegate outside a try", null);
                    }
                    if (wholeBody && !in.atEnd()) {
                        throw in.malformed(in.remaining() + " byte(s) after the function's final end");
                    }
                    return;
                }
                depth--;
            }
        }
    }

    /** A growable run of slots and their widths for one instruction. */
    private static final class Slots {
        long[] values = new long[8];
        byte[] widths = new byte[8];
        int size;

        void ensure(long more) {
            if (size + more > values.length) {
                int n = (int) Math.max(values.length * 2L, size + more);
                values = Arrays.copyOf(values, n);
                widths = Arrays.copyOf(widths, n);
            }
        }

        void add(long value, int width) {
            ensure(1);
            values[size] = value;
            widths[size++] = (byte) width;
        }
    }

    private static void read(WasmReader in, Immediate kind, Slots s) {
        switch (kind) {
            case U32 -> unsigned(in, s);
            case S32 -> {
                int at = in.position();
                long v = in.s32();
                s.add(v, width(in, at, minimalSigned(v)));
            }
            case S64 -> {
                int at = in.position();
                long v = in.s64();
                s.add(v, width(in, at, minimalSigned(v)));
            }
            case F32 -> s.add(fixed(in, 4), 0);
            case F64 -> s.add(fixed(in, 8), 0);
            case BYTES16 -> {
                s.add(fixed(in, 8), 0);
                s.add(fixed(in, 8), 0);
            }
            case BYTE -> s.add(in.u8(), 0);
            case MEMARG -> {
                long flags = unsigned(in, s);
                if ((flags & 0x40) != 0) {
                    unsigned(in, s);
                } else {
                    s.add(0, 0);
                }
                int at = in.position();
                long offset = in.u64();
                s.add(offset, width(in, at, minimalUnsigned(offset)));
            }
            case BLOCK_TYPE -> blockType(in, s);
            case HEAP_TYPE -> heapType(in, s);
            case LABELS -> {
                int at = in.position();
                int n = in.count();
                s.add(n, width(in, at, minimalUnsigned(n)));
                s.ensure(n);
                for (int i = 0; i < n; i++) {
                    unsigned(in, s);
                }
            }
            case VALUE_TYPES -> {
                int at = in.position();
                int n = in.count();
                s.add(n, width(in, at, minimalUnsigned(n)));
                s.ensure(2L * n);
                for (int i = 0; i < n; i++) {
                    long[] t = ValueTypes.read(in, false);
                    s.add(t[0], 0);
                    s.add(t[1], (int) t[2]);
                }
            }
            case CATCHES -> {
                int at = in.position();
                int n = in.count();
                if (n > in.remaining() / 2) {
                    throw new MalformedModuleException("malformed module at offset " + at + ": " + n
                            + " catch clauses cannot fit the " + in.remaining() + " bytes left", null);
                }
                s.add(n, width(in, at, minimalUnsigned(n)));
                s.ensure(3L * n);
                for (int i = 0; i < n; i++) {
                    int kindAt = in.position();
                    int catchKind = in.u8();
                    if (catchKind > 3) {
                        throw new MalformedModuleException("malformed module at offset " + kindAt
                                + ": unknown catch clause kind " + catchKind, null);
                    }
                    s.add(catchKind, 0);
                    if (catchKind < 2) {
                        unsigned(in, s);
                    } else {
                        s.add(0, 0);
                    }
                    unsigned(in, s);
                }
            }
        }
    }

    /** Reads a u32 into a slot with its width; returns it. */
    private static long unsigned(WasmReader in, Slots s) {
        int at = in.position();
        long v = in.u32();
        s.add(v, width(in, at, minimalUnsigned(v)));
        return v;
    }

    private static void blockType(WasmReader in, Slots s) {
        int at = in.position();
        if (in.remaining() > 0 && Immediate.isRefPrefix((in.bytes()[at] & 0xff) - 0x80)) {
            s.add(in.u8() - 0x80, 0);
            heapType(in, s);
            return;
        }
        long v = in.s33();
        int width = in.position() - at;
        if (v < 0 && (width > 1 || (v != EMPTY_BLOCK && !ValueTypes.isValueType(v)))) {
            throw new MalformedModuleException("malformed module at offset " + at + ": block type " + v
                    + " encoded in " + width + " bytes", null);
        }
        s.add(v, width == minimalSigned(v) ? 0 : width);
        s.add(0, 0);
    }

    private static void heapType(WasmReader in, Slots s) {
        int at = in.position();
        long v = ValueTypes.heapType(in);
        s.add(v, width(in, at, minimalSigned(v)));
    }

    private static long fixed(WasmReader in, int n) {
        in.skip(n);
        byte[] b = in.bytes();
        int p = in.position() - n;
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[p + i] & 0xff);
        }
        return v;
    }

    /** The width read since {@code at}, or 0 if it is the minimal one. */
    private static int width(WasmReader in, int at, int minimal) {
        int w = in.position() - at;
        return w == minimal ? 0 : w;
    }

    /** The fewest bytes an unsigned LEB128 encoding of {@code v} (taken as unsigned) needs. */
    static int minimalUnsigned(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** The fewest bytes a signed LEB128 encoding of {@code v} needs. */
    static int minimalSigned(long v) {
        int n = 1;
        while (!((v >> 6) == 0 || (v >> 6) == -1)) {
            v >>= 7;
            n++;
        }
        return n;
    }
}
