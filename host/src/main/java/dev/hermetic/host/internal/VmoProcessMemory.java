package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Span;
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
 * A process's {@link VmoMemory}: the engine's image mapped copy-on-write, capped by the process's
 * page limit and charged to its own {@link MemoryBudget}. A span's whole pages are mapped
 * straight over the memory, so the engine reads and writes the caller's VMOs with no copy; its
 * partial first and last pages are private pages holding only the range (see {@link Span}).
 */
final class VmoProcessMemory implements ProcessMemory {
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

    VmoProcessMemory(MemoryImage image, MemorySnapshot origin, Limits limits, MemoryBudget budget,
            Consumer<ProcessMemory> onRelease) {
        this.image = image;
        this.origin = origin;
        this.limits = limits;
        this.budget = budget;
        this.tables = new ProcessTables(limits.maxTableElements(), budget);
        this.onRelease = onRelease;
    }

    @Override
    public Memory create(MemoryLimits declared) {
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

    @Override
    public ProcessTables tables() {
        return tables;
    }

    @Override
    public Memory memory() {
        return memory;
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

    @Override
    public void mapSpan(int address, Span span) {
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

    @Override
    public void endCall() {
        try {
            copyBackPartialPages();
        } finally {
            partialPages.forEach(p -> p.page().close());
            partialPages.clear();
            spans.clear();
        }
    }

    @Override
    public Map<Integer, Span> spans() {
        return Map.copyOf(spans);
    }

    @Override
    public MemorySnapshot snapshot(MemoryBudget budget) {
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

    @Override
    public boolean recycle(MemorySnapshot snapshot, MemoryBudget next) {
        try {
            copyBackPartialPages();
        } finally {
            partialPages.forEach(p -> p.page().close());
            partialPages.clear();
            spans.clear();
        }
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

    @Override
    public void release() {
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

    @Override
    public long committedBytes() {
        return budget.committedBytes();
    }

    @Override
    public long copyOnWriteFaults() {
        VmoMemory m = memory;
        return m == null ? 0 : m.copyOnWriteFaults();
    }
}
