package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.of;
import static dev.hermetic.vmo.Bytes.read;
import static dev.hermetic.vmo.Bytes.readBytes;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zircon's clone properties (after its vmo-clone tests), for SNAPSHOT children and slices. */
class CloneTest {
    @Test
    void identityInfo() {
        Vmo parent = Vmo.builder(2 * PAGE).withName("parent").build();
        Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
        VmoInfo info = child.info();
        assertThat(info.koid()).isNotEqualTo(parent.koid()).isEqualTo(child.koid());
        assertThat(info.parentKoid()).isEqualTo(parent.koid());
        assertThat(info.name()).isEqualTo("parent");
        assertThat(parent.info().parentKoid()).isZero();
        assertThat(parent.info().children()).isEqualTo(1);
        assertThat(child.rights() & Rights.WRITE).isNotZero();
        assertThat(parent.createChild(Vmo.SNAPSHOT | Vmo.NO_WRITE, 0, PAGE).rights() & Rights.WRITE).isZero();
        assertThat(parent.createChild(Vmo.SNAPSHOT | Vmo.RESIZABLE, 0, PAGE).rights() & Rights.RESIZE).isNotZero();
    }

    @Test
    void isolationBothWays() {
        Vmo parent = Vmo.create(2 * PAGE);
        parent.write(of("original"), 10);
        Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
        assertThat(read(child, 10, 8)).isEqualTo("original");
        parent.write(of("PARENT"), 10);
        assertThat(read(child, 10, 8)).isEqualTo("original");
        child.write(of("child!"), 10);
        assertThat(read(parent, 10, 8)).isEqualTo("PARENTal");
        assertThat(read(child, 10, 8)).isEqualTo("child!al");
        child.write(of("x"), PAGE);
        assertThat(readBytes(parent, PAGE, 1)).containsExactly(0);
    }

    @Test
    void closeOriginalFirstOrCloneFirst() {
        for (boolean originalFirst : new boolean[] {true, false}) {
            MemoryBudget budget = MemoryBudget.unlimited();
            Vmo parent = Vmo.builder(2 * PAGE).withBudget(budget).build();
            parent.write(of("shared"), 0);
            Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
            Vmo survivor = originalFirst ? child : parent;
            (originalFirst ? parent : child).close();
            assertThat(read(survivor, 0, 6)).isEqualTo("shared");
            survivor.write(of("mine"), 0);
            assertThat(read(survivor, 0, 6)).isEqualTo("mineed");
            assertThat(survivor.info().privateBytes()).isEqualTo(PAGE);
            assertThat(budget.committedBytes()).isEqualTo(PAGE);
            survivor.close();
            assertThat(budget.committedBytes()).isZero();
        }
        Vmo parent = Vmo.create(PAGE);
        Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, PAGE);
        assertThat(parent.info().children()).isEqualTo(1);
        child.close();
        assertThat(parent.info().children()).isZero();
    }

    @Test
    void attributionChargesACloneNothingUntilItWrites() {
        MemoryBudget parentBudget = MemoryBudget.unlimited();
        MemoryBudget childBudget = MemoryBudget.unlimited();
        Vmo parent = Vmo.builder(4 * PAGE).withBudget(parentBudget).build();
        parent.write(new byte[4 * PAGE], 0);
        Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, 4 * PAGE, childBudget);
        assertThat(childBudget.committedBytes()).isZero();
        assertThat(parentBudget.committedBytes()).isEqualTo(4 * PAGE);
        VmoInfo ci = child.info();
        assertThat(ci.committedBytes()).isEqualTo(4 * PAGE);
        assertThat(ci.privateBytes()).isZero();
        assertThat(ci.sharedBytes()).isEqualTo(4 * PAGE);
        assertThat(ci.scaledBytes()).isEqualTo(2 * PAGE);
        child.write(of("w"), 0);
        assertThat(childBudget.committedBytes()).isEqualTo(PAGE);
        assertThat(child.info().privateBytes()).isEqualTo(PAGE);
        assertThat(parent.info().privateBytes()).isEqualTo(PAGE);
        assertThat(parent.info().scaledBytes()).isEqualTo(PAGE + 3 * PAGE / 2);
        MemoryBudget tiny = MemoryBudget.of(0);
        Vmo starved = parent.createChild(Vmo.SNAPSHOT, 0, 4 * PAGE, tiny);
        assertThat(statusOf(() -> starved.write(of("z"), 0))).isEqualTo(Status.NO_MEMORY);
        assertThat(read(starved, 0, 1)).isEqualTo("\0");
    }

    @Test
    void rangesBeyondTheParentReadZero() {
        Vmo parent = Vmo.create(2 * PAGE);
        byte[] ones = new byte[2 * PAGE];
        java.util.Arrays.fill(ones, (byte) 1);
        parent.write(ones, 0);
        Vmo child = parent.createChild(Vmo.SNAPSHOT, PAGE, 3 * PAGE - 1);
        assertThat(child.size()).isEqualTo(3 * PAGE);
        assertThat(child.contentSize()).isEqualTo(3 * PAGE - 1);
        assertThat(readBytes(child, 0, PAGE)).containsOnly(1);
        assertThat(readBytes(child, PAGE, 2 * PAGE)).containsOnly(0);
        Vmo far = parent.createChild(Vmo.SNAPSHOT, 16 * PAGE, PAGE);
        assertThat(readBytes(far, 0, PAGE)).containsOnly(0);
        assertThat(statusOf(() -> parent.createChild(Vmo.SNAPSHOT, 1, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> parent.createChild(0, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> parent.createChild(Vmo.SNAPSHOT | Vmo.SLICE, 0, PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> parent.createChild(Vmo.SNAPSHOT | 1 << 12, 0, PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
    }

    @Test
    void resizeOfAChildGrowsWithZeros() {
        Vmo parent = Vmo.create(2 * PAGE);
        parent.write(of("keep"), PAGE);
        Vmo child = parent.createChild(Vmo.SNAPSHOT | Vmo.RESIZABLE, 0, 2 * PAGE);
        child.setSize(PAGE);
        child.setSize(2 * PAGE);
        assertThat(readBytes(child, PAGE, 4)).containsOnly(0);
        assertThat(read(parent, PAGE, 4)).isEqualTo("keep");
    }

    @Test
    void slicesSeeTheParentAndFollowTheRules() {
        Vmo parent = Vmo.create(4 * PAGE);
        Vmo slice = parent.createChild(Vmo.SLICE, PAGE, 2 * PAGE);
        parent.write(of("from parent"), PAGE + 5);
        assertThat(read(slice, 5, 11)).isEqualTo("from parent");
        slice.write(of("SLICE"), 5);
        assertThat(read(parent, PAGE + 5, 11)).isEqualTo("SLICEparent");
        assertThat(slice.info().slice()).isTrue();
        assertThat(statusOf(() -> parent.createChild(Vmo.SLICE | Vmo.RESIZABLE, 0, PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> parent.createChild(Vmo.SLICE, 3 * PAGE, 2 * PAGE))).isEqualTo(Status.INVALID_ARGS);
        Vmo resizable = Vmo.builder(PAGE).withResizable(true).build();
        assertThat(statusOf(() -> resizable.createChild(Vmo.SLICE, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
        parent.close();
        slice.write(of("alive"), 0);
        assertThat(read(slice, 0, 5)).isEqualTo("alive");
        Vmo snapOfSlice = slice.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
        slice.write(of("later"), 0);
        assertThat(read(snapOfSlice, 0, 5)).isEqualTo("alive");
    }

    @Test
    void everyWriteOrderAcrossSeveralClones() {
        // Three clones of one parent, and every order in which the four VMOs write page 0.
        int[][] orders = permutations(4);
        for (int[] order : orders) {
            Vmo parent = Vmo.create(PAGE);
            parent.write(new byte[] {100}, 0);
            List<Vmo> all = new ArrayList<>();
            all.add(parent);
            for (int i = 0; i < 3; i++) {
                all.add(parent.createChild(Vmo.SNAPSHOT, 0, PAGE));
            }
            for (int step = 0; step < order.length; step++) {
                all.get(order[step]).write(new byte[] {(byte) order[step]}, 0);
                for (int v = 0; v < 4; v++) {
                    boolean written = false;
                    for (int s = 0; s <= step; s++) {
                        written |= order[s] == v;
                    }
                    assertThat(readBytes(all.get(v), 0, 1)[0]).as("order %s step %d vmo %d",
                            java.util.Arrays.toString(order), step, v).isEqualTo((byte) (written ? v : 100));
                }
            }
        }
    }

    private static int[][] permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out.toArray(new int[0][]);
    }

    private static void permute(int[] cur, boolean[] used, int k, List<int[]> out) {
        if (k == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (!used[i]) {
                used[i] = true;
                cur[k] = i;
                permute(cur, used, k + 1, out);
                used[i] = false;
            }
        }
    }

    @Test
    void progressiveCloseFreesMemoryAndDeepChainsWork() {
        MemoryBudget budget = MemoryBudget.unlimited();
        Vmo root = Vmo.builder(8 * PAGE).withBudget(budget).build();
        root.write(new byte[8 * PAGE], 0);
        List<Vmo> chain = new ArrayList<>();
        chain.add(root);
        for (int depth = 1; depth <= 50; depth++) {
            Vmo next = chain.get(depth - 1).createChild(Vmo.SNAPSHOT, 0, 8 * PAGE);
            next.write(new byte[] {(byte) depth}, (long) (depth % 8) * PAGE);
            chain.add(next);
        }
        assertThat(readBytes(chain.get(50), 2 * PAGE, 1)[0]).isEqualTo((byte) 50);
        assertThat(readBytes(chain.get(49), 0, 1)[0]).isEqualTo((byte) 48);
        long before = budget.committedBytes();
        assertThat(before).isEqualTo(58 * PAGE);
        for (int i = 0; i < 50; i++) {
            chain.get(i).close();
        }
        assertThat(budget.committedBytes()).isEqualTo(8 * PAGE);
        assertThat(readBytes(chain.get(50), 7 * PAGE, 1)[0]).isEqualTo((byte) 47);
        chain.get(50).close();
        assertThat(budget.committedBytes()).isZero();
    }

    @Test
    void aFrozenPageGoesWhenTheLastCloneSeeingItDoesWhateverTheOrder() {
        // Two clones of a two-page original; the original goes first, one clone overwrites page 0.
        // Page 0 of what was frozen is then seen only by the other clone, and must go with it,
        // whether that clone goes before or after the writer.
        for (boolean writerLast : new boolean[] {true, false}) {
            MemoryBudget budget = MemoryBudget.unlimited();
            Vmo original = Vmo.builder(2 * PAGE).withBudget(budget).build();
            original.write(new byte[2 * PAGE], 0);
            original.write(of("frozen"), 0);
            Vmo writer = original.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
            Vmo reader = original.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
            original.close();
            assertThat(budget.committedBytes()).isEqualTo(2 * PAGE);
            writer.write(of("copied"), 0);
            assertThat(budget.committedBytes()).isEqualTo(3 * PAGE);
            assertThat(read(reader, 0, 6)).isEqualTo("frozen");
            (writerLast ? reader : writer).close();
            // Gone with the reader: the frozen page 0. Gone with the writer: its copy.
            assertThat(budget.committedBytes()).as("writer last: %s", writerLast).isEqualTo(2 * PAGE);
            Vmo survivor = writerLast ? writer : reader;
            assertThat(read(survivor, 0, 6)).isEqualTo(writerLast ? "copied" : "frozen");
            survivor.close();
            assertThat(budget.committedBytes()).isZero();
        }
    }
}
