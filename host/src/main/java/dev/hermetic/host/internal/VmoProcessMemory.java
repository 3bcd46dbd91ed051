package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Span;
import dev.hermetic.vmo.MemoryBudget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A process's {@link VmoMemory}: the engine's image mapped copy-on-write, capped by the process's
 * page limit and charged to its own {@link MemoryBudget}; spans are mapped straight over the
 * memory, so the engine reads and writes the caller's VMOs with no copy.
 */
final class VmoProcessMemory implements ProcessMemory {
    /** The engine's image, shared by all its processes. */
    private final MemoryImage image;
    /** The process's limits. */
    private final Limits limits;
    /** The process's commit quota: its limit, capped by the host's ceiling, drawing from the host's budget. */
    private final MemoryBudget budget;
    /** The process's tables, charged to {@link #budget}. */
    private final ProcessTables tables;
    /** Called once on release, so the host stops counting this memory. */
    private final Consumer<ProcessMemory> onRelease;
    /** The snapshot this memory is a clone of; null for a fresh memory from {@link #image}. */
    private final MemorySnapshot origin;
    /** The spans mapped so far, by address, in order. */
    private final Map<Integer, Span> spans = new LinkedHashMap<>();
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

    @Override
    public void mapSpan(int address, Span span) {
        memory.mapOver(address, span.vmo(), span.offset(), span.mappedBytes(), span.writable());
        spans.put(address, span);
    }

    @Override
    public Map<Integer, Span> spans() {
        return Map.copyOf(spans);
    }

    @Override
    public MemorySnapshot snapshot(MemoryBudget budget) {
        return memory.snapshot(budget);
    }

    @Override
    public void release() {
        // Writable spans are the caller's VMOs mapped directly: the output is already there.
        try {
            VmoMemory m = memory;
            if (m != null) {
                m.release();
            }
            tables.release();
        } finally {
            onRelease.accept(this);
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
