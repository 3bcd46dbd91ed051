package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.Sections;
import dev.hermetic.host.internal.wasm.Sections.Section;
import dev.hermetic.host.internal.wasm.WasmWriter;
import dev.hermetic.host.internal.wasm.code.CodeEncoder;
import dev.hermetic.host.internal.wasm.code.FunctionBody;
import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Locals;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random module for testing the splitter: {@code run(i32, i32) -> i32} is one function
 * of nested blocks, loops, ifs, blocks with results, branches of every kind (with and without
 * values, out of several levels, {@code br_table}), {@code return} from deep inside, locals of
 * two types set, teed and read, memory loads and stores, calls, {@code try_table} with
 * {@code throw}, and dead code after branches. Every loop burns a global fuel counter and traps
 * when it is gone, so every run ends. The result mixes every local, so a lost write shows.
 */
final class RandomProgram {

    private static final long EMPTY = -64;
    private static final long I32 = -1;
    private static final long I64 = -2;
    private static final int PARAMS = 2;
    private static final int I32_LOCALS = 6;
    private static final int I64_LOCALS = 3;
    private static final int FUEL_GLOBAL = 0;
    private static final int HELPER = 1;
    private static final int TAG = 0;

    private final Random random;
    private final List<Instruction> code = new ArrayList<>();
    /** Per enclosing label, innermost last: how many i32 values a branch to it carries (0 or 1). */
    private final List<Integer> labels = new ArrayList<>();
    private final boolean exceptions;
    private int budget;

    private RandomProgram(Random random, int budget, boolean exceptions) {
        this.random = random;
        this.budget = budget;
        this.exceptions = exceptions;
    }

    /** A module with about {@code budget} statements in {@code run}. */
    static byte[] module(long seed, int budget, boolean exceptions) {
        RandomProgram g = new RandomProgram(new Random(seed), budget, exceptions);
        g.labels.add(1); // the function's own label: a branch to it returns one i32
        g.statements(0);
        // The result: every local mixed in.
        g.op(Opcode.I32_CONST, 17);
        for (int x = 0; x < PARAMS + I32_LOCALS; x++) {
            g.op(Opcode.I32_CONST, 31);
            g.op(Opcode.named("i32.mul"));
            g.op(Opcode.LOCAL_GET, x);
            g.op(Opcode.named("i32.xor"));
        }
        for (int x = 0; x < I64_LOCALS; x++) {
            g.op(Opcode.LOCAL_GET, PARAMS + I32_LOCALS + x);
            g.op(Opcode.named("i32.wrap_i64"));
            g.op(Opcode.named("i32.add"));
        }
        g.op(Opcode.END);
        return g.encode();
    }

    private byte[] encode() {
        List<Section> sections = new ArrayList<>();
        WasmWriter types = new WasmWriter().u32(2);
        types.u8(0x60).u32(2).u8(0x7f).u8(0x7f).u32(1).u8(0x7f); // 0: (i32, i32) -> i32
        types.u8(0x60).u32(0).u32(0); // 1: [] -> [], the tag's
        sections.add(new Section(Sections.TYPE, types.toByteArray()));
        sections.add(new Section(Sections.FUNCTION, new WasmWriter().u32(2).u32(0).u32(0).toByteArray()));
        sections.add(new Section(Sections.MEMORY, new WasmWriter().u32(1).u8(0).u32(1).toByteArray()));
        if (exceptions) {
            sections.add(new Section(Sections.TAG, new WasmWriter().u32(1).u8(0).u32(1).toByteArray()));
        }
        WasmWriter globals = new WasmWriter().u32(1).u8(0x7f).u8(1).u8(0x41).s32(400).u8(0x0b);
        sections.add(new Section(Sections.GLOBAL, globals.toByteArray()));
        sections.add(new Section(Sections.EXPORT, new WasmWriter().u32(1).name("run").u8(0).u32(0).toByteArray()));
        WasmWriter bodies = new WasmWriter().u32(2);
        body(bodies, new FunctionBody(List.of(Locals.of(I32_LOCALS, I32), Locals.of(I64_LOCALS, I64)), code));
        // helper(a, b) = a * 7 + (b >>> 3), with a store so that calls have effects
        List<Instruction> helper = List.of(
                Instruction.of(Opcode.LOCAL_GET, 1), Instruction.of(Opcode.I32_CONST, 1020),
                Instruction.of(Opcode.named("i32.and")), Instruction.of(Opcode.LOCAL_GET, 0),
                Instruction.of(Opcode.named("i32.store"), 2, 0, 0),
                Instruction.of(Opcode.LOCAL_GET, 0), Instruction.of(Opcode.I32_CONST, 7),
                Instruction.of(Opcode.named("i32.mul")), Instruction.of(Opcode.LOCAL_GET, 1),
                Instruction.of(Opcode.I32_CONST, 3), Instruction.of(Opcode.named("i32.shr_u")),
                Instruction.of(Opcode.named("i32.add")), Instruction.of(Opcode.END));
        body(bodies, new FunctionBody(List.of(), helper));
        sections.add(new Section(Sections.CODE, bodies.toByteArray()));
        return Sections.encode(sections);
    }

    private static void body(WasmWriter out, FunctionBody body) {
        WasmWriter w = new WasmWriter();
        CodeEncoder.encode(body, w);
        byte[] b = w.toByteArray();
        out.vector(b, 0, b.length);
    }

    private void op(Opcode op, long... slots) {
        code.add(Instruction.of(op, slots));
    }

    private void statements(int depth) {
        int n = 1 + random.nextInt(depth == 0 ? 12 : 5);
        for (int i = 0; i < n && budget > 0; i++) {
            statement(depth);
        }
    }

    private int i32Local() {
        return random.nextInt(PARAMS + I32_LOCALS);
    }

    private int i64Local() {
        return PARAMS + I32_LOCALS + random.nextInt(I64_LOCALS);
    }

    private void statement(int depth) {
        budget--;
        boolean nest = depth < 7;
        switch (random.nextInt(nest ? 16 : 6)) {
            case 0, 1 -> {
                expr32(depth);
                op(Opcode.LOCAL_SET, i32Local());
            }
            case 2 -> {
                expr64(depth);
                op(Opcode.LOCAL_SET, i64Local());
            }
            case 3 -> { // store
                expr32(depth);
                op(Opcode.I32_CONST, 1020);
                op(Opcode.named("i32.and"));
                expr32(depth);
                op(Opcode.named("i32.store"), 2, 0, 0);
            }
            case 4 -> branch(depth);
            case 5 -> {
                expr32(depth);
                op(Opcode.DROP);
            }
            case 6, 7 -> {
                op(Opcode.BLOCK, EMPTY, 0);
                labels.add(0);
                statements(depth + 1);
                labels.remove(labels.size() - 1);
                op(Opcode.END);
            }
            case 8, 9 -> loop(depth);
            case 10, 11 -> {
                expr32(depth);
                op(Opcode.IF, EMPTY, 0);
                labels.add(0);
                statements(depth + 1);
                if (random.nextBoolean()) {
                    op(Opcode.ELSE);
                    statements(depth + 1);
                }
                labels.remove(labels.size() - 1);
                op(Opcode.END);
            }
            case 12 -> { // a block with a result, branched to with a value
                valueBlock(depth);
                op(Opcode.LOCAL_SET, i32Local());
            }
            case 13 -> { // a switch
                int arms = 2 + random.nextInt(4);
                for (int a = 0; a < arms; a++) {
                    op(Opcode.BLOCK, EMPTY, 0);
                    labels.add(0);
                }
                expr32(depth);
                long[] table = new long[arms + 1];
                table[0] = arms - 1;
                for (int t = 1; t <= arms; t++) {
                    table[t] = random.nextInt(arms);
                }
                op(Opcode.BR_TABLE, table);
                for (int a = 0; a < arms; a++) {
                    labels.remove(labels.size() - 1);
                    op(Opcode.END);
                    statements(depth + 1);
                }
            }
            case 14 -> {
                if (exceptions) {
                    tryTable(depth);
                } else {
                    loop(depth);
                }
            }
            default -> {
                expr32(depth);
                op(Opcode.LOCAL_TEE, i32Local());
                op(Opcode.LOCAL_SET, i32Local());
            }
        }
    }

    private void loop(int depth) {
        op(Opcode.LOOP, EMPTY, 0);
        labels.add(0);
        // fuel: trap when gone
        op(Opcode.GLOBAL_GET, FUEL_GLOBAL);
        op(Opcode.named("i32.eqz"));
        op(Opcode.IF, EMPTY, 0);
        op(Opcode.UNREACHABLE);
        op(Opcode.END);
        op(Opcode.GLOBAL_GET, FUEL_GLOBAL);
        op(Opcode.I32_CONST, 1);
        op(Opcode.named("i32.sub"));
        op(Opcode.GLOBAL_SET, FUEL_GLOBAL);
        statements(depth + 1);
        // go round again while a local says so
        op(Opcode.LOCAL_GET, i32Local());
        op(Opcode.I32_CONST, 3);
        op(Opcode.named("i32.and"));
        op(Opcode.BR_IF, 0);
        labels.remove(labels.size() - 1);
        op(Opcode.END);
    }

    private void tryTable(int depth) {
        // block $after  (try_table (catch_all $after) ... maybe throw ...) end
        op(Opcode.BLOCK, EMPTY, 0);
        labels.add(0);
        op(Opcode.TRY_TABLE, EMPTY, 0, 1, 2, 0, 0); // catch_all to the block around it
        labels.add(0);
        statements(depth + 1);
        expr32(depth + 1);
        op(Opcode.IF, EMPTY, 0);
        op(Opcode.THROW, TAG);
        op(Opcode.END);
        labels.remove(labels.size() - 1);
        op(Opcode.END);
        labels.remove(labels.size() - 1);
        op(Opcode.END);
    }

    private void branch(int depth) {
        int l = random.nextInt(labels.size());
        int arity = labels.get(labels.size() - 1 - l);
        switch (random.nextInt(4)) {
            case 0 -> { // br, then dead code
                if (arity == 1) {
                    expr32(depth);
                }
                op(Opcode.BR, l);
                if (random.nextBoolean()) {
                    expr32(depth);
                    op(Opcode.LOCAL_SET, i32Local());
                }
            }
            case 1 -> {
                if (arity == 1) {
                    expr32(depth);
                }
                expr32(depth);
                op(Opcode.BR_IF, l);
                if (arity == 1) {
                    op(Opcode.LOCAL_SET, i32Local());
                }
            }
            case 2 -> {
                expr32(depth);
                op(Opcode.RETURN);
            }
            default -> { // br_table to labels of the same arity
                List<Integer> same = new ArrayList<>();
                for (int k = 0; k < labels.size(); k++) {
                    if (labels.get(labels.size() - 1 - k) == arity) {
                        same.add(k);
                    }
                }
                if (arity == 1) {
                    expr32(depth);
                }
                expr32(depth);
                int n = 1 + random.nextInt(4);
                long[] table = new long[n + 2];
                table[0] = n;
                for (int t = 1; t <= n + 1; t++) {
                    table[t] = same.get(random.nextInt(same.size()));
                }
                op(Opcode.BR_TABLE, table);
            }
        }
    }

    private void expr32(int depth) {
        switch (random.nextInt(depth < 6 ? 11 : 4)) {
            case 0 -> op(Opcode.I32_CONST, random.nextInt(2000) - 1000);
            case 1, 2 -> op(Opcode.LOCAL_GET, i32Local());
            case 3 -> {
                op(Opcode.I32_CONST, random.nextInt(1021) & ~3);
                op(Opcode.named("i32.load"), 2, 0, 0);
            }
            case 4, 5 -> {
                expr32(depth + 1);
                expr32(depth + 1);
                String[] ops = {"i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl", "i32.lt_s"};
                op(Opcode.named(ops[random.nextInt(ops.length)]));
            }
            case 6 -> {
                expr64(depth + 1);
                op(Opcode.named("i32.wrap_i64"));
            }
            case 7 -> {
                expr32(depth + 1);
                expr32(depth + 1);
                op(Opcode.CALL, HELPER);
            }
            case 8 -> {
                expr32(depth + 1);
                op(Opcode.LOCAL_TEE, i32Local());
            }
            case 9 -> { // if with a result
                expr32(depth + 1);
                op(Opcode.IF, I32, 0);
                labels.add(1);
                expr32(depth + 1);
                op(Opcode.ELSE);
                expr32(depth + 1);
                labels.remove(labels.size() - 1);
                op(Opcode.END);
            }
            default -> valueBlock(depth);
        }
    }

    /** A block of statements that ends with an i32, its result; branches to it carry one. */
    private void valueBlock(int depth) {
        op(Opcode.BLOCK, I32, 0);
        labels.add(1);
        statements(depth + 1);
        expr32(depth + 1);
        labels.remove(labels.size() - 1);
        op(Opcode.END);
    }

    private void expr64(int depth) {
        switch (random.nextInt(depth < 6 ? 4 : 2)) {
            case 0 -> op(Opcode.I64_CONST, random.nextLong() >> 20);
            case 1 -> op(Opcode.LOCAL_GET, i64Local());
            case 2 -> {
                expr32(depth + 1);
                op(Opcode.named("i64.extend_i32_s"));
            }
            default -> {
                expr64(depth + 1);
                expr64(depth + 1);
                op(Opcode.named(random.nextBoolean() ? "i64.add" : "i64.mul"));
            }
        }
    }
}
