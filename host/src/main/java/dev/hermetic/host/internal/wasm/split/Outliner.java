package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Locals;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Splits one function whose JVM method would be too large into the function and pieces, each
 * small enough for HotSpot to compile. A piece is a run of whole statements of one block body
 * (instructions and complete nested blocks) that starts with an empty operand stack and ends
 * with one or in unreachable code. It becomes a new function:
 *
 * <ul>
 *   <li>the locals live on entry to the run ({@link Liveness}) that it uses are its
 *       parameters; the ones it writes that are live after it are returned (multi-value) and
 *       written back by the caller, so no state is shared but the call. The other locals it
 *       uses are its own, zero-initialised as Wasm's are, and always written before read;</li>
 *   <li>a branch out of the run, to a label of the function or a {@code return}, becomes an
 *       exit: the piece ends with that exit's number as its last result and the caller branches
 *       on it with {@code br_table} to the same label (or returns the results the piece passes
 *       back). Only exits to labels without values are made, apart from {@code return};</li>
 *   <li>a run inside a {@code try_table} of the function is moved only if it writes no local,
 *       since an exception thrown out of the piece would lose those writes before the handler.</li>
 * </ul>
 *
 * <p>Runs are taken largest first until the function's estimate is under the limit. Pieces are
 * never split again: each is taken no larger than the piece limit.
 */
final class Outliner {

    /** Parameters of a piece, in JVM slots: below Chicory's 253, so arguments stay unboxed. */
    static final int MAX_PARAM_SLOTS = 200;

    /**
     * Parameters of a piece, counted as arguments whatever their type. Chicory's method for a
     * function adds the memory and the instance; C2 on x86-64 (JDK 17, measured) refuses a
     * method of 55 arguments or more ("unsupported incoming calling sequence") and every
     * method calling one ("unsupported calling sequence"), leaving both to C1. 52 plus those
     * two is the most it compiles. With only the live locals passed, no bundled engine's
     * pieces reach it (51 at most, classifier's and regex's).
     */
    static final int MAX_PARAMS = 52;

    /** Results of a piece; each is unboxed from one {@code long[]}. */
    static final int MAX_RESULTS = 200;

    /** A piece must save at least this many estimated bytes in the function it leaves (less for tiny limits). */
    static final int MIN_GAIN = 32;

    private static final long EMPTY_BLOCK = -64;
    private static final int UNREACHABLE = -1;

    /** A piece made: the new function's type, locals and instructions through the final end. */
    record Piece(FuncType type, List<Locals> locals, List<Instruction> code) {}

    private final Signatures sig;
    /** The function's own type. */
    private final FuncType self;
    /** Every local's type: parameters, then declared locals, then scratch locals added. */
    private final List<Long> localTypes;
    /** How many locals the function declares besides its parameters, scratch included. */
    private final int paramCount;
    /** The function's instructions through the final end; rewritten as pieces leave. */
    private List<Instruction> code;
    /**
     * The local that holds an exit number between a call and its dispatch; -1 until a call site
     * needs one. Like {@link #resultScratch}, an ordinary local to later pieces, which may hold
     * part of a call site (the dispatch after the call's results are stored, say).
     */
    private int exitScratch = -1;
    /** The scratch locals that hold the function's results between a piece and a return. */
    private int[] resultScratch;
    private final List<Piece> pieces = new ArrayList<>();
    /** The functions' estimate limit and the pieces' (smaller: they are never split again). */
    private final int limit;
    private final int pieceLimit;
    /** What a piece must save: {@link #MIN_GAIN}, or less where the piece limit is tiny. */
    private final int minGain;

    Outliner(Signatures sig, FuncType self, List<Locals> declared, List<Instruction> code, int limit, int pieceLimit) {
        this.sig = sig;
        this.self = self;
        this.localTypes = new ArrayList<>();
        for (long p : self.params()) {
            localTypes.add(p);
        }
        this.paramCount = self.params().length;
        for (Locals l : declared) {
            if (!FuncType.supported(l.type())) {
                throw new Unsplittable("local of type " + l.type());
            }
            if (localTypes.size() + l.count() > 1_000_000) {
                throw new Unsplittable("too many locals");
            }
            for (long i = 0; i < l.count(); i++) {
                localTypes.add(l.type());
            }
        }
        this.code = new ArrayList<>(code);
        this.limit = limit;
        this.pieceLimit = pieceLimit;
        this.minGain = Math.max(4, Math.min(MIN_GAIN, pieceLimit / 8));
    }

    /** The estimated JVM bytecode bytes of a body. */
    static int estimate(List<Instruction> code, int declaredLocals) {
        int cost = JvmCost.METHOD + JvmCost.PER_LOCAL * declaredLocals;
        for (Instruction ins : code) {
            cost += JvmCost.of(ins.opcode(), ins.slotCount() > 0 ? ins.slot(0) : 0);
        }
        return cost;
    }

    int estimate() {
        return estimate(code, localTypes.size() - paramCount);
    }

    /** Outlines runs until the function fits the limit or no run is left to take. */
    void run() {
        while (estimate() > limit) {
            if (!outlineOne()) {
                return;
            }
        }
    }

    List<Piece> pieces() {
        return pieces;
    }

    List<Instruction> code() {
        return code;
    }

    /** The function's local declarations now: the original ones and the scratch locals. */
    List<Locals> declaredLocals() {
        return declarations(localTypes.subList(paramCount, localTypes.size()));
    }

    // ---- Analysis: statements, their costs and what they branch to ----

    /** What a statement (or a run of them) contains, summed. */
    private static final class Agg {
        int cost;
        boolean movable = true;
        /** The outermost frame position branched to whose label carries values; MAX when none. */
        int minBadFrame = Integer.MAX_VALUE;
        boolean writes;

        void add(Agg o) {
            cost += o.cost;
            movable &= o.movable;
            minBadFrame = Math.min(minBadFrame, o.minBadFrame);
            writes |= o.writes;
        }
    }

    /** The body of one block, loop, if arm, try_table or the function, as statements. */
    private static final class Seq {
        /** The position of its frame on the control stack: 0 for the function's body. */
        final int frame;
        final boolean insideTry;
        final List<Integer> starts = new ArrayList<>();
        final List<Agg> aggs = new ArrayList<>();
        /** Per boundary (before statement i, and after the last), the stack height or UNREACHABLE. */
        final List<Integer> heights = new ArrayList<>();
        int end;

        Seq(int frame, boolean insideTry, int height) {
            this.frame = frame;
            this.insideTry = insideTry;
            heights.add(height);
        }
    }

    /** One open block while walking. */
    private static final class Frame {
        final int params;
        final int results;
        final boolean isIf;
        final boolean isTry;
        /** The values a branch to this frame's label carries. */
        final int labelArity;
        /** The statement this block is, in the enclosing body; null for the function. */
        final Agg statement;
        Seq seq;
        int height;

        Frame(int params, int results, boolean isIf, boolean isTry, int labelArity, Agg statement, Seq seq) {
            this.params = params;
            this.results = results;
            this.isIf = isIf;
            this.isTry = isTry;
            this.labelArity = labelArity;
            this.statement = statement;
            this.seq = seq;
            this.height = params;
        }
    }

    private List<Seq> analyse() {
        List<Seq> seqs = new ArrayList<>();
        List<Frame> stack = new ArrayList<>();
        Seq body = new Seq(0, false, 0);
        seqs.add(body);
        stack.add(new Frame(0, self.results().length, false, false, self.results().length, null, body));
        for (int i = 0; i < code.size(); i++) {
            Instruction ins = code.get(i);
            Opcode op = ins.opcode();
            Frame f = stack.get(stack.size() - 1);
            int p = stack.size() - 1;
            if (op == Opcode.END || op == Opcode.ELSE) {
                f.seq.end = i;
                if (op == Opcode.ELSE) {
                    if (!f.isIf) {
                        throw new Unsplittable("else outside an if");
                    }
                    f.seq = new Seq(p, insideTry(stack), f.params);
                    seqs.add(f.seq);
                    f.height = f.params;
                    continue;
                }
                stack.remove(stack.size() - 1);
                if (stack.isEmpty()) {
                    if (i != code.size() - 1) {
                        throw new Unsplittable("code after the function's end");
                    }
                    return seqs;
                }
                Frame parent = stack.get(stack.size() - 1);
                Agg statement = f.statement;
                if (parent.height != UNREACHABLE) {
                    parent.height = parent.height - f.params - (f.isIf ? 1 : 0) + f.results;
                    if (parent.height < 0) {
                        throw new Unsplittable("operand stack underflow");
                    }
                }
                finish(parent, statement);
                continue;
            }
            if (op == Opcode.BLOCK || op == Opcode.LOOP || op == Opcode.IF || op == Opcode.TRY_TABLE) {
                FuncType bt = blockType(ins);
                Agg statement = new Agg();
                statement.cost = JvmCost.of(op, ins.slotCount() > 0 ? ins.slot(0) : 0);
                if (op == Opcode.TRY_TABLE) {
                    int catches = (int) ins.slot(2);
                    for (int c = 0; c < catches; c++) {
                        branch(statement, stack, p - ins.slot(3 + 3 * c + 2));
                    }
                }
                f.seq.starts.add(i);
                boolean isLoop = op == Opcode.LOOP;
                int arity = isLoop ? bt.params().length : bt.results().length;
                Seq inner = new Seq(p + 1, insideTry(stack) || op == Opcode.TRY_TABLE, bt.params().length);
                seqs.add(inner);
                stack.add(new Frame(bt.params().length, bt.results().length, op == Opcode.IF, op == Opcode.TRY_TABLE,
                        arity, statement, inner));
                continue;
            }
            if (op.proposal() == dev.hermetic.host.internal.wasm.code.Proposal.LEGACY_EXCEPTIONS) {
                throw new Unsplittable("legacy exception handling");
            }
            Agg statement = new Agg();
            statement.cost = JvmCost.of(op, ins.slotCount() > 0 ? ins.slot(0) : 0);
            f.seq.starts.add(i);
            long effect = StackEffect.of(ins, sig);
            if (op == Opcode.BR || op == Opcode.BR_IF) {
                branch(statement, stack, p - ins.slot(0));
            } else if (op == Opcode.BR_TABLE) {
                int n = (int) ins.slot(0);
                for (int t = 0; t <= n; t++) {
                    branch(statement, stack, p - ins.slot(1 + t));
                }
            } else if (op == Opcode.RETURN_CALL || op == Opcode.RETURN_CALL_INDIRECT) {
                statement.movable = false;
            } else if (op == Opcode.LOCAL_SET || op == Opcode.LOCAL_TEE) {
                statement.writes = true;
                local(ins.slot(0));
            } else if (op == Opcode.LOCAL_GET) {
                local(ins.slot(0));
            }
            if (f.height != UNREACHABLE) {
                f.height = f.height - StackEffect.pops(effect);
                if (f.height < 0) {
                    throw new Unsplittable("operand stack underflow");
                }
                f.height += StackEffect.pushes(effect);
                if (StackEffect.ends(effect)) {
                    f.height = UNREACHABLE;
                }
            }
            finish(f, statement);
        }
        throw new Unsplittable("no final end");
    }

    private void local(long index) {
        if (index < 0 || index >= localTypes.size()) {
            throw new Unsplittable("local index " + index + " out of range");
        }
    }

    /** Ends a statement of {@code f}'s body: records the boundary after it and adds it to the enclosing one. */
    private static void finish(Frame f, Agg statement) {
        f.seq.aggs.add(statement);
        f.seq.heights.add(f.height);
        if (f.statement != null) {
            f.statement.add(statement);
        }
    }

    private static void branch(Agg statement, List<Frame> stack, long target) {
        if (target < 0 || target >= stack.size()) {
            throw new Unsplittable("branch to an unknown label");
        }
        if (target > 0 && stack.get((int) target).labelArity > 0) {
            statement.minBadFrame = Math.min(statement.minBadFrame, (int) target);
        }
    }

    private static boolean insideTry(List<Frame> stack) {
        for (Frame f : stack) {
            if (f.isTry) {
                return true;
            }
        }
        return false;
    }

    private FuncType blockType(Instruction ins) {
        long t = ins.slot(0);
        if (t == EMPTY_BLOCK) {
            return new FuncType(new long[0], new long[0]);
        }
        if (t >= 0) {
            return sig.type(t);
        }
        if (!FuncType.supported(t)) {
            throw new Unsplittable("block type " + t);
        }
        return new FuncType(new long[0], new long[] {t});
    }

    // ---- Choosing a run ----

    /** A run of statements {@code [from, to)} of one body, and its estimated cost. */
    private record Candidate(Seq seq, int from, int to, int cost) {}

    private boolean outlineOne() {
        List<Candidate> candidates = new ArrayList<>();
        for (Seq s : analyse()) {
            collect(s, candidates);
        }
        Liveness live = Liveness.of(code, localTypes.size());
        candidates.sort(Comparator.comparingInt(Candidate::cost).reversed());
        int tried = 0;
        for (Candidate c : candidates) {
            if (tried++ >= 64) {
                break;
            }
            if (outline(c, live)) {
                return true;
            }
        }
        return false;
    }

    /** For each possible start in {@code s}, the largest run from it that may become a piece. */
    private void collect(Seq s, List<Candidate> out) {
        int n = s.aggs.size();
        for (int a = 0; a < n; a++) {
            if (s.heights.get(a) != 0) {
                continue;
            }
            int cost = 0;
            int best = -1;
            int bestCost = 0;
            for (int b = a; b < n; b++) {
                Agg g = s.aggs.get(b);
                cost += g.cost;
                if (cost > pieceLimit || !g.movable || g.minBadFrame <= s.frame || (s.insideTry && g.writes)) {
                    break;
                }
                int h = s.heights.get(b + 1);
                if (h == 0 || h == UNREACHABLE) {
                    best = b + 1;
                    bestCost = cost;
                }
            }
            if (best > a && bestCost >= 2 * minGain) {
                out.add(new Candidate(s, a, best, bestCost));
            }
        }
    }

    // ---- Making a piece ----

    private boolean outline(Candidate c, Liveness live) {
        Seq s = c.seq;
        int p = s.frame;
        int start = s.starts.get(c.from);
        int end = c.to < s.starts.size() ? s.starts.get(c.to) : s.end;
        boolean fallsThrough = s.heights.get(c.to) != UNREACHABLE;

        // The locals it reads and writes, and where it branches out to.
        TreeSet<Integer> used = new TreeSet<>();
        TreeSet<Integer> written = new TreeSet<>();
        TreeSet<Integer> exitFrames = new TreeSet<>();
        boolean returns = false;
        int depth = 0;
        for (int i = start; i < end; i++) {
            Instruction ins = code.get(i);
            Opcode op = ins.opcode();
            if (op == Opcode.LOCAL_GET || op == Opcode.LOCAL_SET || op == Opcode.LOCAL_TEE) {
                int x = (int) ins.slot(0);
                used.add(x);
                if (op != Opcode.LOCAL_GET) {
                    written.add(x);
                }
            }
            for (long target : targets(ins, p + depth)) {
                if (target == 0) {
                    returns = true;
                } else if (target <= p) {
                    exitFrames.add((int) target);
                }
            }
            if (op == Opcode.RETURN) {
                returns = true;
            }
            if (op == Opcode.BLOCK || op == Opcode.LOOP || op == Opcode.IF || op == Opcode.TRY_TABLE) {
                depth++;
            } else if (op == Opcode.END) {
                depth--;
            }
        }
        // Only what is live: parameters the locals it may read before writing them (or leave
        // unwritten on a way out where they are read after), results the locals it writes
        // that are read after it. The rest are the piece's own locals.
        TreeSet<Integer> params = new TreeSet<>();
        for (int x : used) {
            if (live.before(start).get(x)) {
                params.add(x);
            }
        }
        java.util.BitSet after = new java.util.BitSet();
        if (fallsThrough) {
            after.or(live.before(end));
        }
        if (!exitFrames.isEmpty()) {
            int[] openers = openers(start, p);
            for (int f : exitFrames) {
                after.or(live.label(openers[f]));
            }
        }
        TreeSet<Integer> kept = new TreeSet<>();
        for (int x : written) {
            if (after.get(x)) {
                kept.add(x);
            }
        }
        int paramSlots = 0;
        for (int x : params) {
            paramSlots += FuncType.jvmSlots(localTypes.get(x));
        }
        long[] results = self.results();
        int resultCount = (returns ? results.length : 0) + kept.size() + 1;
        if (params.size() > MAX_PARAMS || paramSlots > MAX_PARAM_SLOTS || resultCount > MAX_RESULTS) {
            return false;
        }

        // Exits, numbered in this order: falling through, returning, each label.
        List<Integer> exits = new ArrayList<>();
        final int fall = -1;
        final int ret = 0;
        if (fallsThrough) {
            exits.add(fall);
        }
        if (returns) {
            exits.add(ret);
        }
        exits.addAll(exitFrames);
        boolean needCode = exits.size() >= 2;

        // The piece's locals: parameters, then its exit number, results and scratch.
        int[] map = new int[localTypes.size()];
        Arrays.fill(map, -1);
        List<Long> pieceLocals = new ArrayList<>();
        for (int x : params) {
            map[x] = pieceLocals.size();
            pieceLocals.add(localTypes.get(x));
        }
        int pieceParams = pieceLocals.size();
        for (int x : used) {
            if (map[x] < 0) {
                map[x] = pieceLocals.size();
                pieceLocals.add(localTypes.get(x));
            }
        }
        int pieceExit = -1;
        if (needCode) {
            pieceExit = pieceLocals.size();
            pieceLocals.add(FuncType.I32);
        }
        int pieceResults = pieceLocals.size();
        if (returns) {
            for (long r : results) {
                pieceLocals.add(r);
            }
        }

        List<Long> resultTypes = new ArrayList<>();
        if (returns) {
            for (long r : results) {
                resultTypes.add(r);
            }
        }
        for (int x : kept) {
            resultTypes.add(localTypes.get(x));
        }
        if (needCode) {
            resultTypes.add(FuncType.I32);
        }
        long[] paramArray = pieceLocals.subList(0, pieceParams).stream().mapToLong(Long::longValue).toArray();
        FuncType pieceType = new FuncType(paramArray, resultTypes.stream().mapToLong(Long::longValue).toArray());

        // The piece's body.
        int hasRet = returns ? 1 : 0;
        List<Integer> labelExits = new ArrayList<>(exitFrames);
        int m = labelExits.size();
        int windowLevel = 2 + hasRet + m;
        List<Instruction> body = new ArrayList<>();
        body.add(Instruction.of(Opcode.BLOCK, EMPTY_BLOCK, 0));
        if (returns) {
            body.add(Instruction.of(Opcode.BLOCK, blockTypeFor(results), 0));
        }
        for (int e = 0; e < m; e++) {
            body.add(Instruction.of(Opcode.BLOCK, EMPTY_BLOCK, 0));
        }
        depth = 0;
        for (int i = start; i < end; i++) {
            Instruction ins = code.get(i);
            body.add(remap(ins, p, depth, windowLevel, hasRet, labelExits, map));
            Opcode op = ins.opcode();
            if (op == Opcode.BLOCK || op == Opcode.LOOP || op == Opcode.IF || op == Opcode.TRY_TABLE) {
                depth++;
            } else if (op == Opcode.END) {
                depth--;
            }
        }
        if (needCode && fallsThrough) {
            setExit(body, exits.indexOf(fall), pieceExit);
        }
        body.add(Instruction.of(Opcode.BR, windowLevel - 2));
        for (int e = m - 1; e >= 0; e--) {
            body.add(Instruction.of(Opcode.END));
            if (needCode) {
                setExit(body, exits.indexOf(labelExits.get(e)), pieceExit);
            }
            body.add(Instruction.of(Opcode.BR, hasRet + e));
        }
        if (returns) {
            body.add(Instruction.of(Opcode.END));
            for (int r = results.length - 1; r >= 0; r--) {
                body.add(Instruction.of(Opcode.LOCAL_SET, pieceResults + r));
            }
            if (needCode) {
                setExit(body, exits.indexOf(ret), pieceExit);
            }
        }
        body.add(Instruction.of(Opcode.END));
        if (returns) {
            for (int r = 0; r < results.length; r++) {
                body.add(Instruction.of(Opcode.LOCAL_GET, pieceResults + r));
            }
        }
        for (int x : kept) {
            body.add(Instruction.of(Opcode.LOCAL_GET, map[x]));
        }
        if (needCode) {
            body.add(Instruction.of(Opcode.LOCAL_GET, pieceExit));
        }
        body.add(Instruction.of(Opcode.END));
        List<Long> pieceDeclared = pieceLocals.subList(pieceParams, pieceLocals.size());
        int pieceCost = estimate(body, pieceDeclared.size());
        if (pieceCost > limit) {
            return false;
        }

        // The call site that replaces the run.
        List<Instruction> site = new ArrayList<>();
        for (int x : params) {
            site.add(Instruction.of(Opcode.LOCAL_GET, x));
        }
        int pieceIndex = sig.functionCount();
        site.add(Instruction.of(Opcode.CALL, pieceIndex));
        int exitLocal = needCode ? exitScratch(kept) : -1;
        if (needCode) {
            site.add(Instruction.of(Opcode.LOCAL_SET, exitLocal));
        }
        Integer[] writtenArray = kept.toArray(Integer[]::new);
        for (int w = writtenArray.length - 1; w >= 0; w--) {
            site.add(Instruction.of(Opcode.LOCAL_SET, writtenArray[w]));
        }
        int[] rs = returns ? resultScratch(kept) : null;
        if (returns) {
            for (int r = results.length - 1; r >= 0; r--) {
                site.add(Instruction.of(Opcode.LOCAL_SET, rs[r]));
            }
        }
        if (exits.isEmpty()) {
            site.add(Instruction.of(Opcode.UNREACHABLE));
        } else if (exits.size() == 1) {
            exitAction(site, exits.get(0), p, rs);
        } else {
            boolean retInExits = exits.contains(ret);
            site.add(Instruction.of(Opcode.BLOCK, EMPTY_BLOCK, 0));
            if (retInExits) {
                site.add(Instruction.of(Opcode.BLOCK, EMPTY_BLOCK, 0));
            }
            site.add(Instruction.of(Opcode.LOCAL_GET, exitLocal));
            int level = p + 2 + (retInExits ? 1 : 0);
            long[] table = new long[exits.size() + 2];
            table[0] = exits.size();
            for (int e = 0; e < exits.size(); e++) {
                int exit = exits.get(e);
                table[1 + e] = exit == fall ? (retInExits ? 1 : 0) : exit == ret ? 0 : level - 1 - exit;
            }
            table[exits.size() + 1] = table[exits.size()];
            site.add(Instruction.of(Opcode.BR_TABLE, table));
            if (retInExits) {
                site.add(Instruction.of(Opcode.END));
                for (int r : rs) {
                    site.add(Instruction.of(Opcode.LOCAL_GET, r));
                }
                site.add(Instruction.of(Opcode.RETURN));
            }
            site.add(Instruction.of(Opcode.END));
            if (!fallsThrough) {
                site.add(Instruction.of(Opcode.UNREACHABLE));
            }
        }
        int siteCost = estimate(site, 0) + JvmCost.PER_MULTI_RESULT * Math.max(0, pieceType.results().length - 1);
        if (c.cost - siteCost < minGain) {
            return false;
        }

        int index = sig.addFunction(pieceType);
        if (index != pieceIndex) {
            throw new IllegalStateException("piece index " + index + " != " + pieceIndex);
        }
        pieces.add(new Piece(pieceType, declarations(pieceDeclared), List.copyOf(body)));
        List<Instruction> rewritten = new ArrayList<>(code.size() - (end - start) + site.size());
        rewritten.addAll(code.subList(0, start));
        rewritten.addAll(site);
        rewritten.addAll(code.subList(end, code.size()));
        code = rewritten;
        return true;
    }

    /** The block, loop, if or try_table at each control-stack position {@code 1..p} around {@code start}. */
    private int[] openers(int start, int p) {
        int[] stack = new int[p + 1];
        int depth = 0;
        for (int i = 0; i < start; i++) {
            Opcode op = code.get(i).opcode();
            if (op == Opcode.BLOCK || op == Opcode.LOOP || op == Opcode.IF || op == Opcode.TRY_TABLE) {
                depth++;
                if (depth <= p) {
                    stack[depth] = i;
                }
            } else if (op == Opcode.END) {
                depth--;
            }
        }
        if (depth != p) {
            throw new IllegalStateException("run at " + start + " is at depth " + depth + ", not " + p);
        }
        return stack;
    }

    private static void setExit(List<Instruction> body, int number, int local) {
        body.add(Instruction.of(Opcode.I32_CONST, number));
        body.add(Instruction.of(Opcode.LOCAL_SET, local));
    }

    /** What the caller does for one exit when it is the only one. */
    private static void exitAction(List<Instruction> site, int exit, int p, int[] rs) {
        if (exit == -1) {
            return;
        }
        if (exit == 0) {
            for (int r : rs) {
                site.add(Instruction.of(Opcode.LOCAL_GET, r));
            }
            site.add(Instruction.of(Opcode.RETURN));
        } else {
            site.add(Instruction.of(Opcode.BR, p - exit));
        }
    }

    /**
     * The frames {@code ins} may branch to, as control-stack positions; {@code p} is the
     * position of the innermost frame around it.
     */
    private static long[] targets(Instruction ins, int p) {
        Opcode op = ins.opcode();
        if (op == Opcode.BR || op == Opcode.BR_IF) {
            return new long[] {p - ins.slot(0)};
        }
        if (op == Opcode.BR_TABLE) {
            int n = (int) ins.slot(0);
            long[] out = new long[n + 1];
            for (int t = 0; t <= n; t++) {
                out[t] = p - ins.slot(1 + t);
            }
            return out;
        }
        if (op == Opcode.TRY_TABLE) {
            int n = (int) ins.slot(2);
            long[] out = new long[n];
            for (int c = 0; c < n; c++) {
                out[c] = p - ins.slot(3 + 3 * c + 2);
            }
            return out;
        }
        return NO_TARGETS;
    }

    private static final long[] NO_TARGETS = new long[0];

    /**
     * {@code ins} as it reads inside the piece: locals renumbered, branches out of the run
     * sent to their exit blocks, {@code return} to the results block.
     */
    private static Instruction remap(Instruction ins, int p, int depth, int windowLevel, int hasRet,
            List<Integer> labelExits, int[] map) {
        Opcode op = ins.opcode();
        if (op == Opcode.LOCAL_GET || op == Opcode.LOCAL_SET || op == Opcode.LOCAL_TEE) {
            return ins.withSlot(0, map[(int) ins.slot(0)]);
        }
        int inside = p + depth; // the innermost frame's position in the function
        int pieceInside = windowLevel - 1 + depth; // and in the piece
        if (op == Opcode.RETURN) {
            return Instruction.of(Opcode.BR, pieceInside - 2);
        }
        if (op == Opcode.BR || op == Opcode.BR_IF) {
            return ins.withSlot(0, label(inside - ins.slot(0), p, pieceInside, hasRet, labelExits, ins.slot(0)));
        }
        if (op == Opcode.BR_TABLE) {
            int n = (int) ins.slot(0);
            Instruction out = ins;
            for (int t = 0; t <= n; t++) {
                long l = ins.slot(1 + t);
                out = out.withSlot(1 + t, label(inside - l, p, pieceInside, hasRet, labelExits, l));
            }
            return out;
        }
        if (op == Opcode.TRY_TABLE) {
            int n = (int) ins.slot(2);
            Instruction out = ins;
            for (int c = 0; c < n; c++) {
                long l = ins.slot(3 + 3 * c + 2);
                out = out.withSlot(3 + 3 * c + 2, label(inside - l, p, pieceInside, hasRet, labelExits, l));
            }
            return out;
        }
        return ins;
    }

    /** The label index, in the piece, for a branch to frame {@code target}. */
    private static long label(long target, int p, int pieceInside, int hasRet, List<Integer> labelExits, long original) {
        if (target > p) {
            return original;
        }
        if (target == 0) {
            return pieceInside - 2;
        }
        int e = labelExits.indexOf((int) target);
        return pieceInside - (2 + hasRet + e);
    }

    private long blockTypeFor(long[] results) {
        if (results.length == 0) {
            return EMPTY_BLOCK;
        }
        if (results.length == 1) {
            return results[0];
        }
        return sig.typeIndex(new FuncType(new long[0], results));
    }

    /**
     * The local for a call site's exit number: never one the piece returns, or the write back
     * of that local (a call site's scratch the run set before its dispatch) would overwrite it.
     */
    private int exitScratch(java.util.Set<Integer> written) {
        if (exitScratch < 0 || written.contains(exitScratch)) {
            exitScratch = addScratch(FuncType.I32);
        }
        return exitScratch;
    }

    /** The locals for a call site's results; never ones the piece returns, as {@link #exitScratch}. */
    private int[] resultScratch(java.util.Set<Integer> written) {
        if (resultScratch == null || Arrays.stream(resultScratch).anyMatch(written::contains)) {
            long[] results = self.results();
            resultScratch = new int[results.length];
            for (int r = 0; r < results.length; r++) {
                resultScratch[r] = addScratch(results[r]);
            }
        }
        return resultScratch;
    }

    private int addScratch(long type) {
        localTypes.add(type);
        return localTypes.size() - 1;
    }

    /** Local declarations for {@code types}: one per run of equal types. */
    static List<Locals> declarations(List<Long> types) {
        List<Locals> out = new ArrayList<>();
        int i = 0;
        while (i < types.size()) {
            int j = i;
            while (j < types.size() && types.get(j).equals(types.get(i))) {
                j++;
            }
            out.add(Locals.of(j - i, types.get(i)));
            i = j;
        }
        return out;
    }
}
