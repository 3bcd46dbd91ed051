package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Vmo;
import java.util.List;

/**
 * A module's initial linear memory, built once per engine: its active data segments applied to
 * one VMO, which every process maps as a copy-on-write child (Wasmtime's {@code memory_init_cow}).
 * Instantiating then copies nothing; a page is copied only when a process writes it.
 */
public final class MemoryImage {
    /** Size of the module's initial memory in bytes; a multiple of 64 KiB, possibly 0. */
    private final long bytes;
    /** Holds the initial contents; written only while building, so children see a fixed image. */
    private final Vmo vmo;
    /**
     * Whether the active segments are in {@link #vmo}. False when a segment's offset is not a
     * constant or does not fit: then Chicory applies the segments per instance, and reports the
     * errors the specification requires.
     */
    private final boolean holdsSegments;

    private MemoryImage(long bytes, Vmo vmo, boolean holdsSegments) {
        this.bytes = bytes;
        this.vmo = vmo;
        this.holdsSegments = holdsSegments;
    }

    public static MemoryImage build(WasmModule module) {
        int initialPages = module.memorySection()
                .filter(s -> s.memoryCount() > 0)
                .map(s -> s.getMemory(0).limits().initialPages())
                .orElse(0);
        long bytes = (long) initialPages * Memory.PAGE_SIZE;
        Vmo vmo = Vmo.builder(Math.max(bytes, Memory.PAGE_SIZE)).withName("memory-image").build();
        boolean constant = true;
        DataSegment[] segments = module.dataSection().dataSegments();
        for (DataSegment s : segments) {
            if (s instanceof ActiveDataSegment a) {
                Long offset = constantOffset(a.offsetInstructions());
                if (a.index() != 0 || offset == null || offset < 0 || offset + a.data().length > bytes) {
                    constant = false;
                }
            }
        }
        if (constant) {
            for (DataSegment s : segments) {
                if (s instanceof ActiveDataSegment a && a.data().length > 0) {
                    vmo.write(a.data(), constantOffset(a.offsetInstructions()));
                }
            }
        }
        return new MemoryImage(bytes, vmo, constant);
    }

    /** The offset of an {@code i32.const N; end} expression, or null for anything else. */
    private static Long constantOffset(List<Instruction> expression) {
        if (expression.isEmpty() || expression.get(0).opcode() != OpCode.I32_CONST) {
            return null;
        }
        for (int i = 1; i < expression.size(); i++) {
            if (expression.get(i).opcode() != OpCode.END) {
                return null;
            }
        }
        return Integer.toUnsignedLong((int) expression.get(0).operand(0));
    }

    public long bytes() {
        return bytes;
    }

    /** Bytes of pages the image holds: the data segments it applied, page by page. */
    public long committedBytes() {
        return vmo.info().committedBytes();
    }

    public boolean holdsSegments() {
        return holdsSegments;
    }

    /** A copy-on-write child of the image for one process; its copied pages are charged to {@code budget}. */
    Vmo cloneForProcess(MemoryBudget budget) {
        return vmo.createChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, bytes, budget);
    }
}
