package dev.hermetic.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class EngineMemoryTest {

    /** A runtime's memory type as a vDSO would adapt it: here a heap buffer that can grow. */
    static final class RuntimeMemory {
        ByteBuffer buffer = ByteBuffer.allocate(16);

        void grow(int bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() + bytes);
            bigger.put(buffer.array());
            buffer = bigger;
        }

        byte[] copyOut(int address, int length) {
            byte[] out = new byte[length];
            buffer.get(address, out);
            return out;
        }

        void copyIn(int address, byte[] bytes) {
            buffer.put(address, bytes);
        }
    }

    private static EngineMemory over(RuntimeMemory memory) {
        return EngineMemory.over(memory, m -> m.buffer.capacity(), RuntimeMemory::copyOut, RuntimeMemory::copyIn);
    }

    @Test
    void readsAndWritesGoToTheRuntimesMemory() {
        RuntimeMemory runtime = new RuntimeMemory();
        EngineMemory memory = over(runtime);

        memory.write(3, new byte[] {7, 8, 9});

        assertThat(runtime.copyOut(2, 5)).containsExactly(0, 7, 8, 9, 0);
        assertThat(memory.read(4, 2)).containsExactly(8, 9);
    }

    @Test
    void theSizeIsReadAtEachCallSoAGrownMemoryIsSeenWhole() {
        RuntimeMemory runtime = new RuntimeMemory();
        EngineMemory memory = over(runtime);
        assertThat(memory.contains(8, 9)).isFalse();

        runtime.grow(16);

        assertThat(memory.size()).isEqualTo(32);
        assertThat(memory.contains(8, 9)).isTrue();
        assertThat(memory.contains(-1, 1)).isFalse();
    }
}
