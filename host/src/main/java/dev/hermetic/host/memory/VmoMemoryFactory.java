package dev.hermetic.host.memory;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.internal.VmoMemory;
import java.util.function.Function;

/**
 * Linear memories made of VMOs for any Chicory instance:
 * {@code Instance.builder(module).withMemoryFactory(VmoMemoryFactory.create())}. Each memory is a
 * root VMAR of zero-page VMOs, one more per {@code memory.grow}; it traps exactly as Chicory's
 * {@code ByteArrayMemory} does.
 */
public final class VmoMemoryFactory {
    private VmoMemoryFactory() {}

    public static Function<MemoryLimits, Memory> create() {
        return VmoMemory.factory();
    }
}
