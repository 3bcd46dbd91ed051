package dev.hermetic.host;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.internal.MemoryImage;
import dev.hermetic.host.internal.MemoryLimitExceeded;
import dev.hermetic.host.internal.MemorySnapshot;
import dev.hermetic.host.internal.ProcessTables;
import dev.hermetic.host.internal.VmoMemory;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.ZxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One process's memory, from its creation by Chicory to its release when the process ends: a
 * {@link VmoMemory} holding the engine's image (a fresh process) or a snapshot's pages (a clone)
 * mapped copy-on-write, capped by the process's page limit, and its tables, both charged to the
 * process's own {@link MemoryBudget}. A span's whole pages are mapped
 * straight over the memory, so the engine reads and writes the caller's VMOs with no copy; its
 * partial first and last pages are private pages holding only the range (see {@link Span}).
 */
final class ProcessMemory {
    /** The engine's image, shared by all its processes. */
    private final MemoryImage image;
    /** The process's limits. */
    private final Limits limits;
    /** The process's commit quota: its limit, capped by the host's ceiling, drawing from the host's budget. Replaced by {@link #recycle}. */
    private MemoryBudget budget;
    /** The process's tables, charged to {@link #budget}. */
    private final ProcessTables tables;
    /** Called once on release, so the host stops counting this memory. */
    private final Consumer<ProcessMemory> onRelease;
    /** The snapshot this memory is a clone of; null for a fresh memory from {@link #image}. */
    private final MemorySnapshot origin;
    /** The spans mapped so far, by address, in order. */
    private final Map<Integer, Span> spans = new LinkedHashMap<>();
    /** The private pages standing in for spans' partial pages; closed on release, after the copy back. */
    private final List<PartialPage> partialPages = new ArrayList<>();
    /** Null until Chicory creates it. */
    private volatile VmoMemory memory;

    private ProcessMemory(MemoryImage image, MemorySnapshot origin, Limits limits, MemoryBudget budget,
            Consumer<ProcessMemory> onRelease) {
        this.image = image;
        this.origin = origin;
        this.limits = limits;
        this.budget = budget;
        this.tables = new ProcessTables(limits.maxTableElements(), budget);
        this.onRelease = onRelease;
    }

    /**
     * A fresh process's memory, starting from {@code image}, charging every commit to
     * {@code budget}, the process's own; {@code onRelease} is called once when the process is
     * done with it (and on each {@link #recycle}).
     */
    static ProcessMemory fresh(MemoryImage image, Limits limits, MemoryBudget budget, Consumer<ProcessMemory> onRelease) {
        return new ProcessMemory(image, null, limits, budget, onRelease);
    }

    /** A clone of {@code snapshot}: its pages shared copy-on-write, only the clone's own writes committed. */
    static ProcessMemory cloneOf(MemorySnapshot snapshot, Limits limits, MemoryBudget budget,
            Consumer<ProcessMemory> onRelease) {
        return new ProcessMemory(null, snapshot, limits, budget, onRelease);
    }

    /** Creates the Chicory memory; Chicory calls it once while instantiating. */
    Memory create(MemoryLimits declared) {
        int cap = Math.min(limits.maxMemoryPages(), declared.maximumPages());
        if (declared.initialPages() > cap) {
            throw new MemoryLimitExceeded("the engine starts with " + declared.initialPages()
                    + " pages; its limit is " + cap);
        }
        if (origin != null && origin.pages() > cap) {
            throw new MemoryLimitExceeded("the snapshot has " + origin.pages() + " pages; the limit is " + cap);
        }
        MemoryLimits capped = new MemoryLimits(declared.initialPages(), cap);
        VmoMemory m = origin != null ? new VmoMemory(capped, origin, budget) : new VmoMemory(capped, image, budget);
        memory = m;
        return m;
    }

    /** Makes the process's tables; hand it to Chicory's {@code withTableFactory}. */
    ProcessTables tables() {
        return tables;
    }

    /**
     * A private page standing in for the part of a span's page that the range covers.
     *
     * @param page one page, charged to the process's budget; the range's bytes at {@code from}
     * @param from where the range's part starts inside the page; 0 <= from < 4096
     * @param length how many bytes of the range the page holds; from + length <= 4096
     * @param span the span; its VMO gets those bytes back at the end if it is writable
     * @param vmoOffset where those bytes are in the span's VMO
     */
    private record PartialPage(Vmo page, int from, int length, Span span, long vmoOffset) {}

    /** Makes {@code span} visible at {@code address}, a multiple of 4 KiB inside the memory. */
    void mapSpan(int address, Span span) {
        long first = span.offset() - span.pageOffset();
        long end = span.offset() + span.length();
        for (long page = first; page < end; ) {
            long from = Math.max(page, span.offset());
            long to = Math.min(page + Span.PAGE_SIZE, end);
            int at = (int) (address + (page - first));
            if (to - from == Span.PAGE_SIZE) {
                // A run of whole pages: the caller's own, no copy.
                long runEnd = page + ((end - page) & -Span.PAGE_SIZE);
                memory.mapOver(at, span.vmo(), page, runEnd - page, span.writable());
                page = runEnd;
            } else {
                mapPartialPage(at, span, (int) (from - page), (int) (to - from), from);
                page += Span.PAGE_SIZE;
            }
        }
        spans.put(address, span);
    }

    /** Maps at {@code address} a private page with the range's bytes at {@code from} and zeros around them. */
    private void mapPartialPage(int address, Span span, int from, int length, long vmoOffset) {
        Vmo page = Vmo.builder(Span.PAGE_SIZE).withName("span-partial-page").withBudget(budget).build();
        partialPages.add(new PartialPage(page, from, length, span, vmoOffset));
        byte[] bytes = new byte[length];
        span.vmo().read(bytes, vmoOffset);
        try {
            page.write(bytes, from);
        } catch (ZxException e) {
            throw overBudget(e, "no room in the budget for a span's partial page");
        }
        memory.mapOver(address, page, 0, Span.PAGE_SIZE, span.writable());
    }

    /**
     * Ends one call of a warm process: writable spans' partial pages are copied back, their
     * handles closed (the mappings keep them until the next call maps over them), and the spans
     * forgotten. Whole pages of the caller's VMOs stay mapped until then.
     */
    void endCall() {
        forgetSpans();
    }

    /** Copies spans' partial pages back and closes them, and forgets the spans; each step runs whatever the copy throws. */
    private void forgetSpans() {
        try {
            copyBackPartialPages();
        } finally {
            partialPages.forEach(p -> p.page().close());
            partialPages.clear();
            spans.clear();
        }
    }

    /** The spans mapped so far, by address. */
    Map<Integer, Span> spans() {
        return Map.copyOf(spans);
    }

    /** Freezes the memory as it is now for cloning; its frozen pages are charged to {@code budget}. */
    MemorySnapshot snapshot(MemoryBudget budget) {
        try {
            return memory.snapshot(budget);
        } catch (ZxException e) {
            throw overBudget(e, "the snapshot's pages do not fit in the host's memory budget");
        }
    }

    /** A budget refusal as the process's memory limit; any other status as it is. */
    private static RuntimeException overBudget(ZxException e, String what) {
        return e.status() == Status.NO_MEMORY ? new MemoryLimitExceeded(what + ": " + e.getMessage()) : e;
    }

    /**
     * Readies a clone's memory for the next process instead of releasing it: spans' partial
     * pages are copied back and closed, spans forgotten, the memory made {@code snapshot}'s
     * again ({@link VmoMemory#reset}) and every charge moved to {@code next}. The old budget
     * is left with nothing charged. False, with the memory then released, if {@code next}
     * has no room for the tables' elements.
     */
    boolean recycle(MemorySnapshot snapshot, MemoryBudget next) {
        forgetSpans();
        if (!tables.rebudget(next)) {
            release();
            return false;
        }
        try {
            memory.reset(snapshot, next);
        } catch (RuntimeException e) {
            budget = next;
            release();
            throw e;
        }
        budget = next;
        onRelease.accept(this);
        return true;
    }

    /** Ends the memory's life and gives back its budget. Writable spans already hold what the engine wrote. */
    void release() {
        // A writable span's whole pages are the caller's, already holding the output; its partial pages are copied back.
        try {
            copyBackPartialPages();
            VmoMemory m = memory;
            if (m != null) {
                m.release();
            }
            tables.release();
        } finally {
            partialPages.forEach(p -> p.page().close());
            partialPages.clear();
            onRelease.accept(this);
        }
    }

    /** Gives each writable span's VMO exactly the range's bytes of its private pages. */
    private void copyBackPartialPages() {
        for (PartialPage p : partialPages) {
            if (p.span().writable()) {
                byte[] bytes = new byte[p.length()];
                p.page().read(bytes, p.from());
                p.span().vmo().write(bytes, p.vmoOffset());
            }
        }
    }

    /** Bytes this process has committed so far: its pages and its table elements. */
    long committedBytes() {
        return budget.committedBytes();
    }

    /** Write faults that committed a page (copy-on-write copies and fresh zero pages) so far. */
    long copyOnWriteFaults() {
        VmoMemory m = memory;
        return m == null ? 0 : m.copyOnWriteFaults();
    }
}
