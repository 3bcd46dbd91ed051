package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;

/**
 * A module's data segments as a {@link VmoMemory} holds them: the active ones written at
 * instantiation, unless an image or a snapshot already holds them, and the passive ones kept
 * for {@code memory.init} until {@code data.drop}. Not thread-safe, as its memory.
 */
final class DataSegments {
    /** The segments as Chicory hands them over; a dropped one is replaced by an empty one. */
    private final DataSegment[] segments;

    DataSegments(DataSegment[] segments) {
        this.segments = segments;
    }

    /**
     * Writes the active segments for memory {@code memoryIndex} into {@code memory}, of
     * {@code sizeInBytes} bytes, in order; a segment out of bounds makes the instance
     * uninstantiable, with Chicory's message.
     */
    void writeActive(Instance instance, int memoryIndex, Memory memory, long sizeInBytes) {
        for (DataSegment s : segments) {
            if (s instanceof ActiveDataSegment active) {
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                MemoryTraps.checkBounds(offset, data.length, sizeInBytes, true);
                memory.write(offset, data, 0, data.length);
            } else if (!(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + s);
            }
        }
    }

    /** {@code memory.init}: {@code size} bytes of segment {@code segmentId} from {@code offset}, written at {@code dest}. */
    void init(Memory memory, int segmentId, int dest, int offset, int size) {
        memory.write(dest, segments[segmentId].data(), offset, size);
    }

    /** {@code data.drop}: the segment reads as empty from now on. */
    void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }
}
