package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.readBytes;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Zircon's {@code zircon/system/utest/core/vmo/vmo.cc}, test by test where this module differed. */
class VmoCcTest {
    private static final int RW = Vmar.PERM_READ | Vmar.PERM_WRITE;

    /** vmo.cc {@code NoResize}: a VMO not created resizable answers UNAVAILABLE, not ACCESS_DENIED. */
    @Test
    void noResize_setSizeIsUnavailable() {
        Vmo vmo = Vmo.create(4 * PAGE);
        assertThat(statusOf(() -> vmo.setSize(5 * PAGE))).isEqualTo(Status.UNAVAILABLE);
        assertThat(statusOf(() -> vmo.setSize(3 * PAGE))).isEqualTo(Status.UNAVAILABLE);
        assertThat(vmo.size()).isEqualTo(4 * PAGE);
        // ResizeRight: on a resizable VMO the RESIZE right still decides.
        Vmo resizable = Vmo.builder(4 * PAGE).withResizable(true).build();
        Vmo fixedHandle = resizable.duplicate(resizable.rights() & ~Rights.RESIZE);
        assertThat(statusOf(() -> fixedHandle.setSize(PAGE))).isEqualTo(Status.ACCESS_DENIED);
    }

    /**
     * vmo.cc {@code Rights} and {@code ChildPermsTestHelper}, as {@code vmo_create_child.md} says:
     * a snapshot gains WRITE and loses EXECUTE, NO_WRITE removes WRITE and keeps EXECUTE, a slice
     * keeps the parent's rights; every child gains GET_PROPERTY and SET_PROPERTY.
     */
    @Test
    void rights_childPermsTestHelper() {
        Vmo vmo = Vmo.create(PAGE);
        int[] handles = {vmo.rights(), Rights.READ | Rights.WRITE | Rights.DUPLICATE,
            Rights.READ | Rights.MAP | Rights.DUPLICATE, Rights.READ | Rights.EXECUTE | Rights.MAP | Rights.DUPLICATE};
        for (int rights : handles) {
            Vmo parent = vmo.duplicate(rights);
            int props = rights | Rights.GET_PROPERTY | Rights.SET_PROPERTY;
            assertThat(parent.createChild(Vmo.SNAPSHOT, 0, PAGE).rights()).as("snapshot of 0x%x", rights)
                    .isEqualTo((props | Rights.WRITE) & ~Rights.EXECUTE);
            assertThat(parent.createChild(Vmo.SNAPSHOT | Vmo.NO_WRITE, 0, PAGE).rights())
                    .as("NO_WRITE snapshot of 0x%x", rights).isEqualTo(props & ~Rights.WRITE);
            assertThat(parent.createChild(Vmo.SLICE, 0, PAGE).rights()).as("slice of 0x%x", rights).isEqualTo(props);
            assertThat(parent.createChild(Vmo.SLICE | Vmo.NO_WRITE, 0, PAGE).rights())
                    .as("NO_WRITE slice of 0x%x", rights).isEqualTo(props & ~Rights.WRITE);
        }
    }

    /**
     * vmo.cc {@code Rights} ({@code RightsTestMapHelper}) and {@code vmar_map.md}: PERM_WRITE
     * without PERM_READ is INVALID_ARGS, after the MAP right and before the READ right are checked.
     */
    @Test
    void rights_mapWriteWithoutReadIsInvalidArgs() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(4 * PAGE);
        assertThat(statusOf(() -> root.map(Vmar.PERM_WRITE, 0, vmo, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        Vmo writeMap = vmo.duplicate(Rights.WRITE | Rights.MAP | Rights.DUPLICATE);
        assertThat(statusOf(() -> root.map(Vmar.PERM_WRITE, 0, writeMap, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW, 0, writeMap, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        Vmo noMap = vmo.duplicate(Rights.READ | Rights.WRITE | Rights.DUPLICATE);
        assertThat(statusOf(() -> root.map(Vmar.PERM_WRITE, 0, noMap, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        assertThat(root.maps()).as("nothing was mapped").hasSize(1);
        root.map(RW, 0, vmo, 0, PAGE);
    }

    /** vmo.cc {@code NoWriteResizable}: NO_WRITE and RESIZABLE are incompatible for every kind of child. */
    @Test
    void noWriteResizable_isInvalidArgs() {
        for (boolean resizableParent : new boolean[] {false, true}) {
            Vmo vmo = Vmo.builder(PAGE).withResizable(resizableParent).build();
            for (int kind : new int[] {Vmo.SNAPSHOT, Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, Vmo.SLICE}) {
                assertThat(statusOf(() -> vmo.createChild(kind | Vmo.NO_WRITE | Vmo.RESIZABLE, 0, PAGE)))
                        .as("kind %d of a %s parent", kind, resizableParent ? "resizable" : "fixed")
                        .isEqualTo(Status.INVALID_ARGS);
            }
            assertThat(vmo.createChild(Vmo.SNAPSHOT | Vmo.NO_WRITE, 0, PAGE).size()).isEqualTo(PAGE);
            assertThat(vmo.info().children()).isEqualTo(1);
        }
    }

    /** vmo.cc {@code DecommitMisaligned}: an unaligned DECOMMIT is INVALID_ARGS, committed or not. */
    @Test
    void decommitMisaligned_isInvalidArgs() {
        Vmo vmo = Vmo.create(2 * PAGE);
        assertThat(statusOf(() -> vmo.opRange(Vmo.OP_DECOMMIT, 0x10, 0x100))).isEqualTo(Status.INVALID_ARGS);
        vmo.opRange(Vmo.OP_COMMIT, 0x10, 0x100);
        assertThat(statusOf(() -> vmo.opRange(Vmo.OP_DECOMMIT, 0x10, 0x100))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> vmo.opRange(Vmo.OP_DECOMMIT, 0, PAGE + 1))).isEqualTo(Status.INVALID_ARGS);
        assertThat(vmo.info().committedBytes()).as("nothing was decommitted").isEqualTo(PAGE);
        vmo.opRange(Vmo.OP_DECOMMIT, 0, PAGE);
        assertThat(vmo.info().committedBytes()).isZero();
    }

    /**
     * vmo.cc {@code DecommitChildSliceTests} and {@code OpOutOfBounds} (current Zircon): a range
     * past the end of a slice is OUT_OF_RANGE even where the parent goes on. Older Zircon trimmed
     * an over-long size instead; this module follows the newer tests and {@code vmo_op_range.md}
     * (vmo/README.md, "Where Zircon disagrees with itself"). This already held before.
     */
    @Test
    void decommitChildSliceTests_rangePastTheSliceIsOutOfRange() {
        Vmo root = Vmo.create(6 * PAGE);
        Vmo slice = root.createChild(Vmo.SLICE, PAGE, 4 * PAGE);
        Vmo inner = slice.createChild(Vmo.SLICE, PAGE, 2 * PAGE);
        root.opRange(Vmo.OP_COMMIT, 0, 6 * PAGE);
        assertThat(statusOf(() -> inner.opRange(Vmo.OP_DECOMMIT, PAGE, 2 * PAGE))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(statusOf(() -> inner.opRange(Vmo.OP_DECOMMIT, 3 * PAGE, PAGE))).isEqualTo(Status.OUT_OF_RANGE);
        assertThat(root.info().committedBytes()).isEqualTo(6 * PAGE);
        inner.opRange(Vmo.OP_DECOMMIT, PAGE, PAGE);
        assertThat(root.info().committedBytes()).isEqualTo(5 * PAGE);
        assertThat(readBytes(root, 3 * PAGE, 1)).containsExactly(0);
    }
}
