package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.readBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmarViewTest {
    private static final int RW = Vmar.PERM_READ | Vmar.PERM_WRITE;

    private static PageFaultException fault(Runnable r) {
        try {
            r.run();
        } catch (PageFaultException e) {
            return e;
        }
        throw new AssertionError("no page fault");
    }

    @Test
    void scalarsAreLittleEndianIncludingAcrossPages() {
        Vmar root = Vmar.createRoot(4 * PAGE);
        root.map(RW, 0, Vmo.create(4 * PAGE), 0, 4 * PAGE);
        VmarView v = root.view();
        v.writeLong(16, 0x0102030405060708L);
        assertThat(v.readByte(16)).isEqualTo((byte) 8);
        assertThat(v.readShort(16)).isEqualTo((short) 0x0708);
        assertThat(v.readInt(20)).isEqualTo(0x01020304);
        for (int addr : new int[] {PAGE - 1, PAGE - 3, PAGE - 7, 2 * PAGE - 4}) {
            v.writeLong(addr, 0x1122334455667788L);
            assertThat(v.readLong(addr)).isEqualTo(0x1122334455667788L);
            v.writeInt(addr, 0xCAFEBABE);
            assertThat(v.readInt(addr)).isEqualTo(0xCAFEBABE);
            v.writeShort(addr, (short) 0xBEEF);
            assertThat(v.readShort(addr)).isEqualTo((short) 0xBEEF);
            assertThat(v.readByte(addr + 1)).isEqualTo((byte) 0xBE);
        }
        v.writeInt(100, Float.floatToRawIntBits(1.5f));
        assertThat(Float.intBitsToFloat(v.readInt(100))).isEqualTo(1.5f);
    }

    /** A view that reports faults its own way, as a Wasm memory extending the view does. */
    private static final class TrappingView extends VmarView {
        TrappingView(Vmar vmar) {
            super(vmar);
        }

        @Override
        protected RuntimeException accessFault(ZxException fault, int addr, int size, boolean write) {
            return new IllegalStateException((write ? "write " : "read ") + size + " at " + addr + ": "
                    + ((PageFaultException) fault).kind());
        }
    }

    @Test
    void aSubclassTurnsEveryScalarFaultIntoItsOwnException() {
        Vmar root = Vmar.createRoot(4 * PAGE);
        root.map(Vmar.PERM_READ | Vmar.SPECIFIC, 0, Vmo.create(PAGE), 0, PAGE);
        VmarView v = new TrappingView(root);
        assertThat(v.readInt(8)).isZero();
        assertThatThrownBy(() -> v.writeInt(8, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("write 4 at 8: NOT_WRITABLE");
        assertThatThrownBy(() -> v.readLong(PAGE - 4)).hasMessage("read 8 at " + (PAGE - 4) + ": NOT_MAPPED");
        assertThatThrownBy(() -> v.readByte(-1)).hasMessage("read 1 at -1: NOT_MAPPED");
        assertThatThrownBy(() -> v.writeShort(3 * PAGE, (short) 1)).hasMessage("write 2 at " + 3 * PAGE + ": NOT_MAPPED");
        assertThat(v.readShort(PAGE - 2)).as("the view still works after its faults").isZero();
    }

    @Test
    void faultsAreTypedAndWriteNothing() {
        Vmar root = Vmar.createRoot(8 * PAGE);
        Vmo vmo = Vmo.create(2 * PAGE);
        root.map(RW | Vmar.SPECIFIC, 0, vmo, 0, PAGE);
        root.map(Vmar.PERM_READ | Vmar.SPECIFIC, PAGE, vmo, PAGE, PAGE);
        root.map(Vmar.SPECIFIC, 4 * PAGE, Vmo.create(PAGE), 0, PAGE);
        VmarView v = root.view();
        PageFaultException e = fault(() -> v.writeInt(PAGE - 2, -1));
        assertThat(e.kind()).isEqualTo(PageFaultException.Kind.NOT_WRITABLE);
        assertThat(e.address()).isEqualTo(PAGE);
        assertThat(v.readShort(PAGE - 2)).isZero();
        assertThat(fault(() -> v.readInt(2 * PAGE)).kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
        assertThat(fault(() -> v.readInt(-4)).kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
        assertThat(fault(() -> v.writeLong(Integer.MIN_VALUE, 1)).address()).isEqualTo(Integer.MIN_VALUE);
        assertThat(fault(() -> v.readByte(Integer.MAX_VALUE)).kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
        assertThat(fault(() -> v.readByte(4 * PAGE)).kind()).isEqualTo(PageFaultException.Kind.NOT_READABLE);
        assertThat(fault(() -> v.writeByte(4 * PAGE, (byte) 1)).kind()).isEqualTo(PageFaultException.Kind.NOT_WRITABLE);
        assertThat(e.status()).isEqualTo(Status.ACCESS_DENIED);
        byte[] src = new byte[PAGE + 10];
        java.util.Arrays.fill(src, (byte) 7);
        assertThat(fault(() -> v.write(10, src, 0, src.length)).address()).isEqualTo(PAGE);
        assertThat(fault(() -> v.fill(PAGE - 1, 2, (byte) 1)).kind()).isEqualTo(PageFaultException.Kind.NOT_WRITABLE);
        assertThat(fault(() -> v.copy(PAGE - 4, 0, 8)).kind()).isEqualTo(PageFaultException.Kind.NOT_WRITABLE);
        assertThat(fault(() -> v.read(2 * PAGE - 4, new byte[8], 0, 8)).address()).isEqualTo(2 * PAGE);
        assertThat(readBytes(vmo, 0, 2 * PAGE)).containsOnly(0);
        assertThat(vmo.info().committedBytes()).isZero();
        v.writeInt(0, 5);
        assertThat(v.readInt(0)).isEqualTo(5);
    }

    @Test
    void bulkOperationsAndMemmove() {
        Vmar root = Vmar.createRoot(8 * PAGE);
        root.map(RW, 0, Vmo.create(8 * PAGE), 0, 8 * PAGE);
        VmarView v = root.view();
        byte[] pattern = new byte[3 * PAGE];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        v.write(100, pattern, 0, pattern.length);
        byte[] back = new byte[pattern.length];
        v.read(100, back, 0, back.length);
        assertThat(back).isEqualTo(pattern);
        v.copy(150, 100, pattern.length);
        v.read(150, back, 0, back.length);
        assertThat(back).isEqualTo(pattern);
        v.copy(100, 150, pattern.length);
        v.read(100, back, 0, back.length);
        assertThat(back).isEqualTo(pattern);
        v.fill(PAGE - 5, 10, (byte) -1);
        for (int a = PAGE - 6; a < PAGE + 6; a++) {
            assertThat(v.readByte(a)).isEqualTo(a >= PAGE - 5 && a < PAGE + 5 ? (byte) -1 : pattern[a - 100]);
        }
    }

    @Test
    void readsNeverCommitAndWritesChargeTheBudget() {
        MemoryBudget budget = MemoryBudget.of(2 * PAGE);
        Vmo vmo = Vmo.builder(4 * PAGE).withBudget(budget).build();
        Vmar root = Vmar.createRoot(4 * PAGE);
        root.map(RW, 0, vmo, 0, 4 * PAGE);
        VmarView v = root.view();
        byte[] all = new byte[4 * PAGE];
        v.read(0, all, 0, all.length);
        assertThat(v.readLong(3 * PAGE)).isZero();
        assertThat(budget.committedBytes()).isZero();
        v.writeByte(0, (byte) 1);
        v.writeByte(PAGE, (byte) 1);
        assertThat(budget.committedBytes()).isEqualTo(2 * PAGE);
        assertThatThrownBy(() -> v.writeByte(2 * PAGE, (byte) 1)).isInstanceOf(ZxException.class)
                .extracting(x -> ((ZxException) x).status()).isEqualTo(Status.NO_MEMORY);
        assertThat(v.readByte(2 * PAGE)).isZero();
        v.writeByte(1, (byte) 2);
        assertThat(readBytes(vmo, 0, 2)).containsExactly(1, 2);
    }

    @Test
    void onlyWritesThatCommitAPageCountAsCopyOnWriteFaults() {
        Vmo vmo = Vmo.create(2 * PAGE);
        Vmar root = Vmar.createRoot(2 * PAGE);
        root.map(RW, 0, vmo, 0, 2 * PAGE);
        VmarView v = root.view();
        v.readLong(0);
        v.readLong(PAGE);
        assertThat(v.copyOnWriteFaults()).as("reads commit nothing").isZero();
        v.writeInt(0, 1);
        v.writeInt(8, 2);
        assertThat(v.copyOnWriteFaults()).as("one zero page committed, then written in place").isEqualTo(1);
        try (Vmo snapshot = vmo.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE)) {
            v.writeInt(16, 3);
            assertThat(v.copyOnWriteFaults()).as("the shared page is copied once").isEqualTo(2);
            v.writeInt(PAGE, 4);
            assertThat(v.copyOnWriteFaults()).as("a second zero page").isEqualTo(3);
            assertThat(readBytes(snapshot, 16, 1)).containsExactly(0);
        }
    }

    @Test
    void aWriteAfterASnapshotNeverShowsInTheSnapshotInBothDirections() {
        Vmo vmo = Vmo.create(2 * PAGE);
        Vmar parentSpace = Vmar.createRoot(2 * PAGE);
        parentSpace.map(RW, 0, vmo, 0, 2 * PAGE);
        VmarView pv = parentSpace.view();
        pv.writeInt(0, 1);
        pv.writeInt(PAGE, 1);
        assertThat(pv.readInt(0)).isEqualTo(1);

        Vmo snap = vmo.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
        Vmar childSpace = Vmar.createRoot(2 * PAGE);
        childSpace.map(RW, 0, snap, 0, 2 * PAGE);
        VmarView cv = childSpace.view();
        assertThat(cv.readInt(0)).isEqualTo(1);

        pv.writeInt(0, 2);
        assertThat(cv.readInt(0)).isEqualTo(1);
        assertThat(readBytes(snap, 0, 1)).containsExactly(1);
        cv.writeInt(PAGE, 3);
        assertThat(pv.readInt(PAGE)).isEqualTo(1);
        assertThat(readBytes(vmo, PAGE, 1)).containsExactly(1);

        // Through createVmoChild of the live mapping, again both ways.
        Vmo snap2 = parentSpace.createVmoChild(Vmo.SNAPSHOT, 0, PAGE);
        pv.writeInt(0, 4);
        assertThat(readBytes(snap2, 0, 1)).containsExactly(2);
        snap2.write(new byte[] {9}, 0);
        assertThat(pv.readInt(0)).isEqualTo(4);

        // A handle write that replaces a page array is seen by the view that cached the old one.
        assertThat(cv.readInt(0)).isEqualTo(1);
        snap.write(new byte[] {7}, 0);
        assertThat(cv.readInt(0)).isEqualTo(7);
        vmo.write(new byte[] {8}, 1);
        assertThat(pv.readInt(0)).isEqualTo(4 | 8 << 8);
    }

    @Test
    void mappingChangesInvalidateTheCache() {
        Vmo a = Vmo.create(PAGE);
        Vmo b = Vmo.create(PAGE);
        a.write(new byte[] {1}, 0);
        b.write(new byte[] {2}, 0);
        Vmar root = Vmar.createRoot(4 * PAGE);
        root.map(RW, 0, a, 0, PAGE);
        VmarView v = root.view();
        v.writeByte(1, (byte) 1);
        root.protect(Vmar.PERM_READ, 0, PAGE);
        assertThat(fault(() -> v.writeByte(1, (byte) 5)).kind()).isEqualTo(PageFaultException.Kind.NOT_WRITABLE);
        root.map(RW | Vmar.SPECIFIC_OVERWRITE, 0, b, 0, PAGE);
        assertThat(v.readByte(0)).isEqualTo((byte) 2);
        v.writeByte(1, (byte) 3);
        root.unmap(0, PAGE);
        assertThat(fault(() -> v.readByte(0)).kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
        root.map(RW, 0, b, 0, PAGE);
        assertThat(v.readByte(1)).isEqualTo((byte) 3);
        b.opRange(Vmo.OP_DECOMMIT, 0, PAGE);
        assertThat(v.readByte(1)).isZero();
        v.writeByte(1, (byte) 6);
        b.opRange(Vmo.OP_ZERO, 0, PAGE);
        assertThat(v.readByte(1)).isZero();
        root.destroy();
        assertThat(fault(() -> v.readByte(0)).kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
    }

    @Test
    void resizeUnderAMappingFaultsPastTheEnd() {
        Vmo vmo = Vmo.builder(2 * PAGE).withResizable(true).build();
        Vmar root = Vmar.createRoot(2 * PAGE);
        root.map(RW | Vmar.ALLOW_FAULTS, 0, vmo, 0, 2 * PAGE);
        VmarView v = root.view();
        v.writeByte(PAGE, (byte) 1);
        vmo.setSize(PAGE);
        assertThat(fault(() -> v.readByte(PAGE)).kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
        vmo.setSize(2 * PAGE);
        assertThat(v.readByte(PAGE)).isZero();
    }

    @Test
    void theCacheGrowsWithTheAddressSpaceInUse() {
        Vmar root = Vmar.createRoot(1L << 32);
        root.map(RW, 0, Vmo.create(16 * PAGE), 0, 16 * PAGE);
        List<VmarView> views = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            VmarView v = root.view();
            v.writeInt(15 * PAGE, i);
            views.add(v);
        }
        assertThat(views.get(999).cachedPageCapacity()).isLessThanOrEqualTo(32);
        assertThat(views.get(0).readInt(15 * PAGE)).isEqualTo(999);
        long far = root.map(RW | Vmar.SPECIFIC, 1L << 30, Vmo.create(PAGE), 0, PAGE);
        views.get(0).writeInt((int) far, 5);
        assertThat(views.get(0).cachedPageCapacity()).isEqualTo((1 << 18) + 1);
    }

    @Test
    void randomRemapsNeverLeaveAStaleEntryWhetherFewOrManyPagesWereTouched() {
        // The view clears only the entries it filled since, until more pages are touched than it
        // keeps track of; then it clears whole ranges. Both regimes against a model: which VMO is
        // mapped at each page (page p maps page p of it, or nothing), and each VMO's byte at each page.
        int pages = 3000;
        long seed = new java.util.Random().nextLong();
        java.util.Random random = new java.util.Random(seed);
        Vmo[] vmos = {Vmo.create((long) pages * PAGE), Vmo.create((long) pages * PAGE)};
        byte[][] content = new byte[2][pages];
        int[] owner = new int[pages];
        java.util.Arrays.fill(owner, -1);
        Vmar root = Vmar.createRoot((long) pages * PAGE);
        VmarView v = root.view();
        for (int step = 0; step < 4000; step++) {
            int op = random.nextInt(10);
            int from = random.nextInt(pages);
            int to = Math.min(pages, from + 1 + (random.nextInt(4) == 0 ? random.nextInt(pages) : random.nextInt(8)));
            if (op == 0) {
                int x = random.nextInt(2);
                root.map(RW | Vmar.SPECIFIC_OVERWRITE, (long) from * PAGE, vmos[x], (long) from * PAGE, (long) (to - from) * PAGE);
                java.util.Arrays.fill(owner, from, to, x);
            } else if (op == 1) {
                root.unmap((long) from * PAGE, (long) (to - from) * PAGE);
                java.util.Arrays.fill(owner, from, to, -1);
            } else {
                // Touch a run of pages, a long one now and then (past what the view keeps track of).
                int end = random.nextInt(6) == 0 ? pages : to;
                for (int p = from; p < end; p++) {
                    int addr = p * PAGE + 7;
                    if (owner[p] < 0) {
                        assertThat(fault(() -> v.readByte(addr)).kind()).as("seed %d page %d", seed, p)
                                .isEqualTo(PageFaultException.Kind.NOT_MAPPED);
                    } else if (op % 2 == 0) {
                        byte b = (byte) random.nextInt();
                        v.writeByte(addr, b);
                        content[owner[p]][p] = b;
                    } else {
                        assertThat(v.readByte(addr)).as("seed %d step %d page %d", seed, step, p)
                                .isEqualTo(content[owner[p]][p]);
                    }
                }
            }
        }
        for (int p = 0; p < pages; p++) {
            for (int x = 0; x < 2; x++) {
                assertThat(readBytes(vmos[x], (long) p * PAGE + 7, 1)[0]).as("seed %d", seed).isEqualTo(content[x][p]);
            }
        }
    }
}
