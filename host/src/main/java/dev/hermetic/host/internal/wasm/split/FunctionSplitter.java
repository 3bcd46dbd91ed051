package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.Sections;
import dev.hermetic.host.internal.wasm.Sections.Section;
import dev.hermetic.host.internal.wasm.WasmReader;
import dev.hermetic.host.internal.wasm.WasmWriter;
import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.code.CodeEncoder;
import dev.hermetic.host.internal.wasm.code.CodeSection;
import dev.hermetic.host.internal.wasm.code.FunctionBody;
import dev.hermetic.host.internal.wasm.code.Locals;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a module so that no function's JVM method, as Chicory compiles it, is too large for
 * HotSpot's JIT: each function whose estimate ({@link JvmCost}) is over the limit is split by
 * an {@link Outliner} into itself and new functions, the pieces, appended after the module's
 * own functions (so imports, exports, tables, elements and the start function keep their
 * indices); their types are appended to the type section and their names, where the module
 * has a name section, are the function's name with {@code $split} and a number.
 *
 * <p>A module or function that uses what the splitter does not handle (SIMD, GC types, legacy
 * exceptions, ...) is left as it is, with the reason in the result. The input must be a valid
 * module; the output is one too, and computes the same results.
 */
public final class FunctionSplitter {

    /**
     * Names this splitter's output: part of the code cache's key, so a cached entry compiled
     * from another version's pieces is never taken for this one's. Change it whenever the
     * rewrite's output for some module changes.
     */
    public static final String VERSION = "2";

    /**
     * The default estimate above which a function is split, in JVM bytecode bytes. The estimate
     * runs high: on the bundled engines' large functions the real method was 0.77 to 0.91 of it,
     * so a function left at this estimate compiles to at most about 7,300 bytes, under HotSpot's
     * {@code HugeMethodLimit} of 8,000, and one that would compile anyway is not split.
     */
    public static final int DEFAULT_LIMIT = 8_000;

    /** The default estimate a piece may reach: pieces are never split again. */
    public static final int DEFAULT_PIECE_LIMIT = 4_000;

    private FunctionSplitter() {}

    /**
     * One function that was over the limit.
     *
     * @param function its index in the function index space
     * @param name its name from the name section, or {@code #index}
     * @param estimateBefore its estimated JVM bytecode bytes before
     * @param estimateAfter its estimate after; over the limit when it could not be split enough
     * @param pieces how many new functions it was split into
     * @param problem why it could not be split (enough), or null
     */
    public record Split(int function, String name, int estimateBefore, int estimateAfter, int pieces, String problem) {}

    /**
     * What splitting did.
     *
     * @param wasm the rewritten module, or the same array when nothing was split
     * @param splits every function that was over the limit, in index order
     * @param problem why the module as a whole could not be split, or null
     */
    public record Result(byte[] wasm, List<Split> splits, String problem) {
        public int piecesMade() {
            return splits.stream().mapToInt(Split::pieces).sum();
        }

        public int functionsSplit() {
            return (int) splits.stream().filter(s -> s.pieces() > 0).count();
        }
    }

    /** Splits with the default limits. */
    public static Result split(byte[] wasm) {
        return split(wasm, DEFAULT_LIMIT, DEFAULT_PIECE_LIMIT);
    }

    /**
     * Splits every function whose estimate is over {@code limit} into pieces of at most
     * {@code pieceLimit}.
     *
     * @throws IllegalArgumentException unless {@code 0 < pieceLimit <= limit}
     */
    public static Result split(byte[] wasm, int limit, int pieceLimit) {
        return split(wasm, limit, pieceLimit, f -> true);
    }

    /** As {@link #split(byte[], int, int)}, considering only the functions {@code which} accepts (to narrow a search). */
    public static Result split(byte[] wasm, int limit, int pieceLimit, java.util.function.IntPredicate which) {
        if (pieceLimit <= 0 || pieceLimit > limit) {
            throw new IllegalArgumentException("limits " + limit + " and " + pieceLimit);
        }
        List<Section> sections = Sections.parse(wasm);
        Signatures sig;
        try {
            sig = Signatures.read(sections);
        } catch (Unsplittable e) {
            return new Result(wasm, List.of(), e.getMessage());
        }
        int codeAt = indexOf(sections, Sections.CODE);
        if (codeAt < 0) {
            return new Result(wasm, List.of(), null);
        }
        byte[] codePayload = sections.get(codeAt).payload();
        List<CodeSection.Body> bodies = CodeSection.bodies(codePayload, 0, codePayload.length);
        Map<Integer, String> nameOf = functionNames(sections);
        CodeDecoder decoder = new CodeDecoder();
        List<Split> splits = new ArrayList<>();
        Map<Integer, FunctionBody> rewritten = new HashMap<>();
        List<Outliner.Piece> pieces = new ArrayList<>();
        List<String> pieceNames = new ArrayList<>();
        for (CodeSection.Body b : bodies) {
            int function = sig.importedFunctions() + b.index();
            int before = estimate(decoder, codePayload, b);
            if (before <= limit || !which.test(function)) {
                continue;
            }
            String name = nameOf.getOrDefault(function, "#" + function);
            FunctionBody body = decoder.decode(codePayload, b.start(), b.end());
            int functionsBefore = sig.functionCount();
            try {
                Outliner o = new Outliner(sig, sig.function(function), body.locals(), body.instructions(), limit, pieceLimit);
                o.run();
                int after = o.estimate();
                if (!o.pieces().isEmpty()) {
                    rewritten.put(b.index(), new FunctionBody(o.declaredLocals(), o.code()));
                    for (int k = 0; k < o.pieces().size(); k++) {
                        pieces.add(o.pieces().get(k));
                        pieceNames.add(nameOf.containsKey(function) ? name + "$split" + k : null);
                    }
                }
                splits.add(new Split(function, name, before, after, o.pieces().size(),
                        after > limit ? "no run of statements left to move out" : null));
            } catch (Unsplittable e) {
                if (sig.functionCount() != functionsBefore) {
                    throw new IllegalStateException("pieces added by a function that could not be split");
                }
                splits.add(new Split(function, name, before, before, 0, e.getMessage()));
            }
        }
        if (pieces.isEmpty()) {
            return new Result(wasm, List.copyOf(splits), null);
        }
        List<Section> out = new ArrayList<>(sections);
        for (int i = 0; i < out.size(); i++) {
            Section s = out.get(i);
            switch (s.id()) {
                case Sections.TYPE -> out.set(i, new Section(s.id(), appendTypes(s.payload(), sig.addedTypes())));
                case Sections.FUNCTION -> out.set(i, new Section(s.id(), appendFunctions(s.payload(), sig.addedFunctionTypes())));
                case Sections.CODE -> out.set(i, new Section(s.id(), code(codePayload, bodies, rewritten, pieces)));
                case Sections.CUSTOM -> out.set(i, new Section(s.id(), names(s.payload(), sig.moduleFunctions(), pieceNames)));
                default -> { }
            }
        }
        return new Result(Sections.encode(out), List.copyOf(splits), null);
    }

    private static int estimate(CodeDecoder decoder, byte[] payload, CodeSection.Body b) {
        int[] cost = {JvmCost.METHOD};
        decoder.walk(payload, b.start(), b.end(), new CodeDecoder.Visitor() {
            @Override
            public void locals(Locals l) {
                cost[0] = (int) Math.min(Integer.MAX_VALUE / 2, cost[0] + JvmCost.PER_LOCAL * l.count());
            }

            @Override
            public void instruction(int offset, Opcode opcode, long[] slots, int count) {
                cost[0] = (int) Math.min(Integer.MAX_VALUE / 2, cost[0] + (long) JvmCost.of(opcode, count > 0 ? slots[0] : 0));
            }
        });
        return cost[0];
    }

    private static int indexOf(List<Section> sections, int id) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    /** A vector section's payload with {@code extra} more entries, already encoded, appended. */
    private static byte[] append(byte[] payload, int extra, WasmWriter entries) {
        WasmReader in = new WasmReader(payload);
        long n = in.u32();
        WasmWriter out = new WasmWriter(payload.length + entries.size() + 5);
        out.u32(n + extra);
        out.bytes(payload, in.position(), payload.length - in.position());
        out.bytes(entries);
        return out.toByteArray();
    }

    private static byte[] appendTypes(byte[] payload, List<FuncType> types) {
        WasmWriter w = new WasmWriter();
        for (FuncType t : types) {
            w.u8(0x60);
            w.u32(t.params().length);
            for (long p : t.params()) {
                w.u8(FuncType.code(p));
            }
            w.u32(t.results().length);
            for (long r : t.results()) {
                w.u8(FuncType.code(r));
            }
        }
        return append(payload, types.size(), w);
    }

    private static byte[] appendFunctions(byte[] payload, List<Integer> typeIndices) {
        WasmWriter w = new WasmWriter();
        for (int t : typeIndices) {
            w.u32(t);
        }
        return append(payload, typeIndices.size(), w);
    }

    private static byte[] code(byte[] payload, List<CodeSection.Body> bodies, Map<Integer, FunctionBody> rewritten,
            List<Outliner.Piece> pieces) {
        WasmWriter out = new WasmWriter(payload.length + payload.length / 4);
        out.u32(bodies.size() + pieces.size());
        for (CodeSection.Body b : bodies) {
            FunctionBody body = rewritten.get(b.index());
            if (body == null) {
                out.vector(payload, b.start(), b.end() - b.start());
            } else {
                body(out, body);
            }
        }
        for (Outliner.Piece piece : pieces) {
            body(out, new FunctionBody(piece.locals(), piece.code()));
        }
        return out.toByteArray();
    }

    private static void body(WasmWriter out, FunctionBody body) {
        WasmWriter b = new WasmWriter();
        CodeEncoder.encode(body, b);
        byte[] bytes = b.toByteArray();
        out.vector(bytes, 0, bytes.length);
    }

    private static final int FUNCTION_NAMES = 1;

    /** The function names of the name section by function index, or empty. */
    private static Map<Integer, String> functionNames(List<Section> sections) {
        Map<Integer, String> names = new HashMap<>();
        for (Section s : sections) {
            if (s.id() != Sections.CUSTOM) {
                continue;
            }
            try {
                WasmReader in = new WasmReader(s.payload());
                if (!in.name().equals("name")) {
                    continue;
                }
                while (!in.atEnd()) {
                    int id = in.u8();
                    int size = in.index();
                    int end = in.position() + size;
                    if (id == FUNCTION_NAMES) {
                        WasmReader sub = new WasmReader(s.payload(), in.position(), end);
                        int n = sub.count();
                        for (int i = 0; i < n; i++) {
                            int f = sub.index();
                            names.put(f, sub.name());
                        }
                    }
                    in.skip(size);
                }
            } catch (RuntimeException malformed) {
                // A malformed name section names nothing; the runtime ignores it as well.
                return Map.of();
            }
        }
        return names;
    }

    /**
     * The custom section {@code payload} with the pieces' names added to its function names
     * when it is the name section; any other custom section, or a malformed one, unchanged.
     */
    private static byte[] names(byte[] payload, int firstPiece, List<String> pieceNames) {
        try {
            WasmReader in = new WasmReader(payload);
            if (!in.name().equals("name")) {
                return payload;
            }
            WasmWriter out = new WasmWriter(payload.length + 32 * pieceNames.size());
            out.name("name");
            while (!in.atEnd()) {
                int id = in.u8();
                int size = in.index();
                int start = in.position();
                in.skip(size);
                if (id != FUNCTION_NAMES) {
                    out.u8(id).vector(payload, start, size);
                    continue;
                }
                WasmReader sub = new WasmReader(payload, start, start + size);
                int n = sub.count();
                WasmWriter entries = new WasmWriter(size + 32 * pieceNames.size());
                entries.bytes(payload, sub.position(), start + size - sub.position());
                int added = 0;
                for (int k = 0; k < pieceNames.size(); k++) {
                    if (pieceNames.get(k) != null) {
                        entries.u32(firstPiece + k).name(pieceNames.get(k));
                        added++;
                    }
                }
                WasmWriter subsection = new WasmWriter(entries.size() + 5).u32(n + added).bytes(entries);
                byte[] bytes = subsection.toByteArray();
                out.u8(id).vector(bytes, 0, bytes.length);
            }
            return out.toByteArray();
        } catch (RuntimeException malformed) {
            return payload;
        }
    }
}
