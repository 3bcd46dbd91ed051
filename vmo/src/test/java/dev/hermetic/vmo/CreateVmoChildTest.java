package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.readBytes;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC-0013: {@code zx_vmar_create_vmo_child}, every error case and the zygote walk. */
class CreateVmoChildTest {
    private static final int RW = Vmar.PERM_READ | Vmar.PERM_WRITE;

    @Test
    void snapshotOfAMappingIsIsolated() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(4 * PAGE);
        vmo.write(new byte[] {42}, PAGE);
        long at = root.map(RW, 0, vmo, 0, 4 * PAGE);
        Vmo child = root.createVmoChild(Vmo.SNAPSHOT, at + PAGE, 2 * PAGE);
        assertThat(child.size()).isEqualTo(2 * PAGE);
        assertThat(child.info().parentKoid()).isEqualTo(vmo.koid());
        assertThat(readBytes(child, 0, 1)).containsExactly(42);
        vmo.write(new byte[] {1}, PAGE);
        assertThat(readBytes(child, 0, 1)).containsExactly(42);
        assertThat(child.rights() & Rights.WRITE).isNotZero();
        assertThat(child.rights() & Rights.EXECUTE).isZero();
        Vmo ro = root.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE | Vmo.NO_WRITE, at, PAGE);
        assertThat(ro.rights() & Rights.WRITE).isZero();
        assertThat(statusOf(() -> ro.write(new byte[1], 0))).isEqualTo(Status.ACCESS_DENIED);
    }

    @Test
    void everyErrorCase() {
        Vmar root = Vmar.createRoot(64 * PAGE);
        Vmo vmo = Vmo.create(8 * PAGE);
        root.map(RW | Vmar.SPECIFIC, 0, vmo, 0, 4 * PAGE);
        root.map(RW | Vmar.SPECIFIC, 4 * PAGE, vmo, 4 * PAGE, 4 * PAGE);
        // SLICE refused, RESIZABLE refused, no snapshot kind refused.
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SLICE, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT | Vmo.RESIZABLE, 0, PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.NO_WRITE, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        // Unaligned address or size, empty size.
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, 1, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, 0, PAGE + 1))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, 0, 0))).isEqualTo(Status.INVALID_ARGS);
        // Spanning two mappings (even of the same VMO, contiguous) or unmapped pages.
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, 3 * PAGE, 2 * PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, 7 * PAGE, 2 * PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, 20 * PAGE, PAGE))).isEqualTo(Status.INVALID_ARGS);
        // CANNOT_CREATE_VMO_CHILD on the mapping.
        long guarded = root.map(RW | Vmar.CANNOT_CREATE_VMO_CHILD, 0, vmo, 0, PAGE);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, guarded, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        // CANNOT_CREATE_VMO_CHILD on an enclosing region.
        Vmar region = root.allocate(Vmar.CAN_MAP_READ | Vmar.CAN_MAP_WRITE | Vmar.CANNOT_CREATE_VMO_CHILD, 0, 8 * PAGE);
        long inside = region.map(RW, 0, vmo, 0, PAGE);
        assertThat(statusOf(() -> root.createVmoChild(Vmo.SNAPSHOT, inside, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        assertThat(statusOf(() -> region.createVmoChild(Vmo.SNAPSHOT, inside, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        // A VMAR handle without INSPECT.
        Vmar blind = root.duplicate(Rights.READ | Rights.WRITE);
        assertThat(statusOf(() -> blind.createVmoChild(Vmo.SNAPSHOT, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        // A destroyed VMAR.
        Vmar doomed = root.allocate(Vmar.CAN_MAP_READ, 0, 4 * PAGE);
        long doomedAt = doomed.map(Vmar.PERM_READ, 0, vmo, 0, PAGE);
        assertThat(root.createVmoChild(Vmo.SNAPSHOT, doomedAt, PAGE).size()).isEqualTo(PAGE);
        doomed.destroy();
        assertThat(statusOf(() -> doomed.createVmoChild(Vmo.SNAPSHOT, doomedAt, PAGE))).isEqualTo(Status.BAD_STATE);
        // The VMAR keeps working after every refusal.
        assertThat(root.createVmoChild(Vmo.SNAPSHOT, 0, 4 * PAGE).size()).isEqualTo(4 * PAGE);
    }

    @Test
    void zygoteWalkClonesAnAddressSpace() {
        Vmar parent = Vmar.createRoot(64 * PAGE);
        Vmo code = Vmo.builder(2 * PAGE).withName("code").build();
        Vmo heap = Vmo.builder(8 * PAGE).withName("heap").build();
        code.write(new byte[] {(byte) 0xC0, (byte) 0xDE}, 0);
        parent.map(Vmar.PERM_READ | Vmar.PERM_EXECUTE | Vmar.SPECIFIC, 0, code, 0, 2 * PAGE);
        // An executable mapping is cloned NO_WRITE: only a read-only clone keeps EXECUTE (RFC-0013).
        parent.map(RW | Vmar.SPECIFIC, 8 * PAGE, heap, 0, 8 * PAGE);
        VmarView parentView = parent.view();
        parentView.writeInt(8 * PAGE + 100, 0x1234);

        // The walk: list the maps, clone each mapping, map the clones at the same addresses.
        List<Vmar> clones = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Vmar clone = Vmar.createRoot(64 * PAGE);
            for (MapEntry e : parent.maps()) {
                if (e.type() == MapEntry.Type.MAPPING) {
                    int readOnly = (e.perms() & Vmar.PERM_EXECUTE) != 0 ? Vmo.NO_WRITE : 0;
                    Vmo child = parent.createVmoChild(Vmo.SNAPSHOT | readOnly, e.base(), e.size());
                    clone.map(e.perms() | Vmar.SPECIFIC, e.base(), child, 0, e.size());
                    child.close();
                }
            }
            clones.add(clone);
        }
        for (int c = 0; c < clones.size(); c++) {
            VmarView v = clones.get(c).view();
            assertThat(v.readShort(0)).isEqualTo((short) 0xDEC0);
            assertThat(v.readInt(8 * PAGE + 100)).isEqualTo(0x1234);
            v.writeInt(8 * PAGE + 100, c);
            assertThat(statusOf(() -> v.writeByte(0, (byte) 1))).isEqualTo(Status.ACCESS_DENIED);
        }
        parentView.writeInt(8 * PAGE + 100, -1);
        for (int c = 0; c < clones.size(); c++) {
            assertThat(clones.get(c).view().readInt(8 * PAGE + 100)).isEqualTo(c);
            assertThat(clones.get(c).maps()).extracting(MapEntry::base, MapEntry::size)
                    .isEqualTo(parent.maps().stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.base(), e.size()))
                            .toList());
        }
        assertThat(parentView.readInt(8 * PAGE + 100)).isEqualTo(-1);
        assertThat(heap.info().children()).isEqualTo(3);
    }
}
