package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.readBytes;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Zircon's syscall reference ({@code docs/reference/syscalls/}), one nested class per page. */
class SyscallDocsTest {
    private static final int RW = Vmar.PERM_READ | Vmar.PERM_WRITE;

    /** {@code vmo_create_child.md}, Notes: COMMIT on a non-slice child. */
    @Nested
    class VmoCreateChildMd {
        /**
         * COMMIT on a copy-on-write child commits pages into the child with the parent's
         * contents, as a write fault would; pages the parent never committed become zero pages
         * of the child alone. The parent keeps its pages.
         */
        @Test
        void commitOnASnapshotChildCommitsPrivateCopies() {
            MemoryBudget parentBudget = MemoryBudget.unlimited();
            MemoryBudget childBudget = MemoryBudget.unlimited();
            Vmo parent = Vmo.builder(3 * PAGE).withBudget(parentBudget).build();
            parent.write(new byte[] {1}, 0);
            parent.write(new byte[] {2}, PAGE);
            Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, 3 * PAGE, childBudget);
            child.opRange(Vmo.OP_COMMIT, 0, 3 * PAGE);
            assertThat(child.info().privateBytes()).isEqualTo(3 * PAGE);
            assertThat(childBudget.committedBytes()).isEqualTo(3 * PAGE);
            assertThat(parent.info().privateBytes()).isEqualTo(2 * PAGE);
            assertThat(parentBudget.committedBytes()).isEqualTo(2 * PAGE);
            assertThat(readBytes(child, 0, 1)).containsExactly(1);
            assertThat(readBytes(child, PAGE, 1)).containsExactly(2);
            parent.write(new byte[] {9}, 0);
            assertThat(readBytes(child, 0, 1)).containsExactly(1);
            // Committing again takes nothing more.
            child.opRange(Vmo.OP_COMMIT, 0, 3 * PAGE);
            assertThat(childBudget.committedBytes()).isEqualTo(3 * PAGE);
        }
    }

    /** {@code vmo_op_range.md}: which VMOs DECOMMIT is for. */
    @Nested
    class VmoOpRangeMd {
        /** DECOMMIT on a snapshot child, or on a slice of one, is NOT_SUPPORTED and changes nothing. */
        @Test
        void decommitOnASnapshotChildIsNotSupported() {
            Vmo parent = Vmo.create(2 * PAGE);
            parent.write(new byte[] {1}, 0);
            Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, 2 * PAGE);
            child.write(new byte[] {2}, 0);
            Vmo slice = child.createChild(Vmo.SLICE, 0, PAGE);
            assertThat(statusOf(() -> child.opRange(Vmo.OP_DECOMMIT, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
            assertThat(statusOf(() -> slice.opRange(Vmo.OP_DECOMMIT, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
            assertThat(readBytes(child, 0, 1)).containsExactly(2);
            parent.close();
            assertThat(statusOf(() -> child.opRange(Vmo.OP_DECOMMIT, 0, PAGE)))
                    .as("still a child after its parent closed").isEqualTo(Status.NOT_SUPPORTED);
            child.opRange(Vmo.OP_ZERO, 0, PAGE);
            assertThat(readBytes(child, 0, 1)).containsExactly(0);
        }

        /** DECOMMIT on a VMO with live snapshot children is NOT_SUPPORTED; with slices only, it works. */
        @Test
        void decommitOnAVmoWithSnapshotChildrenIsNotSupported() {
            Vmo vmo = Vmo.create(2 * PAGE);
            vmo.write(new byte[] {1}, 0);
            Vmo slice = vmo.createChild(Vmo.SLICE, 0, 2 * PAGE);
            Vmo child = slice.createChild(Vmo.SNAPSHOT, 0, PAGE);
            assertThat(statusOf(() -> vmo.opRange(Vmo.OP_DECOMMIT, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
            assertThat(statusOf(() -> slice.opRange(Vmo.OP_DECOMMIT, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
            assertThat(readBytes(vmo, 0, 1)).containsExactly(1);
            child.close();
            slice.opRange(Vmo.OP_DECOMMIT, 0, PAGE);
            assertThat(readBytes(vmo, 0, 1)).containsExactly(0);
            assertThat(vmo.info().committedBytes()).isZero();
        }
    }

    /** {@code vmar_protect.md}: the VMAR handle's rights and the permission combinations. */
    @Nested
    class VmarProtectMd {
        /** PERM_WRITE needs WRITE on the VMAR handle; PERM_WRITE without PERM_READ is INVALID_ARGS. */
        @Test
        void protectToWriteNeedsWriteOnTheVmarHandle() {
            Vmar root = Vmar.createRoot(16 * PAGE);
            long at = root.map(Vmar.PERM_READ, 0, Vmo.create(PAGE), 0, PAGE);
            Vmar readOnly = root.duplicate(Rights.READ);
            assertThat(statusOf(() -> readOnly.protect(RW, at, PAGE))).isEqualTo(Status.ACCESS_DENIED);
            assertThat(statusOf(() -> root.protect(Vmar.PERM_WRITE, at, PAGE))).isEqualTo(Status.INVALID_ARGS);
            readOnly.protect(0, at, PAGE);
            root.protect(RW, at, PAGE);
            assertThat(root.maps().get(1).perms()).isEqualTo(RW);
        }
    }

    /** {@code vmar_destroy.md}. */
    @Nested
    class VmarDestroyMd {
        /** Destroying a destroyed region is BAD_STATE. */
        @Test
        void destroyingADestroyedVmarIsBadState() {
            Vmar root = Vmar.createRoot(16 * PAGE);
            Vmar sub = root.allocate(Vmar.CAN_MAP_READ, 0, 4 * PAGE);
            sub.destroy();
            assertThat(statusOf(sub::destroy)).isEqualTo(Status.BAD_STATE);
            root.destroy();
            assertThat(statusOf(root::destroy)).isEqualTo(Status.BAD_STATE);
        }
    }

    /** {@code object_get_info.md}: ZX_INFO_VMO and ZX_INFO_PROCESS_MAPS. */
    @Nested
    class ObjectGetInfoMd {
        /** ZX_INFO_VMO needs no right on the handle. */
        @Test
        void vmoInfoNeedsNoRight() {
            Vmo vmo = Vmo.create(PAGE);
            vmo.write(new byte[] {1}, 0);
            VmoInfo info = vmo.duplicate(Rights.NONE).info();
            assertThat(info.committedBytes()).isEqualTo(PAGE);
            assertThat(info.handleRights()).isEqualTo(Rights.NONE);
        }

        /**
         * ZX_INFO_PROCESS_MAPS puts the address space at depth 0 and its root VMAR at 1; the listing
         * here starts at the root VMAR (there is no process), keeping Zircon's numbers.
         */
        @Test
        void mapsDepthCountsTheRootVmarAsOne() {
            Vmar root = Vmar.createRoot(16 * PAGE);
            Vmar sub = root.allocate(Vmar.CAN_MAP_READ, 0, 4 * PAGE);
            sub.map(Vmar.PERM_READ, 0, Vmo.create(PAGE), 0, PAGE);
            List<MapEntry> maps = root.maps();
            assertThat(maps).extracting(MapEntry::type, MapEntry::depth).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(MapEntry.Type.VMAR, 1),
                    org.assertj.core.groups.Tuple.tuple(MapEntry.Type.VMAR, 2),
                    org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, 3));
            assertThat(sub.maps()).extracting(MapEntry::depth).as("a sub-region lists at its own depth")
                    .containsExactly(2, 3);
        }
    }
}
