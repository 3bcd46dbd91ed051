package dev.hermetic.host.internal.wasm.fuel;

import dev.hermetic.host.internal.wasm.Sections;
import dev.hermetic.host.internal.wasm.Sections.Section;
import dev.hermetic.host.internal.wasm.WasmReader;
import dev.hermetic.host.internal.wasm.WasmWriter;
import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.code.CodeEncoder;
import dev.hermetic.host.internal.wasm.code.CodeSection;
import dev.hermetic.host.internal.wasm.code.FunctionBody;
import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Locals;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a module so that it meters itself: a fuel counter, a mutable i64 global appended
 * after the module's own (so it has the last global index, no index shifts, and code the module
 * was validated with cannot name it), holds the fuel left; every straight-line run of code pays
 * its static cost on entry, and a check stops the engine with {@code unreachable} (a trap, which
 * Wasm exception handling cannot catch) when the counter is below zero.
 *
 * <p>The cost model ({@link #VERSION} names it):
 * <ul>
 *   <li>one unit per instruction of the original code, charged when the run it belongs to is
 *       entered. A run starts at a function's entry, inside a {@code loop} (so every iteration,
 *       back-edges included, pays again), at each arm of an {@code if}, after every {@code end},
 *       after a conditional branch (its fall-through) and at a legacy {@code catch}; the
 *       instruction that ends a run belongs to it. The injected code itself is free;
 *   <li>{@code memory.fill}, {@code memory.copy}, {@code memory.init} are charged
 *       {@link #PER_BYTE} per byte and {@code table.fill}, {@code table.copy}, {@code table.init},
 *       {@code table.grow} {@link #PER_BYTE} per element, on top of their unit, before they run;
 *   <li>{@code memory.grow} is charged {@link #PER_PAGE} per page asked for, before it runs (a
 *       refused grow too).
 * </ul>
 * A charge adds to a per-function local, the debt. The debt is taken from the counter global, and
 * the counter checked (a settle), before a direct call to an import, before a throw and before a
 * per-byte or per-page charge, and at a loop iteration whose debt has passed the frame's
 * allowance: the counter as the frame's last settle left it, at most {@link #SLICE}, and 0 after
 * any call (the callee took from the counter). So an iteration of a loop that calls nothing
 * touches locals only, and the one that overdraws the counter still settles and stops. A
 * function that may be re-entered before it returns (on a cycle of the call graph, an indirect
 * call counting as a call to every function: {@link Recursion}) takes its entry run from the
 * counter and checks it on entry instead of its callers checking before each call. Leaving the
 * function (its end, a {@code return}, a branch to its outermost label) takes the debt without a
 * check, which the caller's next check makes. So a runaway computation stops once the counter is
 * below zero: recursion at the next call, a loop at the next iteration (or, after a kill set the
 * counter below zero behind it, within {@link #SLICE} units); between those points metering costs
 * one local addition per run; a call to a function no call can re-enter costs one read and one
 * write of the counter, at its exit. What a process is charged is a function of the module and
 * its inputs alone, the same under any runtime that runs the rewritten module. A trap
 * ends the process with debt not taken in each frame, and a Wasm exception unwinding frames
 * drops theirs likewise: at most {@link #SLICE} units and the straight-line code each frame ran
 * since its last settle; the count it ends with is as deterministic as the rest.
 *
 * <p>The counter is exported as {@link #EXPORT} so that the embedder (the host, or another
 * runtime running the rewritten module) can set the budget and read what is left; exports are
 * the embedder's view, not the engine's: the engine's own code has no instruction naming it.
 */
public final class FuelMeter {

    /** Names this rewrite and its cost model: part of the code cache's key. Change it whenever the output changes. */
    public static final String VERSION = "7";

    /** The export naming the fuel counter, a mutable i64 global. */
    public static final String EXPORT = "hermetic_fuel";

    /** Fuel units per byte (or table element) of a bulk memory or table instruction. */
    public static final long PER_BYTE = 1;

    /**
     * The most debt a frame's loop iterations run up before they settle with the counter: a kill,
     * which sets the counter below zero, is seen within this many units of a loop's work.
     */
    public static final long SLICE = 1 << 16;

    /** Fuel units per 64 KiB page a {@code memory.grow} asks for: what zeroing a page costs, roughly, in instructions. */
    public static final long PER_PAGE = 1024;

    private static final long I32 = -1;
    private static final long I64 = -2;
    private static final int KIND_GLOBAL = 3;
    private static final Opcode I64_SUB = Opcode.named("i64.sub");
    private static final Opcode I64_ADD = Opcode.named("i64.add");
    private static final Opcode I64_MUL = Opcode.named("i64.mul");
    private static final Opcode I64_LT_S = Opcode.named("i64.lt_s");
    private static final Opcode I64_GT_S = Opcode.named("i64.gt_s");
    private static final Opcode I64_EXTEND_I32_U = Opcode.named("i64.extend_i32_u");

    private FuelMeter() {}

    /**
     * The rewritten module.
     *
     * @param wasm the metered module
     * @param fuelGlobal the counter's global index
     */
    public record Result(byte[] wasm, int fuelGlobal) {}

    /**
     * Meters {@code wasm}, a valid module; the counter starts at {@code Long.MAX_VALUE}.
     *
     * @throws IllegalArgumentException if the module uses what the meter does not handle (64-bit
     *     memories or tables, type forms other than functions) or exports {@link #EXPORT} already
     */
    public static Result meter(byte[] wasm) {
        List<Section> sections = new ArrayList<>(Sections.parse(wasm));
        List<Integer> typeParams = new ArrayList<>();
        List<Integer> functionTypes = new ArrayList<>();
        int importedFunctions = 0;
        int importedGlobals = 0;
        int definedGlobals = 0;
        for (Section s : sections) {
            WasmReader in = new WasmReader(s.payload());
            switch (s.id()) {
                case Sections.TYPE -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        int form = in.u8();
                        if (form != 0x60) {
                            throw new IllegalArgumentException(String.format("type %d has form 0x%02x", i, form));
                        }
                        typeParams.add(skipValueTypes(in));
                        skipValueTypes(in);
                    }
                }
                case Sections.IMPORT -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        in.name();
                        in.name();
                        int kind = in.u8();
                        switch (kind) {
                            case 0 -> {
                                functionTypes.add(in.index());
                                importedFunctions++;
                            }
                            case 1 -> {
                                skipValueType(in);
                                limits(in);
                            }
                            case 2 -> limits(in);
                            case 3 -> {
                                skipValueType(in);
                                in.u8();
                                importedGlobals++;
                            }
                            case 4 -> {
                                in.u8();
                                in.index();
                            }
                            default -> throw new IllegalArgumentException("import kind " + kind);
                        }
                    }
                }
                case Sections.FUNCTION -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        functionTypes.add(in.index());
                    }
                }
                case Sections.MEMORY -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        limits(in);
                    }
                }
                case Sections.GLOBAL -> definedGlobals = in.count();
                default -> { }
            }
        }
        int fuel = importedGlobals + definedGlobals;
        boolean direct = usesTailCalls(sections);
        int code = -1;
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            switch (s.id()) {
                case Sections.GLOBAL -> sections.set(i, new Section(s.id(), appendGlobal(s.payload(), direct)));
                case Sections.EXPORT -> sections.set(i, new Section(s.id(), appendExport(s.payload(), fuel)));
                case Sections.CODE -> code = i;
                default -> { }
            }
        }
        if (definedGlobals == 0 && sections.stream().noneMatch(s -> s.id() == Sections.GLOBAL)) {
            Sections.put(sections, new Section(Sections.GLOBAL, appendGlobal(new WasmWriter().u32(0).toByteArray(), direct)));
        }
        if (sections.stream().noneMatch(s -> s.id() == Sections.EXPORT)) {
            Sections.put(sections, new Section(Sections.EXPORT, appendExport(new WasmWriter().u32(0).toByteArray(), fuel)));
        }
        if (code >= 0) {
            // put may have moved the code section: find it again.
            for (int i = 0; i < sections.size(); i++) {
                if (sections.get(i).id() == Sections.CODE) {
                    byte[] payload = sections.get(i).payload();
                    sections.set(i, new Section(Sections.CODE,
                            meterCode(payload, fuel, importedFunctions, functionTypes, typeParams, direct)));
                }
            }
        }
        return new Result(Sections.encode(sections), fuel);
    }

    /**
     * Whether any body has a tail call. Chicory's interpreter builds a tail-called function's
     * frame without room for its declared locals, so such a module is metered without adding
     * any ({@link #meterDirect}).
     */
    private static boolean usesTailCalls(List<Section> sections) {
        for (Section s : sections) {
            if (s.id() != Sections.CODE) {
                continue;
            }
            boolean[] found = {false};
            CodeDecoder decoder = new CodeDecoder();
            for (CodeSection.Body b : CodeSection.bodies(s.payload(), 0, s.payload().length)) {
                decoder.walk(s.payload(), b.start(), b.end(), new CodeDecoder.Visitor() {
                    @Override
                    public void locals(Locals l) {}

                    @Override
                    public void instruction(int offset, Opcode op, long[] slots, int count) {
                        if (op == Opcode.RETURN_CALL || op == Opcode.RETURN_CALL_INDIRECT || op == Opcode.RETURN_CALL_REF) {
                            found[0] = true;
                        }
                    }
                });
                if (found[0]) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] meterCode(byte[] payload, int fuel, int importedFunctions, List<Integer> functionTypes,
            List<Integer> typeParams, boolean direct) {
        List<CodeSection.Body> bodies = CodeSection.bodies(payload, 0, payload.length);
        CodeDecoder decoder = new CodeDecoder();
        WasmWriter out = new WasmWriter(payload.length + payload.length / 2);
        out.u32(bodies.size());
        List<FunctionBody> decoded = new ArrayList<>(bodies.size());
        for (CodeSection.Body b : bodies) {
            decoded.add(decoder.decode(payload, b.start(), b.end()));
        }
        boolean[] recursive = Recursion.onCycle(decoded, importedFunctions);
        for (int f = 0; f < bodies.size(); f++) {
            CodeSection.Body b = bodies.get(f);
            FunctionBody body = decoded.get(f);
            int params = typeParams.get(functionTypes.get(importedFunctions + b.index()));
            FunctionBody metered = direct ? meterDirect(body, fuel, importedFunctions, recursive[f])
                    : meterBody(body, fuel, params, importedFunctions, recursive[f]);
            WasmWriter w = new WasmWriter(b.end() - b.start() + 64);
            CodeEncoder.encode(metered, w);
            byte[] bytes = w.toByteArray();
            out.vector(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    /** Whether a run of code starts right after {@code op}. */
    private static boolean startsRunAfter(Opcode op) {
        return op == Opcode.LOOP || op == Opcode.IF || op == Opcode.ELSE || op == Opcode.END
                || op == Opcode.BR_IF || op == Opcode.BR_ON_NULL || op == Opcode.BR_ON_NON_NULL
                || op == Opcode.BR_ON_CAST || op == Opcode.BR_ON_CAST_FAIL
                || op == Opcode.CATCH || op == Opcode.CATCH_ALL || op == Opcode.DELEGATE
                || endsFlow(op);
    }

    /** Whether control never falls through {@code op}: what follows it up to the next boundary is dead. */
    private static boolean endsFlow(Opcode op) {
        return op == Opcode.BR || op == Opcode.BR_TABLE || op == Opcode.RETURN || op == Opcode.UNREACHABLE
                || op == Opcode.THROW || op == Opcode.THROW_REF || op == Opcode.RETHROW
                || op == Opcode.RETURN_CALL || op == Opcode.RETURN_CALL_INDIRECT || op == Opcode.RETURN_CALL_REF;
    }

    /** The per-byte or per-page charge factor of {@code op}, whose count is the i32 on top of the stack; 0 for none. */
    private static long dynamicFactor(Opcode op) {
        if (op == Opcode.MEMORY_GROW) {
            return PER_PAGE;
        }
        if (op == Opcode.MEMORY_FILL || op == Opcode.MEMORY_COPY || op == Opcode.MEMORY_INIT
                || op == Opcode.TABLE_FILL || op == Opcode.TABLE_COPY || op == Opcode.TABLE_INIT
                || op == Opcode.TABLE_GROW) {
            return PER_BYTE;
        }
        return 0;
    }

    /** Whether {@code op} calls a function (tail calls included). */
    private static boolean calls(Opcode op) {
        return op == Opcode.CALL || op == Opcode.CALL_INDIRECT || op == Opcode.CALL_REF
                || op == Opcode.RETURN_CALL || op == Opcode.RETURN_CALL_INDIRECT || op == Opcode.RETURN_CALL_REF;
    }

    /**
     * Whether the counter must be current, and checked, before {@code ins}: a direct call to an
     * import (a hook charges the counter and stops the process when it runs out), or a throw
     * (the frames it unwinds drop their debt, so the thrower pays its own first).
     */
    private static boolean settlesBefore(Instruction ins, int importedFunctions) {
        Opcode op = ins.opcode();
        return (op == Opcode.CALL || op == Opcode.RETURN_CALL) && ins.slot(0) < importedFunctions
                || op == Opcode.THROW || op == Opcode.THROW_REF || op == Opcode.RETHROW;
    }

    /** Whether {@code ins}, at block depth {@code depth}, may branch out of the function (to its outermost label). */
    private static boolean branchesOut(Instruction ins, int depth) {
        Opcode op = ins.opcode();
        if (op == Opcode.BR || op == Opcode.BR_IF || op == Opcode.BR_ON_NULL || op == Opcode.BR_ON_NON_NULL) {
            return ins.slot(0) == depth;
        }
        if (op == Opcode.BR_ON_CAST || op == Opcode.BR_ON_CAST_FAIL) {
            return ins.slot(1) == depth;
        }
        if (op == Opcode.BR_TABLE) {
            int n = (int) ins.slot(0);
            for (int k = 0; k <= n; k++) {
                if (ins.slot(1 + k) == depth) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Meters one body. Each run's cost is added to a local, the debt, when the run is entered;
     * the debt is taken from the counter global only where it must be current: with a check at
     * a loop iteration past the frame's allowance, before a direct call to an import, a throw or
     * a bulk instruction's per-byte charge, and (the entry run alone, the debt being 0) at the
     * entry of a body that may be re-entered ({@code entryCheck}); without one before a return or
     * a branch out of the function and at its end. Between those points metering costs a local
     * addition, which the JIT keeps in a register; calls to the module's own functions add
     * nothing at the call but clearing the allowance.
     */
    static FunctionBody meterBody(FunctionBody body, int fuel, int params, int importedFunctions, boolean entryCheck) {
        List<Instruction> code = body.instructions();
        int n = code.size();
        Runs runs = Runs.of(code);
        long[] cost = runs.cost();
        boolean[] loopHead = runs.loopHead();
        long debt = params + body.localCount();
        long t64 = debt + 1;
        long avail = debt + 2;
        long t32 = debt + 3;
        boolean dynamic = false;
        List<Instruction> out = new ArrayList<>(n + n / 2 + 16);
        int depth = 0;
        for (int i = 0; i < n; i++) {
            Instruction ins = code.get(i);
            Opcode op = ins.opcode();
            if (cost[i] > 0) {
                if (loopHead[i]) {
                    // debt += cost; if (debt > avail) settle: an iteration touches locals alone until then.
                    out.add(Instruction.of(Opcode.LOCAL_GET, debt));
                    out.add(Instruction.of(Opcode.I64_CONST, cost[i]));
                    out.add(Instruction.of(I64_ADD));
                    out.add(Instruction.of(Opcode.LOCAL_TEE, debt));
                    out.add(Instruction.of(Opcode.LOCAL_GET, avail));
                    out.add(Instruction.of(I64_GT_S));
                    out.add(Instruction.of(Opcode.IF, -64, 0));
                    sync(out, fuel, debt, t64, avail, 0);
                    out.add(Instruction.of(Opcode.END));
                } else if (i == 0 && entryCheck) {
                    // The debt local starts at 0: the entry run is taken from the counter at once.
                    out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
                    out.add(Instruction.of(Opcode.I64_CONST, cost[i]));
                    out.add(Instruction.of(I64_SUB));
                    store(out, fuel, t64, avail);
                } else if (i == 0) {
                    out.add(Instruction.of(Opcode.I64_CONST, cost[i]));
                    out.add(Instruction.of(Opcode.LOCAL_SET, debt));
                } else {
                    out.add(Instruction.of(Opcode.LOCAL_GET, debt));
                    out.add(Instruction.of(Opcode.I64_CONST, cost[i]));
                    out.add(Instruction.of(I64_ADD));
                    out.add(Instruction.of(Opcode.LOCAL_SET, debt));
                }
            }
            long factor = dynamicFactor(op);
            if (factor > 0) {
                dynamic = true;
                out.add(Instruction.of(Opcode.LOCAL_TEE, t32));
                out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
                out.add(Instruction.of(Opcode.LOCAL_GET, debt));
                out.add(Instruction.of(I64_SUB));
                out.add(Instruction.of(Opcode.LOCAL_GET, t32));
                out.add(Instruction.of(I64_EXTEND_I32_U));
                if (factor != 1) {
                    out.add(Instruction.of(Opcode.I64_CONST, factor));
                    out.add(Instruction.of(I64_MUL));
                }
                out.add(Instruction.of(I64_SUB));
                settle(out, fuel, debt, t64, avail);
            } else if (settlesBefore(ins, importedFunctions)) {
                sync(out, fuel, debt, t64, avail, 0);
            } else if (op == Opcode.RETURN || branchesOut(ins, depth) || i == n - 1) {
                // Leaving the function: pay the debt; the caller's next check sees it.
                flush(out, fuel, debt);
            }
            if (op.opensBlock()) {
                depth++;
            } else if ((op == Opcode.END || op == Opcode.DELEGATE) && i < n - 1) {
                depth--;
            }
            out.add(ins);
            if (calls(op) && !endsFlow(op)) {
                // The callee (or a hook) took from the counter: the next loop iteration settles.
                out.add(Instruction.of(Opcode.I64_CONST, 0));
                out.add(Instruction.of(Opcode.LOCAL_SET, avail));
            }
        }
        List<Locals> locals = new ArrayList<>(body.locals());
        locals.add(Locals.of(3, I64));
        if (dynamic) {
            locals.add(Locals.of(1, I32));
        }
        return new FunctionBody(locals, out, body.localsCountWidth());
    }

    /**
     * A body's straight-line runs, as both metering forms charge them.
     *
     * @param cost at index i, when above 0: a live run starts at instruction i and costs that much
     * @param loopHead at index i: that run starts a loop body, so it is entered once per iteration
     */
    private record Runs(long[] cost, boolean[] loopHead) {
        static Runs of(List<Instruction> code) {
            int n = code.size();
            long[] cost = new long[n];
            boolean[] loopHead = new boolean[n];
            int start = 0;
            boolean live = true;
            boolean inLoop = false;
            for (int i = 0; i < n; i++) {
                Opcode op = code.get(i).opcode();
                if (i == n - 1 || startsRunAfter(op)) {
                    if (live) {
                        cost[start] = i - start + 1;
                        loopHead[start] = inLoop;
                    }
                    start = i + 1;
                    live = !endsFlow(op);
                    inLoop = op == Opcode.LOOP;
                }
            }
            return new Runs(cost, loopHead);
        }
    }

    /**
     * Meters one body without locals, for modules with tail calls: each run's cost is taken from
     * the counter global at once, and the counter is checked at every loop iteration, at the
     * entry of a body that may be re-entered ({@code entryCheck}; a tail-recursive body is) and
     * before a direct call to an import, a throw or a per-byte charge, whose count is kept in a
     * scratch global, the one after the counter. The same cost model, the same counts; slower.
     */
    static FunctionBody meterDirect(FunctionBody body, int fuel, int importedFunctions, boolean entryCheck) {
        List<Instruction> code = body.instructions();
        int n = code.size();
        Runs runs = Runs.of(code);
        long[] cost = runs.cost();
        boolean[] loopHead = runs.loopHead();
        int scratch = fuel + 1;
        List<Instruction> out = new ArrayList<>(n * 2 + 16);
        for (int i = 0; i < n; i++) {
            Instruction ins = code.get(i);
            Opcode op = ins.opcode();
            if (cost[i] > 0) {
                out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
                out.add(Instruction.of(Opcode.I64_CONST, cost[i]));
                out.add(Instruction.of(I64_SUB));
                out.add(Instruction.of(Opcode.GLOBAL_SET, fuel));
                if (loopHead[i] || i == 0 && entryCheck) {
                    checkGlobal(out, fuel);
                }
            }
            long factor = dynamicFactor(op);
            if (factor > 0) {
                out.add(Instruction.of(Opcode.GLOBAL_SET, scratch));
                out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
                out.add(Instruction.of(Opcode.GLOBAL_GET, scratch));
                out.add(Instruction.of(I64_EXTEND_I32_U));
                if (factor != 1) {
                    out.add(Instruction.of(Opcode.I64_CONST, factor));
                    out.add(Instruction.of(I64_MUL));
                }
                out.add(Instruction.of(I64_SUB));
                out.add(Instruction.of(Opcode.GLOBAL_SET, fuel));
                checkGlobal(out, fuel);
                out.add(Instruction.of(Opcode.GLOBAL_GET, scratch));
            } else if (settlesBefore(ins, importedFunctions)) {
                checkGlobal(out, fuel);
            }
            out.add(ins);
        }
        return new FunctionBody(body.locals(), out, body.localsCountWidth());
    }

    /** {@code if (fuel < 0) unreachable}. */
    private static void checkGlobal(List<Instruction> out, int fuel) {
        out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
        out.add(Instruction.of(Opcode.I64_CONST, 0));
        out.add(Instruction.of(I64_LT_S));
        out.add(Instruction.of(Opcode.IF, -64, 0));
        out.add(Instruction.of(Opcode.UNREACHABLE));
        out.add(Instruction.of(Opcode.END));
    }

    /** {@code fuel -= debt + extra; debt = 0; if (fuel < 0) unreachable; avail = min(fuel, SLICE)}. */
    private static void sync(List<Instruction> out, int fuel, long debt, long t64, long avail, long extra) {
        out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
        out.add(Instruction.of(Opcode.LOCAL_GET, debt));
        out.add(Instruction.of(I64_SUB));
        if (extra != 0) {
            out.add(Instruction.of(Opcode.I64_CONST, extra));
            out.add(Instruction.of(I64_SUB));
        }
        settle(out, fuel, debt, t64, avail);
    }

    /** {@code fuel -= debt}, without a check: where the function ends, its debt cleared with its frame. */
    private static void flush(List<Instruction> out, int fuel, long debt) {
        out.add(Instruction.of(Opcode.GLOBAL_GET, fuel));
        out.add(Instruction.of(Opcode.LOCAL_GET, debt));
        out.add(Instruction.of(I64_SUB));
        out.add(Instruction.of(Opcode.GLOBAL_SET, fuel));
    }

    /** With the new counter on the stack: store it, clear the debt, trap if it is below zero, bound the next debt. */
    private static void settle(List<Instruction> out, int fuel, long debt, long t64, long avail) {
        out.add(Instruction.of(Opcode.I64_CONST, 0));
        out.add(Instruction.of(Opcode.LOCAL_SET, debt));
        store(out, fuel, t64, avail);
    }

    /**
     * With the new counter on the stack: store it, trap if it is below zero, and let loop
     * iterations run up a debt of {@code min(counter, SLICE)} before they settle again.
     */
    private static void store(List<Instruction> out, int fuel, long t64, long avail) {
        out.add(Instruction.of(Opcode.LOCAL_TEE, t64));
        out.add(Instruction.of(Opcode.GLOBAL_SET, fuel));
        out.add(Instruction.of(Opcode.LOCAL_GET, t64));
        out.add(Instruction.of(Opcode.I64_CONST, 0));
        out.add(Instruction.of(I64_LT_S));
        out.add(Instruction.of(Opcode.IF, -64, 0));
        out.add(Instruction.of(Opcode.UNREACHABLE));
        out.add(Instruction.of(Opcode.END));
        out.add(Instruction.of(Opcode.LOCAL_GET, t64));
        out.add(Instruction.of(Opcode.I64_CONST, SLICE));
        out.add(Instruction.of(Opcode.LOCAL_GET, t64));
        out.add(Instruction.of(Opcode.I64_CONST, SLICE));
        out.add(Instruction.of(I64_LT_S));
        out.add(Instruction.of(Opcode.SELECT));
        out.add(Instruction.of(Opcode.LOCAL_SET, avail));
    }

    /**
     * The global section with the counter appended, {@code (global (mut i64) (i64.const MAX))},
     * and for {@code direct} metering a scratch {@code (global (mut i32) (i32.const 0))} after it.
     */
    private static byte[] appendGlobal(byte[] payload, boolean direct) {
        WasmReader in = new WasmReader(payload);
        long n = in.u32();
        WasmWriter out = new WasmWriter(payload.length + 16);
        out.u32(n + (direct ? 2 : 1));
        out.bytes(payload, in.position(), payload.length - in.position());
        out.u8(0x7e).u8(1).u8(0x42).s64(Long.MAX_VALUE).u8(0x0b);
        if (direct) {
            out.u8(0x7f).u8(1).u8(0x41).u8(0).u8(0x0b);
        }
        return out.toByteArray();
    }

    private static byte[] appendExport(byte[] payload, int fuel) {
        WasmReader in = new WasmReader(payload);
        int n = in.count();
        for (int i = 0; i < n; i++) {
            String name = in.name();
            in.u8();
            in.index();
            if (name.equals(EXPORT)) {
                throw new IllegalArgumentException("the module exports " + EXPORT + " already");
            }
        }
        WasmWriter out = new WasmWriter(payload.length + 32);
        out.u32(n + 1L);
        WasmReader again = new WasmReader(payload);
        again.u32();
        out.bytes(payload, again.position(), payload.length - again.position());
        out.name(EXPORT).u8(KIND_GLOBAL).u32(fuel);
        return out.toByteArray();
    }

    private static int skipValueTypes(WasmReader in) {
        int n = in.count();
        for (int i = 0; i < n; i++) {
            skipValueType(in);
        }
        return n;
    }

    private static void skipValueType(WasmReader in) {
        int b = in.u8();
        if (b == 0x63 || b == 0x64) {
            in.s33();
        }
    }

    private static void limits(WasmReader in) {
        int flags = in.u8();
        if ((flags & 4) != 0) {
            throw new IllegalArgumentException("64-bit memories and tables are not metered");
        }
        in.u32();
        if ((flags & 1) != 0) {
            in.u32();
        }
    }
}
