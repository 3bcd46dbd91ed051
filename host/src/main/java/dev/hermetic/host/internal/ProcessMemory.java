package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.Span;
import dev.hermetic.vmo.MemoryBudget;
import java.util.Map;

/**
 * One process's memory, from its creation by Chicory to its release when the process ends: its
 * linear memory and its tables, both charged to the process's budget.
 */
public interface ProcessMemory {

    /** Creates the Chicory memory; Chicory calls it once while instantiating. */
    Memory create(MemoryLimits declared);

    /** Makes the process's tables; hand it to Chicory's {@code withTableFactory}. */
    ProcessTables tables();

    /** The memory {@link #create} made; the host reads the engine's log from it after the end. */
    Memory memory();

    /** Makes {@code span} visible at {@code address}, a multiple of 4 KiB inside the memory. */
    void mapSpan(int address, Span span);

    /**
     * Ends one call of a warm process: writable spans' partial pages are copied back, their
     * handles closed (the mappings keep them until the next call maps over them), and the spans
     * forgotten. Whole pages of the caller's VMOs stay mapped until then.
     */
    void endCall();

    /** The spans mapped so far, by address. */
    Map<Integer, Span> spans();

    /** Freezes the memory as it is now for cloning; its frozen pages are charged to {@code budget}. */
    MemorySnapshot snapshot(MemoryBudget budget);

    /**
     * Readies a clone's memory for the next process instead of releasing it: spans' partial
     * pages are copied back and closed, spans forgotten, the memory made {@code snapshot}'s
     * again ({@link VmoMemory#reset}) and every charge moved to {@code next}. The old budget
     * is left with nothing charged. False, with the memory then released, if {@code next}
     * has no room for the tables' elements.
     */
    boolean recycle(MemorySnapshot snapshot, MemoryBudget next);

    /** Ends the memory's life and gives back its budget. Writable spans already hold what the engine wrote. */
    void release();

    /** Bytes this process has committed so far: its pages and its table elements. */
    long committedBytes();

    /** Write faults that committed a page (copy-on-write copies and fresh zero pages) so far. */
    long copyOnWriteFaults();
}
