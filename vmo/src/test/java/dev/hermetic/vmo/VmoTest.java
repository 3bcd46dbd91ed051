package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.of;
import static dev.hermetic.vmo.Bytes.read;
import static dev.hermetic.vmo.Bytes.readBytes;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VmoTest {
    @Test
    void createReadWriteAcrossPages() {
        try (Vmo vmo = Vmo.builder(3 * PAGE - 10).withName("data").build()) {
            assertThat(vmo.size()).isEqualTo(3 * PAGE);
            assertThat(vmo.contentSize()).isEqualTo(3 * PAGE - 10);
            assertThat(readBytes(vmo, 0, 3 * PAGE)).containsOnly(0);
            assertThat(vmo.info().committedBytes()).isZero();
            vmo.write(of("across the page boundary"), PAGE - 5);
            assertThat(read(vmo, PAGE - 5, 24)).isEqualTo("across the page boundary");
            assertThat(vmo.info().committedBytes()).isEqualTo(2 * PAGE);
            assertThat(vmo.info().name()).isEqualTo("data");
        }
    }

    @Test
    void outOfRangeAccessesFailAndChangeNothing() {
        Vmo vmo = Vmo.create(PAGE);
        assertThat(statusOf(() -> vmo.write(new byte[2], PAGE - 1))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(statusOf(() -> vmo.read(new byte[1], -1))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(statusOf(() -> vmo.read(new byte[1], Long.MAX_VALUE))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(statusOf(() -> Vmo.create(-1))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(statusOf(() -> Vmo.create(Long.MAX_VALUE))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(vmo.info().committedBytes()).isZero();
        vmo.write(of("ok"), PAGE - 2);
        assertThat(read(vmo, PAGE - 2, 2)).isEqualTo("ok");
    }

    @Test
    void resizeNeedsResizableAndGrowAfterShrinkExposesNothingOld() {
        Vmo fixed = Vmo.create(PAGE);
        assertThat(statusOf(() -> fixed.setSize(2 * PAGE))).isEqualTo(Status.UNAVAILABLE);
        Vmo vmo = Vmo.builder(4 * PAGE).withResizable(true).build();
        byte[] ones = new byte[4 * PAGE];
        java.util.Arrays.fill(ones, (byte) 1);
        vmo.write(ones, 0);
        vmo.setSize(PAGE + 100);
        assertThat(vmo.size()).isEqualTo(2 * PAGE);
        assertThat(vmo.contentSize()).isEqualTo(PAGE + 100);
        assertThat(statusOf(() -> vmo.read(new byte[1], 2 * PAGE))).isEqualTo(Status.OUT_OF_RANGE);
        vmo.setSize(4 * PAGE);
        byte[] after = readBytes(vmo, 0, 4 * PAGE);
        for (int i = 0; i < after.length; i++) {
            assertThat(after[i]).as("byte %d", i).isEqualTo((byte) (i < PAGE + 100 ? 1 : 0));
        }
        assertThat(vmo.info().committedBytes()).isEqualTo(2 * PAGE);
        Vmo fixedHandle = vmo.duplicate(Rights.READ | Rights.WRITE);
        assertThat(statusOf(() -> fixedHandle.setSize(PAGE))).isEqualTo(Status.ACCESS_DENIED);
    }

    @Test
    void opRangeCommitDecommitZero() {
        MemoryBudget budget = MemoryBudget.of(8 * PAGE);
        Vmo vmo = Vmo.builder(4 * PAGE).withBudget(budget).build();
        vmo.opRange(Vmo.OP_COMMIT, 0, 2 * PAGE);
        assertThat(vmo.info().committedBytes()).isEqualTo(2 * PAGE);
        assertThat(budget.committedBytes()).isEqualTo(2 * PAGE);
        byte[] ones = new byte[4 * PAGE];
        java.util.Arrays.fill(ones, (byte) 1);
        vmo.write(ones, 0);
        vmo.opRange(Vmo.OP_ZERO, 100, 2 * PAGE);
        byte[] after = readBytes(vmo, 0, 4 * PAGE);
        for (int i = 0; i < after.length; i++) {
            assertThat(after[i]).as("byte %d", i).isEqualTo((byte) (i >= 100 && i < 2 * PAGE + 100 ? 0 : 1));
        }
        assertThat(vmo.info().committedBytes()).isEqualTo(3 * PAGE);
        vmo.opRange(Vmo.OP_DECOMMIT, 0, 4 * PAGE);
        assertThat(vmo.info().committedBytes()).isZero();
        assertThat(budget.committedBytes()).isZero();
        assertThat(readBytes(vmo, 0, 4 * PAGE)).containsOnly(0);
        assertThat(statusOf(() -> vmo.opRange(99, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> vmo.opRange(Vmo.OP_COMMIT, 0, 5 * PAGE))).isEqualTo(Status.OUT_OF_RANGE);
    }

    @Test
    void budgetRefusesWithNoMemoryAndChangesNothing() {
        MemoryBudget budget = MemoryBudget.of(2 * PAGE);
        Vmo vmo = Vmo.builder(8 * PAGE).withBudget(budget).build();
        vmo.write(of("a"), 0);
        byte[] big = new byte[3 * PAGE];
        java.util.Arrays.fill(big, (byte) 9);
        assertThat(statusOf(() -> vmo.write(big, PAGE))).isEqualTo(Status.NO_MEMORY);
        assertThat(readBytes(vmo, PAGE, 3 * PAGE)).containsOnly(0);
        assertThat(budget.committedBytes()).isEqualTo(PAGE);
        assertThat(statusOf(() -> vmo.opRange(Vmo.OP_COMMIT, 0, 8 * PAGE))).isEqualTo(Status.NO_MEMORY);
        assertThat(budget.committedBytes()).isEqualTo(PAGE);
        vmo.write(big, 0, PAGE, PAGE);
        assertThat(budget.committedBytes()).isEqualTo(2 * PAGE).isEqualTo(budget.limitBytes());
        vmo.close();
        assertThat(budget.committedBytes()).isZero();
        assertThat(statusOf(() -> MemoryBudget.of(-1))).isEqualTo(Status.INVALID_ARGS);
        assertThat(MemoryBudget.unlimited().limitBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aChildBudgetDrawsFromItsParentAndGivesBackToBoth() {
        MemoryBudget host = MemoryBudget.of(3 * PAGE);
        MemoryBudget a = host.child(2 * PAGE);
        MemoryBudget b = host.child(2 * PAGE);
        Vmo va = Vmo.builder(4 * PAGE).withBudget(a).build();
        Vmo vb = Vmo.builder(4 * PAGE).withBudget(b).build();
        byte[] two = new byte[2 * PAGE];
        java.util.Arrays.fill(two, (byte) 1);
        va.write(two, 0);
        vb.write(of("b"), 0);
        assertThat(host.committedBytes()).isEqualTo(3 * PAGE);
        // b is under its own limit, but the parent is full: refused, and nothing is charged anywhere.
        assertThat(statusOf(() -> vb.write(of("b"), PAGE))).isEqualTo(Status.NO_MEMORY);
        assertThat(b.committedBytes()).isEqualTo(PAGE);
        assertThat(host.committedBytes()).isEqualTo(3 * PAGE);
        assertThat(statusOf(() -> b.charge(1))).isEqualTo(Status.NO_MEMORY);
        assertThat(b.committedBytes()).isEqualTo(PAGE);
        va.close();
        assertThat(host.committedBytes()).isEqualTo(PAGE);
        b.charge(PAGE);
        assertThat(host.committedBytes()).isEqualTo(2 * PAGE);
        b.release(PAGE);
        vb.close();
        assertThat(host.committedBytes()).isZero();
        assertThat(a.committedBytes()).isZero();
        assertThat(b.committedBytes()).isZero();
        assertThat(statusOf(() -> host.child(-1))).isEqualTo(Status.INVALID_ARGS);
    }

    @Test
    void concurrentWritersOnDisjointRangesAllLand() throws Exception {
        Vmo vmo = Vmo.create(64 * PAGE);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    long off = (long) (i % 16) * PAGE * 4 + id * 8L + (i % 7) * 64L;
                    vmo.write(new byte[] {(byte) id, (byte) i}, off);
                    byte[] back = readBytes(vmo, off, 1);
                    if (back[0] != (byte) id) {
                        throw new AssertionError("lost write of thread " + id);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(vmo.info().committedBytes()).isEqualTo(16 * PAGE);
    }
}
