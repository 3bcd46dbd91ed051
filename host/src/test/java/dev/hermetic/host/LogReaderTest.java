package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The log header is engine memory: any bytes there give a log or an empty one, never an error. */
class LogReaderTest {
    private static final int HEADER = 1024;
    private static final int RING = 4096;

    private static Memory memory(int ring, int capacity, long written) {
        Memory m = new ByteArrayMemory(new MemoryLimits(1, 1));
        m.writeI32(HEADER, ring);
        m.writeI32(HEADER + 4, capacity);
        m.writeLong(HEADER + 8, written);
        return m;
    }

    private static String text(LogReader.Contents c) {
        return new String(c.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aRingThatWrappedIsReadOldestFirst() {
        Memory m = memory(RING, 8, 13);
        // "abcdefghijklm" through an 8-byte ring: it holds "fghijklm", the next write lands at 13 % 8 = 5.
        m.write(RING, "ijklmfgh".getBytes(StandardCharsets.UTF_8));
        LogReader.Contents c = new LogReader(HEADER).read(m);
        assertThat(text(c)).isEqualTo("fghijklm");
        assertThat(c.dropped()).isEqualTo(5);
    }

    @Test
    void aRingThatDidNotWrapHoldsWhatWasWritten() {
        Memory m = memory(RING, 64, 5);
        m.write(RING, "hello".getBytes(StandardCharsets.UTF_8));
        LogReader.Contents c = new LogReader(HEADER).read(m);
        assertThat(text(c)).isEqualTo("hello");
        assertThat(c.dropped()).isZero();
    }

    @Test
    void headersThatBreakTheInvariantsGiveAnEmptyLog() {
        int[][] bad = {
            {RING, 0, 3}, // no capacity
            {RING, LogReader.MAX_CAPACITY + 1, 3}, // more than the host reads
            {65536 - 8, 64, 3}, // ring past the end of memory
            {-16, 64, 3}, // ring address wraps around
        };
        for (int[] h : bad) {
            assertThat(new LogReader(HEADER).read(memory(h[0], h[1], h[2])).bytes()).as("%d %d", h[0], h[1]).isEmpty();
        }
        assertThat(new LogReader(HEADER).read(memory(RING, 64, -1)).bytes()).as("negative count").isEmpty();
        assertThat(new LogReader(65536 - 8).read(memory(RING, 64, 3)).bytes()).as("header past the end").isEmpty();
        assertThat(new LogReader(-4).read(memory(RING, 64, 3)).bytes()).as("header address wraps").isEmpty();
    }

    @Test
    void randomHeadersNeverThrowAndStayWithinTheCapacity() {
        long seed = dev.hermetic.host.Fixtures.seed();
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            Memory m = memory(random.nextInt(70_000) - 2_000, random.nextInt(70_000), random.nextLong() >> random.nextInt(64));
            int header = random.nextBoolean() ? HEADER : random.nextInt();
            LogReader.Contents c = new LogReader(header).read(m);
            assertThat(c.bytes().length).as("seed %d round %d", seed, i).isLessThanOrEqualTo(65536);
            assertThat(c.dropped()).as("seed %d round %d", seed, i).isNotNegative();
        }
    }
}
