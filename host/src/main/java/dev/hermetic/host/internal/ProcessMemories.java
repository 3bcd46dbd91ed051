package dev.hermetic.host.internal;

import dev.hermetic.host.Limits;
import dev.hermetic.vmo.MemoryBudget;
import java.util.function.Consumer;

/** Makes the linear memory of a process. */
public final class ProcessMemories {
    private ProcessMemories() {}

    /**
     * A VMO-backed memory starting from {@code image}, charging every commit to {@code budget},
     * the process's own; {@code onRelease} is called once when the process is done with it.
     */
    public static ProcessMemory vmo(MemoryImage image, Limits limits, MemoryBudget budget,
            Consumer<ProcessMemory> onRelease) {
        return new VmoProcessMemory(image, null, limits, budget, onRelease);
    }

    /** A clone of {@code snapshot}: its pages shared copy-on-write, only the clone's own writes committed. */
    public static ProcessMemory clone(MemorySnapshot snapshot, Limits limits, MemoryBudget budget,
            Consumer<ProcessMemory> onRelease) {
        return new VmoProcessMemory(null, snapshot, limits, budget, onRelease);
    }
}
