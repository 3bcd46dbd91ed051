package dev.hermetic.host.internal;

import dev.hermetic.host.internal.wasm.ConstExpr;
import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.host.internal.wasm.Sections;
import dev.hermetic.host.internal.wasm.Sections.Section;
import dev.hermetic.host.internal.wasm.WasmReader;
import dev.hermetic.host.internal.wasm.WasmWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a pre-initialized module: the original engine with the state of a warm instance baked
 * in, so that any WebAssembly runtime instantiating it gets that warm instance without running
 * {@code _initialize}, {@code engine_init} or the start function again (what Wizer does for
 * Wasmtime).
 *
 * <p>Functions, types, imports, code and custom sections are kept byte for byte. Then:
 * <ul>
 *   <li>memory 0's minimum becomes the warm size; its contents become active data segments
 *       holding the non-zero runs of memory (zero pages are not written);</li>
 *   <li>every global's initializer becomes a constant of its current value;</li>
 *   <li>every table's minimum becomes its current size; active element segments write its
 *       current non-null entries;</li>
 *   <li>the original element and data segments keep their indices, so {@code table.init},
 *       {@code elem.drop}, {@code memory.init} and {@code data.drop} still name the same
 *       segments: active and dropped ones become empty passive segments (an active segment is
 *       dropped once instantiated, so code sees no difference), passive live ones and
 *       declarative ones stay as they are; the data count follows;</li>
 *   <li>the start section goes (its effects are in the state), and so do the named exports.</li>
 * </ul>
 *
 * <p>Only engines' shape is supported: one memory at most, 32-bit; no imported memories,
 * tables or globals; funcref and externref tables without initializer expressions.
 */
public final class PortableModule {

    /** Non-zero runs of memory closer than this many zero bytes share one data segment. */
    public static final int MERGE_GAP = 16;

    /**
     * At most this many data segments hold memory; sparser memories merge runs across larger
     * gaps. Well below the 100,000 segments V8 accepts.
     */
    public static final int MAX_DATA_SEGMENTS = 10_000;

    /** Bytes in a WebAssembly page. */
    public static final int WASM_PAGE = 65536;

    private static final int FUNCREF = 0x70;
    private static final int EXTERNREF = 0x6f;
    private static final int I32 = 0x7f;
    private static final int I64 = 0x7e;
    private static final int F32 = 0x7d;
    private static final int F64 = 0x7c;
    private static final int V128 = 0x7b;
    private static final int KIND_FUNC = 0;

    private PortableModule() {}

    /**
     * The pre-initialized form of {@code originalWasm}.
     *
     * @param originalWasm the engine the warm instance was built from
     * @param state the warm instance's globals, tables and dropped segments
     * @param memoryPages memory 0's size in 64 KiB pages
     * @param memory memory 0's contents: exactly {@code memoryPages * 65536} bytes
     * @param exportsToRemove export names to leave out, e.g. {@code engine_init} and {@code _initialize}
     * @throws MalformedModuleException when {@code originalWasm} is malformed or uses what this
     *     writer does not support
     * @throws IllegalArgumentException when the state does not fit the module (counts, sizes)
     */
    public static byte[] write(byte[] originalWasm, InstanceState state, int memoryPages, byte[] memory,
            Set<String> exportsToRemove) {
        Objects.requireNonNull(originalWasm, "originalWasm");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(exportsToRemove, "exportsToRemove");
        if (memoryPages < 0 || memory.length != (long) memoryPages * WASM_PAGE) {
            throw new IllegalArgumentException("memory holds " + memory.length + " bytes, not " + memoryPages
                    + " pages of " + WASM_PAGE);
        }
        return new PortableModule.Rewrite(state, memoryPages, memory, exportsToRemove).run(originalWasm);
    }

    /** The non-zero runs of {@code memory}, as {@code [start, end)} pairs, merged as {@link #write} does. */
    static List<int[]> dataRuns(byte[] memory) {
        List<int[]> runs = new ArrayList<>();
        int n = memory.length;
        int i = 0;
        while (true) {
            i = skipZeros(memory, i);
            if (i == n) {
                break;
            }
            int start = i;
            int end = i;
            while (i < n) {
                if (memory[i] != 0) {
                    end = ++i;
                } else if (i - end + 1 >= MERGE_GAP) {
                    break;
                } else {
                    i++;
                }
            }
            runs.add(new int[] {start, end});
        }
        return runs.size() <= MAX_DATA_SEGMENTS ? runs : mergeSmallestGaps(runs, MAX_DATA_SEGMENTS);
    }

    /** Reads memory eight bytes at a time where it is zero: most of a warm memory is. */
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The first index at or after {@code from} whose byte is not zero, or {@code memory.length}. */
    static int skipZeros(byte[] memory, int from) {
        int i = from;
        int n = memory.length;
        while (i + 8 <= n && (long) LONGS.get(memory, i) == 0) {
            i += 8;
        }
        while (i < n && memory[i] == 0) {
            i++;
        }
        return i;
    }

    /**
     * {@code runs} merged into {@code limit} runs by filling the smallest gaps between them:
     * keeping the {@code limit - 1} largest gaps as the boundaries writes the fewest zeros.
     */
    static List<int[]> mergeSmallestGaps(List<int[]> runs, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit);
        }
        if (runs.size() <= limit) {
            return runs;
        }
        if (limit == 1) {
            return List.of(new int[] {runs.get(0)[0], runs.get(runs.size() - 1)[1]});
        }
        int[] gaps = new int[runs.size() - 1];
        for (int r = 1; r < runs.size(); r++) {
            gaps[r - 1] = runs.get(r)[0] - runs.get(r - 1)[1];
        }
        int[] sorted = gaps.clone();
        Arrays.sort(sorted);
        // Gaps above the threshold split; of those equal to it, only as many as still fit.
        int threshold = sorted[sorted.length - (limit - 1)];
        int splitsAbove = 0;
        for (int g : gaps) {
            splitsAbove += g > threshold ? 1 : 0;
        }
        int equalSplits = limit - 1 - splitsAbove;
        List<int[]> merged = new ArrayList<>(limit);
        int[] current = runs.get(0);
        for (int r = 1; r < runs.size(); r++) {
            int gap = gaps[r - 1];
            boolean split = gap > threshold || (gap == threshold && equalSplits-- > 0);
            if (split) {
                merged.add(current);
                current = runs.get(r);
            } else {
                current = new int[] {current[0], runs.get(r)[1]};
            }
        }
        merged.add(current);
        return merged;
    }

    /** One rewrite: the inputs, and what the sections read so far tell the later ones. */
    private static final class Rewrite {
        private final InstanceState state;
        private final int memoryPages;
        private final byte[] memory;
        private final Set<String> exportsToRemove;

        /** Functions the original declares (C.refs): may appear in ref.func. */
        private final TreeSet<Integer> declaredBefore = new TreeSet<>();

        /** Functions the written module declares so far. */
        private final TreeSet<Integer> declaredAfter = new TreeSet<>();

        /** Each table's reference type (FUNCREF or EXTERNREF), once the table section is read. */
        private int[] tableTypes = new int[0];

        /** Data segments in the written module, once the data section is written. */
        private int dataSegments;

        Rewrite(InstanceState state, int memoryPages, byte[] memory, Set<String> exportsToRemove) {
            this.state = state;
            this.memoryPages = memoryPages;
            this.memory = memory;
            this.exportsToRemove = exportsToRemove;
        }

        byte[] run(byte[] wasm) {
            List<Section> in = Sections.parse(wasm);
            List<Section> out = new ArrayList<>();
            boolean hasMemory = false;
            boolean hasTables = false;
            boolean hasGlobals = false;
            boolean hasElements = false;
            boolean hasData = false;
            boolean hasDataCount = false;
            for (Section s : in) {
                switch (s.id()) {
                    case Sections.IMPORT -> checkImports(s.payload());
                    case Sections.TABLE -> hasTables = true;
                    case Sections.MEMORY -> hasMemory = true;
                    case Sections.GLOBAL -> hasGlobals = true;
                    case Sections.ELEMENT -> hasElements = true;
                    case Sections.DATA -> hasData = true;
                    case Sections.DATA_COUNT -> hasDataCount = true;
                    default -> { }
                }
            }
            if (!hasTables && state.tables().length > 0) {
                throw mismatch(state.tables().length + " tables, the module none");
            }
            if (!hasGlobals && state.globalLow().length > 0) {
                throw mismatch(state.globalLow().length + " globals, the module none");
            }
            if (!hasMemory && memoryPages > 0) {
                throw mismatch(memoryPages + " pages of memory, the module no memory");
            }
            // Sections in the order they appear; those read later depend on earlier ones.
            for (Section s : in) {
                byte[] p = s.payload();
                switch (s.id()) {
                    case Sections.TABLE -> out.add(new Section(s.id(), tables(p)));
                    case Sections.MEMORY -> out.add(new Section(s.id(), memory(p)));
                    case Sections.GLOBAL -> out.add(new Section(s.id(), globals(p)));
                    case Sections.EXPORT -> out.add(new Section(s.id(), exports(p)));
                    case Sections.START -> { }
                    case Sections.ELEMENT -> out.add(new Section(s.id(), elements(p)));
                    case Sections.DATA -> out.add(new Section(s.id(), data(p)));
                    default -> out.add(s);
                }
            }
            if (!hasElements) {
                byte[] elements = elements(new WasmWriter().u32(0).toByteArray());
                if (elements.length > 1) {
                    Sections.put(out, new Section(Sections.ELEMENT, elements));
                }
            }
            if (!hasData) {
                byte[] data = data(new WasmWriter().u32(0).toByteArray());
                if (dataSegments > 0) {
                    Sections.put(out, new Section(Sections.DATA, data));
                }
            }
            if (hasDataCount) {
                Sections.put(out, new Section(Sections.DATA_COUNT, new WasmWriter().u32(dataSegments).toByteArray()));
            }
            return Sections.encode(out);
        }

        private static void checkImports(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            int n = in.count();
            for (int i = 0; i < n; i++) {
                String module = in.name();
                String name = in.name();
                int kind = in.u8();
                if (kind != KIND_FUNC) {
                    throw unsupported("import " + module + "." + name + " is not a function (kind " + kind
                            + "); only function imports are supported");
                }
                in.index();
            }
            end(in, "import");
        }

        private byte[] tables(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            WasmWriter out = new WasmWriter();
            int n = in.count();
            if (n != state.tables().length) {
                throw mismatch(state.tables().length + " tables, the module " + n);
            }
            tableTypes = new int[n];
            out.u32(n);
            for (int t = 0; t < n; t++) {
                int type = in.u8();
                if (type != FUNCREF && type != EXTERNREF) {
                    throw unsupported(String.format("table %d has type 0x%02x (or an initializer);"
                            + " only funcref and externref tables are supported", t, type));
                }
                int flags = in.u8();
                if (flags > 1) {
                    throw unsupported("table " + t + " has limits flags " + flags + "; only 0 and 1 are supported");
                }
                long min = in.u32();
                long max = flags == 1 ? in.u32() : -1;
                int size = state.tables()[t].length;
                if (size < min || (max >= 0 && size > max)) {
                    throw mismatch("table " + t + " holding " + size + " entries, the module's limits are [" + min
                            + ", " + (max < 0 ? "none" : max) + "]");
                }
                tableTypes[t] = type;
                out.u8(type).u8(flags).u32(size);
                if (max >= 0) {
                    out.u32(max);
                }
            }
            end(in, "table");
            return out.toByteArray();
        }

        private byte[] memory(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            WasmWriter out = new WasmWriter();
            int n = in.count();
            if (n > 1) {
                throw unsupported(n + " memories; only one is supported");
            }
            out.u32(n);
            if (n == 0) {
                if (memoryPages > 0) {
                    throw mismatch(memoryPages + " pages of memory, the module no memory");
                }
                return out.toByteArray();
            }
            int flags = in.u8();
            if (flags > 3) {
                throw unsupported("memory limits flags " + flags + " (64-bit or custom page size)");
            }
            long min = in.u32();
            long max = (flags & 1) != 0 ? in.u32() : -1;
            if (memoryPages < min || (max >= 0 && memoryPages > max)) {
                throw mismatch(memoryPages + " pages of memory, the module's limits are [" + min + ", "
                        + (max < 0 ? "none" : max) + "]");
            }
            out.u8(flags).u32(memoryPages);
            if (max >= 0) {
                out.u32(max);
            }
            end(in, "memory");
            return out.toByteArray();
        }

        private byte[] globals(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            WasmWriter out = new WasmWriter();
            int n = in.count();
            if (n != state.globalLow().length || n != state.globalHigh().length) {
                throw mismatch(state.globalLow().length + " globals, the module " + n);
            }
            out.u32(n);
            for (int g = 0; g < n; g++) {
                int type = in.u8();
                switch (type) {
                    case I32, I64, F32, F64, V128, FUNCREF, EXTERNREF -> { }
                    default -> throw unsupported(String.format("global %d has type 0x%02x", g, type));
                }
                int mutability = in.u8();
                if (mutability > 1) {
                    throw in.malformed("global mutability " + mutability);
                }
                ConstExpr.skip(in, declaredBefore::add);
                out.u8(type).u8(mutability);
                constant(out, g, type, state.globalLow()[g], state.globalHigh()[g]);
            }
            end(in, "global");
            return out.toByteArray();
        }

        /** Writes the constant expression of value {@code (low, high)} of {@code type}. */
        private void constant(WasmWriter out, int global, int type, long low, long high) {
            switch (type) {
                case I32 -> out.u8(ConstExpr.I32_CONST).s32((int) low);
                case I64 -> out.u8(ConstExpr.I64_CONST).s64(low);
                case F32 -> out.u8(ConstExpr.F32_CONST).fixed32((int) low);
                case F64 -> out.u8(ConstExpr.F64_CONST).fixed64(low);
                case V128 -> out.u8(ConstExpr.SIMD_PREFIX).u32(ConstExpr.V128_CONST).fixed64(low).fixed64(high);
                case FUNCREF -> {
                    if (low == -1) {
                        out.u8(ConstExpr.REF_NULL).u8(FUNCREF);
                    } else if (low < 0 || low > Integer.MAX_VALUE) {
                        throw mismatch("global " + global + " holding function reference " + low);
                    } else {
                        out.u8(ConstExpr.REF_FUNC).u32(low);
                        declaredAfter.add((int) low);
                    }
                }
                case EXTERNREF -> {
                    if (low != -1) {
                        throw mismatch("global " + global + " holding a non-null externref, which no module can encode");
                    }
                    out.u8(ConstExpr.REF_NULL).u8(EXTERNREF);
                }
                default -> throw new AssertionError(type);
            }
            out.u8(ConstExpr.END);
        }

        private byte[] exports(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            WasmWriter body = new WasmWriter();
            int n = in.count();
            int kept = 0;
            for (int i = 0; i < n; i++) {
                String name = in.name();
                int kind = in.u8();
                int index = in.index();
                if (kind == KIND_FUNC) {
                    declaredBefore.add(index);
                }
                if (!exportsToRemove.contains(name)) {
                    body.name(name).u8(kind).u32(index);
                    kept++;
                    if (kind == KIND_FUNC) {
                        declaredAfter.add(index);
                    }
                }
            }
            end(in, "export");
            return new WasmWriter(body.size() + 5).u32(kept).bytes(body).toByteArray();
        }

        private byte[] elements(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            WasmWriter body = new WasmWriter();
            int n = in.count();
            if (n != state.droppedElements().length) {
                throw mismatch(state.droppedElements().length + " element segments, the module " + n);
            }
            for (int i = 0; i < n; i++) {
                int start = in.position();
                long flags = in.u32();
                if (flags > 7) {
                    throw in.malformed("element segment flags " + flags);
                }
                boolean active = (flags & 1) == 0;
                boolean declarative = (flags & 3) == 3;
                boolean expressions = (flags & 4) != 0;
                if (active && (flags & 2) != 0) {
                    in.index();
                }
                if (active) {
                    ConstExpr.skip(in, f -> { });
                }
                int type = FUNCREF;
                if ((flags & 3) != 0) {
                    int kind = in.u8();
                    if (!expressions && kind != 0) {
                        throw in.malformed("element kind " + kind);
                    }
                    if (expressions) {
                        if (kind != FUNCREF && kind != EXTERNREF) {
                            throw unsupported(String.format("element segment %d has type 0x%02x", i, kind));
                        }
                        type = kind;
                    }
                }
                TreeSet<Integer> refs = new TreeSet<>();
                int count = in.count();
                for (int e = 0; e < count; e++) {
                    if (expressions) {
                        ConstExpr.skip(in, refs::add);
                    } else {
                        refs.add(in.index());
                    }
                }
                declaredBefore.addAll(refs);
                boolean live = declarative || (!active && !state.droppedElements()[i]);
                if (live) {
                    body.bytes(payload, start, in.position() - start);
                    declaredAfter.addAll(refs);
                } else if (type == FUNCREF) {
                    body.u8(1).u8(0).u32(0); // passive, elemkind funcref, no elements
                } else {
                    body.u8(5).u8(type).u32(0); // passive, reftype, no expressions
                }
            }
            end(in, "element");
            int segments = n;
            WasmWriter active = new WasmWriter();
            for (int t = 0; t < state.tables().length; t++) {
                int[] refs = state.tables()[t];
                for (int i = 0; i < refs.length; ) {
                    if (refs[i] == -1) {
                        i++;
                        continue;
                    }
                    if (tableTypes[t] != FUNCREF) {
                        throw mismatch("table " + t + " holding a non-null externref, which no module can encode");
                    }
                    int from = i;
                    while (i < refs.length && refs[i] != -1) {
                        if (refs[i] < 0) {
                            throw mismatch("table " + t + " holding function reference " + refs[i]);
                        }
                        i++;
                    }
                    if (t == 0) {
                        active.u8(0);
                    } else {
                        active.u8(2).u32(t);
                    }
                    active.u8(ConstExpr.I32_CONST).s32(from).u8(ConstExpr.END);
                    if (t != 0) {
                        active.u8(0); // elemkind funcref
                    }
                    active.u32(i - from);
                    for (int e = from; e < i; e++) {
                        active.u32(refs[e]);
                        declaredAfter.add(refs[e]);
                    }
                    segments++;
                }
            }
            TreeSet<Integer> undeclared = new TreeSet<>(declaredBefore);
            undeclared.removeAll(declaredAfter);
            if (!undeclared.isEmpty()) {
                // Code may still say ref.func of these: keep them declared.
                body.u8(3).u8(0).u32(undeclared.size());
                for (int f : undeclared) {
                    body.u32(f);
                }
                segments++;
            }
            body.bytes(active);
            return new WasmWriter(body.size() + 5).u32(segments).bytes(body).toByteArray();
        }

        private byte[] data(byte[] payload) {
            WasmReader in = new WasmReader(payload);
            WasmWriter body = new WasmWriter();
            int n = in.count();
            if (n != state.droppedData().length) {
                throw mismatch(state.droppedData().length + " data segments, the module " + n);
            }
            for (int i = 0; i < n; i++) {
                int start = in.position();
                long flags = in.u32();
                if (flags > 2) {
                    throw in.malformed("data segment flags " + flags);
                }
                boolean active = flags != 1;
                if (flags == 2) {
                    in.index();
                }
                if (active) {
                    ConstExpr.skip(in, f -> { });
                }
                in.skip(in.index());
                if (!active && !state.droppedData()[i]) {
                    body.bytes(payload, start, in.position() - start);
                } else {
                    body.u8(1).u32(0); // passive, empty
                }
            }
            end(in, "data");
            List<int[]> runs = dataRuns(memory);
            long size = body.size();
            for (int[] run : runs) {
                size += 16 + run[1] - run[0];
            }
            WasmWriter out = new WasmWriter((int) Math.min(size + 8, Integer.MAX_VALUE - 8));
            out.u32(n + runs.size()).bytes(body);
            for (int[] run : runs) {
                out.u8(0).u8(ConstExpr.I32_CONST).s32(run[0]).u8(ConstExpr.END);
                out.vector(memory, run[0], run[1] - run[0]);
            }
            dataSegments = n + runs.size();
            return out.toByteArray();
        }

        private static void end(WasmReader in, String section) {
            if (!in.atEnd()) {
                throw in.malformed(in.remaining() + " stray bytes at the end of the " + section + " section");
            }
        }

        private static IllegalArgumentException mismatch(String what) {
            return new IllegalArgumentException("state does not fit the module: the state has " + what);
        }

        private static MalformedModuleException unsupported(String what) {
            return new MalformedModuleException("unsupported module: " + what, null);
        }
    }
}
