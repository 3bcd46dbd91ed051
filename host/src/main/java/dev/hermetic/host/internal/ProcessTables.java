package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableFactory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;

/**
 * The tables of one process, made by Chicory through {@link Instance.Builder#withTableFactory}.
 * Each table gets limits of its own: Chicory's {@code TableInstance.grow} adds to the limits of
 * the {@link Table} it was built from, which belongs to the module every process shares, so
 * without a copy one process's {@code table.grow} would be every later process's starting size
 * (and a data race). Every element, initial or grown, counts against the process's element
 * limit and is charged to its budget. Used on the process's thread only.
 */
public final class ProcessTables implements TableFactory {
    /**
     * Heap one element is charged: a Chicory table holds an {@code int} and an {@code Instance}
     * reference per element, and {@code grow} copies both arrays, so 16 bytes bounds the peak.
     */
    public static final long ELEMENT_BYTES = 16;

    /** The most elements all the process's tables may hold together; positive. */
    private final long maxElements;
    /** The process's budget; charged {@link #ELEMENT_BYTES} per element. Replaced by {@link #rebudget}. */
    private MemoryBudget budget;
    /** Elements of every table made so far; 0 <= elements <= maxElements; charged to the budget. */
    private long elements;

    public ProcessTables(long maxElements, MemoryBudget budget) {
        this.maxElements = maxElements;
        this.budget = budget;
    }

    @Override
    public TableInstance create(Table table, int initValue) {
        long initial = table.limits().min();
        if (!take(initial)) {
            throw new MemoryLimitExceeded("the engine's tables start with " + (elements + initial)
                    + " elements; the limit is " + maxElements + " or the memory budget is spent");
        }
        TableLimits own = new TableLimits(initial, table.limits().max(), table.limits().shared());
        return new ProcessTable(new Table(table.elementType(), own, table.initialize()), initValue);
    }

    /** Elements all tables hold now. */
    public long elements() {
        return elements;
    }

    /** Gives the budget back every element's charge; call it once, when the process ends. */
    public void release() {
        budget.release(elements * ELEMENT_BYTES);
        elements = 0;
    }

    /**
     * Moves every element's charge to {@code next}, the budget of the process that takes over
     * these tables (a pooled instance's next process); false, with nothing moved, if it has no
     * room for them.
     */
    public boolean rebudget(MemoryBudget next) {
        long bytes = elements * ELEMENT_BYTES;
        try {
            next.charge(bytes);
        } catch (ZxException e) {
            if (e.status() == Status.NO_MEMORY) {
                return false;
            }
            throw e;
        }
        budget.release(bytes);
        budget = next;
        return true;
    }

    /** Counts and charges {@code count} more elements, or takes nothing and says no. */
    private boolean take(long count) {
        if (count < 0 || count > maxElements - elements) {
            return false;
        }
        try {
            budget.charge(count * ELEMENT_BYTES);
        } catch (ZxException e) {
            if (e.status() == Status.NO_MEMORY) {
                return false;
            }
            throw e;
        }
        elements += count;
        return true;
    }

    private void give(long count) {
        elements -= count;
        budget.release(count * ELEMENT_BYTES);
    }

    /** A table with limits of its own whose growth is counted; refused growth is -1, as the spec says. */
    private final class ProcessTable extends TableInstance {
        ProcessTable(Table table, int initValue) {
            super(table, initValue);
        }

        @Override
        public int grow(int size, int value, Instance instance) {
            if (size < 0 || (long) size() + size > limits().max() || !take(size)) {
                return -1;
            }
            int old;
            try {
                old = super.grow(size, value, instance);
            } catch (RuntimeException | OutOfMemoryError e) {
                give(size);
                throw e;
            }
            if (old < 0) {
                give(size);
            }
            return old;
        }
    }
}
