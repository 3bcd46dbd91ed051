package dev.hermetic.host.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.vmo.Vmo;
import org.junit.jupiter.api.Test;

/**
 * Chicory zeroes every memory it instantiates: for a new memory, whose pages are zero pages
 * nothing wrote, that must cost nothing (no second VMO per fresh instantiate), while a memory
 * that was written is still zeroed.
 */
class VmoMemoryZeroTest {

    /** How far the kernel's object ids move while {@code between} runs, over two probe VMOs. */
    private static long koidsUsedBy(Runnable between) {
        try (Vmo first = Vmo.create(4096)) {
            between.run();
            try (Vmo second = Vmo.create(4096)) {
                return second.koid() - first.koid();
            }
        }
    }

    @Test
    void zeroingANewMemoryMakesNoVmo() {
        VmoMemory memory = new VmoMemory(new MemoryLimits(2, 4), (MemoryImage) null, null);
        try {
            long nothing = koidsUsedBy(() -> {});
            assertThat(koidsUsedBy(memory::zero)).isEqualTo(nothing);
            assertThat(memory.read(70_000)).isZero();
        } finally {
            memory.release();
        }
    }

    @Test
    void aWrittenMemoryIsStillZeroed() {
        VmoMemory memory = new VmoMemory(new MemoryLimits(2, 4), (MemoryImage) null, null);
        try {
            memory.writeByte(70_000, (byte) 7);
            long nothing = koidsUsedBy(() -> {});
            assertThat(koidsUsedBy(memory::zero)).isGreaterThan(nothing);
            assertThat(memory.read(70_000)).isZero();
            // zeroed again: now nothing to do
            assertThat(koidsUsedBy(memory::zero)).isEqualTo(nothing);
        } finally {
            memory.release();
        }
    }

    @Test
    void aMemoryWithASpanOverItIsZeroedWhole() {
        VmoMemory memory = new VmoMemory(new MemoryLimits(2, 4), (MemoryImage) null, null);
        try (Vmo span = Vmo.create(4096)) {
            span.write(new byte[] {9}, 0);
            memory.mapOver(65_536, span, 0, 4096, false);
            assertThat(memory.read(65_536)).isEqualTo((byte) 9);
            memory.zero();
            assertThat(memory.read(65_536)).isZero();
        } finally {
            memory.release();
        }
    }
}
