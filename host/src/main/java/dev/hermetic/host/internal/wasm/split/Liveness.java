package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which locals are live (may be read before they are written, on some path) at each point of a
 * function's structured code: a backward analysis over blocks, loops (to a fixpoint), if/else,
 * branches to labels, {@code return}, {@code try_table} and the instructions that may throw
 * into its handlers. Where unsure it takes a local as live, which only costs a piece a
 * parameter or a result more; never the other way.
 *
 * <p>Not thread-safe; one analysis of one body, immutable once made.
 */
final class Liveness {

    private final List<Instruction> code;
    private final int locals;
    /** For each block, loop, if or try_table: its end; for each if with an else: the else in {@link #elseOf}. */
    private final int[] endOf;
    private final int[] elseOf;
    /** For each end or else: the block it closes (for an else, the if). */
    private final int[] openerOf;
    /** Live before each instruction; at an end or else, live where its body falls through to. */
    private final BitSet[] before;
    /** For each block, loop, if or try_table: live where a branch to its label goes. */
    private final BitSet[] label;

    private final List<BitSet> labels = new ArrayList<>();
    private final List<BitSet> throwsTo = new ArrayList<>();

    private Liveness(List<Instruction> code, int locals) {
        this.code = code;
        this.locals = locals;
        int n = code.size();
        endOf = new int[n];
        elseOf = new int[n];
        openerOf = new int[n];
        before = new BitSet[n + 1];
        label = new BitSet[n];
        java.util.Arrays.fill(elseOf, -1);
        int[] stack = new int[n + 1];
        int sp = 0;
        for (int i = 0; i < n; i++) {
            Opcode op = code.get(i).opcode();
            if (opens(op)) {
                stack[sp++] = i;
            } else if (op == Opcode.ELSE) {
                if (sp == 0) {
                    throw new Unsplittable("else outside an if");
                }
                elseOf[stack[sp - 1]] = i;
                openerOf[i] = stack[sp - 1];
            } else if (op == Opcode.END) {
                if (sp == 0) {
                    if (i != n - 1) {
                        throw new Unsplittable("code after the function's end");
                    }
                } else {
                    int b = stack[--sp];
                    endOf[b] = i;
                    openerOf[i] = b;
                }
            }
        }
        if (sp != 0 || n == 0 || code.get(n - 1).opcode() != Opcode.END) {
            throw new Unsplittable("no final end");
        }
    }

    /**
     * The liveness of {@code code}, a function's instructions through its final end, whose
     * local indices are below {@code locals}.
     */
    static Liveness of(List<Instruction> code, int locals) {
        Liveness l = new Liveness(code, locals);
        int n = code.size();
        BitSet none = new BitSet(locals);
        l.before[n] = none;
        l.labels.add(none); // the function's label: a return, whose values are on the stack
        l.throwsTo.add(none); // an exception out of the function: no local of it is read again
        l.body(0, n - 1, (BitSet) none.clone());
        return l;
    }

    /** Live before instruction {@code i}; for {@code i} an end or else, live where its body falls through to. */
    BitSet before(int i) {
        return before[i];
    }

    /** Live where a branch to the label of the block, loop, if or try_table at {@code opener} goes. */
    BitSet label(int opener) {
        BitSet b = label[opener];
        if (b == null) {
            throw new IllegalArgumentException("no block at " + opener);
        }
        return b;
    }

    /** The end of the block, loop, if or try_table at {@code opener}. */
    int endOf(int opener) {
        return endOf[opener];
    }

    private static boolean opens(Opcode op) {
        return op == Opcode.BLOCK || op == Opcode.LOOP || op == Opcode.IF || op == Opcode.TRY_TABLE;
    }

    /**
     * The statements of one body, {@code [from, to)} where {@code to} is its end or else,
     * backwards from {@code live} (live where it falls through to, changed in place); returns
     * live before {@code from}.
     */
    private BitSet body(int from, int to, BitSet live) {
        before[to] = (BitSet) live.clone();
        int i = to - 1;
        while (i >= from) {
            Instruction ins = code.get(i);
            Opcode op = ins.opcode();
            if (op == Opcode.END) {
                int b = openerOf[i];
                live = block(b, i, live);
                before[b] = (BitSet) live.clone();
                i = b - 1;
                continue;
            }
            live = instruction(ins, live);
            before[i] = (BitSet) live.clone();
            i--;
        }
        return live;
    }

    /** The block, loop, if or try_table at {@code b} ending at {@code e}, backwards from {@code after}. */
    private BitSet block(int b, int e, BitSet after) {
        Instruction ins = code.get(b);
        Opcode op = ins.opcode();
        if (op == Opcode.LOOP) {
            BitSet head = label[b] == null ? new BitSet(locals) : label[b];
            while (true) {
                label[b] = head;
                labels.add(head);
                BitSet start = body(b + 1, e, (BitSet) after.clone());
                labels.remove(labels.size() - 1);
                BitSet grown = (BitSet) head.clone();
                grown.or(start);
                if (grown.equals(head)) {
                    return start;
                }
                head = grown;
            }
        }
        label[b] = (BitSet) after.clone();
        if (op == Opcode.IF) {
            labels.add(label[b]);
            int x = elseOf[b];
            BitSet live;
            if (x < 0) {
                live = body(b + 1, e, (BitSet) after.clone());
                live.or(after);
            } else {
                BitSet otherwise = body(x + 1, e, (BitSet) after.clone());
                live = body(b + 1, x, (BitSet) after.clone());
                live.or(otherwise);
            }
            labels.remove(labels.size() - 1);
            return live;
        }
        if (op == Opcode.TRY_TABLE) {
            // Catch labels are relative to the try_table's enclosing block, before its own label.
            BitSet handlers = (BitSet) throwsTo.get(throwsTo.size() - 1).clone();
            int catches = (int) ins.slot(2);
            for (int c = 0; c < catches; c++) {
                handlers.or(target(ins.slot(3 + 3 * c + 2)));
            }
            throwsTo.add(handlers);
            labels.add(label[b]);
            BitSet live = body(b + 1, e, (BitSet) after.clone());
            labels.remove(labels.size() - 1);
            throwsTo.remove(throwsTo.size() - 1);
            return live;
        }
        labels.add(label[b]);
        BitSet live = body(b + 1, e, (BitSet) after.clone());
        labels.remove(labels.size() - 1);
        return live;
    }

    private BitSet target(long depth) {
        if (depth < 0 || depth >= labels.size()) {
            throw new Unsplittable("branch to an unknown label");
        }
        return labels.get(labels.size() - 1 - (int) depth);
    }

    /** Live before {@code ins}, not a block, from {@code live} after it (changed in place). */
    private BitSet instruction(Instruction ins, BitSet live) {
        Opcode op = ins.opcode();
        BitSet handlers = throwsTo.get(throwsTo.size() - 1);
        if (op == Opcode.LOCAL_GET) {
            live.set(index(ins.slot(0)));
        } else if (op == Opcode.LOCAL_SET || op == Opcode.LOCAL_TEE) {
            live.clear(index(ins.slot(0)));
        } else if (op == Opcode.BR) {
            live = (BitSet) target(ins.slot(0)).clone();
        } else if (op == Opcode.BR_IF) {
            live.or(target(ins.slot(0)));
        } else if (op == Opcode.BR_TABLE) {
            int n = (int) ins.slot(0);
            live = new BitSet(locals);
            for (int t = 0; t <= n; t++) {
                live.or(target(ins.slot(1 + t)));
            }
        } else if (op == Opcode.RETURN || op == Opcode.UNREACHABLE) {
            live = new BitSet(locals);
        } else if (op == Opcode.THROW || op == Opcode.THROW_REF || op == Opcode.RETURN_CALL
                || op == Opcode.RETURN_CALL_INDIRECT) {
            // A tail call leaves the function; taken as one that may throw, to be safe.
            live = (BitSet) handlers.clone();
        } else if (op == Opcode.CALL || op == Opcode.CALL_INDIRECT) {
            live.or(handlers);
        }
        return live;
    }

    private int index(long x) {
        if (x < 0 || x >= locals) {
            throw new Unsplittable("local index " + x + " out of range");
        }
        return (int) x;
    }
}
