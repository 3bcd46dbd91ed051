package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.GlobalFactory;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;

/**
 * Everything of a warm instance except its linear memory and compiled code: what a clone or a
 * pre-initialized module must carry over. Engines import no globals or tables (the vDSO has
 * only functions), so every global and table here is defined by the module, in index order.
 *
 * @param globalLow the low 64 bits of each global's value, as Chicory stores it
 * @param globalHigh the high 64 bits of each global (non-zero only for v128)
 * @param tables each table's entries: a function index, or -1 for a null reference
 * @param droppedData per data segment, whether {@code data.drop} dropped it. Active segments
 *     count as not dropped here; every consumer already treats them as applied.
 * @param droppedElements per element segment, whether {@code elem.drop} dropped it
 */
public record InstanceState(long[] globalLow, long[] globalHigh, int[][] tables, boolean[] droppedData,
        boolean[] droppedElements) {

    /** Reads the state of {@code instance}; call it only while no engine code runs on it. */
    public static InstanceState capture(Instance instance) {
        int globals = instance.module().globalSection().globalCount();
        long[] low = new long[globals];
        long[] high = new long[globals];
        for (int i = 0; i < globals; i++) {
            GlobalInstance g = instance.global(i);
            low[i] = g.getValueLow();
            high[i] = g.getValueHigh();
        }
        int tableCount = instance.module().tableSection().tableCount();
        int[][] tables = new int[tableCount][];
        for (int t = 0; t < tableCount; t++) {
            TableInstance table = instance.table(t);
            int[] refs = new int[table.size()];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = table.ref(i);
            }
            tables[t] = refs;
        }
        int dataCount = instance.module().dataSection().dataSegmentCount();
        boolean[] droppedData = new boolean[dataCount];
        for (int i = 0; i < dataCount; i++) {
            // data.drop puts an empty segment in the dropped one's place.
            droppedData[i] = instance.dataSegmentData(i).length == 0
                    && instance.module().dataSection().getDataSegment(i).data().length > 0;
        }
        boolean[] droppedElements = new boolean[instance.elementCount()];
        for (int i = 0; i < droppedElements.length; i++) {
            droppedElements[i] = instance.element(i) == null;
        }
        return new InstanceState(low, high, tables, droppedData, droppedElements);
    }

    /** This state with global {@code index} holding {@code value} (a scalar: its high bits 0). */
    public InstanceState withGlobal(int index, long value) {
        long[] low = globalLow.clone();
        long[] high = globalHigh.clone();
        low[index] = value;
        high[index] = 0;
        return new InstanceState(low, high, tables, droppedData, droppedElements);
    }

    /** This state with only its first {@code n} globals: the module's own, without the host's fuel counter. */
    public InstanceState withGlobals(int n) {
        return new InstanceState(java.util.Arrays.copyOf(globalLow, n), java.util.Arrays.copyOf(globalHigh, n), tables,
                droppedData, droppedElements);
    }

    /**
     * A global factory for building a clone: Chicory asks it for each global in index order, and
     * it answers with the warm value instead of the initializer's. Use one per instance built.
     */
    public GlobalFactory globalFactory() {
        int[] next = {0};
        return (value, high, type, mutability) -> {
            int i = next[0]++;
            return new GlobalInstance(globalLow[i], globalHigh[i], type, mutability);
        };
    }

    /**
     * Gives {@code clone}, an instance of the same module built without running any of its
     * code, this state: tables are resized and overwritten, segments dropped. Globals are
     * restored earlier, by the global factory, as the instance is built.
     *
     * @throws MemoryLimitExceeded if a table cannot grow to its warm size under the clone's limits
     */
    public void restoreInto(Instance clone) {
        for (int t = 0; t < tables.length; t++) {
            TableInstance table = clone.table(t);
            int[] refs = tables[t];
            if (table.size() < refs.length && table.grow(refs.length - table.size(), -1, clone) < 0) {
                throw new MemoryLimitExceeded("the snapshot's table " + t + " has " + refs.length
                        + " elements; the clone's limits leave no room for them");
            }
            for (int i = 0; i < refs.length; i++) {
                table.setRef(i, refs[i], clone);
            }
        }
        for (int i = 0; i < droppedData.length; i++) {
            if (droppedData[i]) {
                clone.dropDataSegment(i);
            }
        }
        for (int i = 0; i < droppedElements.length; i++) {
            if (droppedElements[i]) {
                clone.setElement(i, null);
            }
        }
    }

    /**
     * Gives {@code used}, a clone of this state that has run, this state again: every global's
     * value and every table entry. Refuses (false, nothing changed) what it cannot put back with
     * Chicory's API: a table whose size changed (Chicory's tables do not shrink), or a data or
     * element segment dropped, or un-dropped, since. A refused instance must not be reused.
     * Linear memory is not touched: {@link VmoMemory#reset} does that.
     */
    public boolean resetInto(Instance used) {
        for (int t = 0; t < tables.length; t++) {
            if (used.table(t).size() != tables[t].length) {
                return false;
            }
        }
        for (int i = 0; i < droppedData.length; i++) {
            boolean dropped = used.dataSegmentData(i).length == 0
                    && used.module().dataSection().getDataSegment(i).data().length > 0;
            if (dropped != droppedData[i]) {
                return false;
            }
        }
        if (used.elementCount() != droppedElements.length) {
            return false;
        }
        for (int i = 0; i < droppedElements.length; i++) {
            if ((used.element(i) == null) != droppedElements[i]) {
                return false;
            }
        }
        for (int i = 0; i < globalLow.length; i++) {
            GlobalInstance g = used.global(i);
            g.setValueLow(globalLow[i]);
            g.setValueHigh(globalHigh[i]);
        }
        for (int t = 0; t < tables.length; t++) {
            TableInstance table = used.table(t);
            int[] refs = tables[t];
            for (int i = 0; i < refs.length; i++) {
                table.setRef(i, refs[i], used);
            }
        }
        return true;
    }
}
