package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VmarTest {
    private static final int RW = Vmar.PERM_READ | Vmar.PERM_WRITE;

    @Test
    void mapPlacesLowestFirstOrSpecific() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(4 * PAGE);
        assertThat(root.map(RW, 0, vmo, 0, 2 * PAGE)).isZero();
        assertThat(root.map(RW, 0, vmo, 0, PAGE - 1)).isEqualTo(2 * PAGE);
        assertThat(root.map(RW | Vmar.SPECIFIC, 8 * PAGE, vmo, PAGE, PAGE)).isEqualTo(8 * PAGE);
        assertThat(statusOf(() -> root.map(RW | Vmar.SPECIFIC, 8 * PAGE, vmo, 0, PAGE)))
                .isEqualTo(Status.ALREADY_EXISTS);
        assertThat(statusOf(() -> root.map(RW | Vmar.SPECIFIC, 100, vmo, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW, 0, vmo, 1, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW, PAGE, vmo, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW, 0, vmo, 0, 0))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW | Vmar.SPECIFIC, 15 * PAGE, vmo, 0, 2 * PAGE)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW, 0, vmo, 0, 32 * PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.map(RW, 0, vmo, 0, 12 * PAGE))).isEqualTo(Status.NO_RESOURCES);
        assertThat(statusOf(() -> root.map(1 << 30, 0, vmo, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(vmo.info().mappings()).isEqualTo(3);
        assertThat(vmo.info().shareCount()).isEqualTo(1);
        Vmo resizable = Vmo.builder(PAGE).withResizable(true).build();
        assertThat(statusOf(() -> root.map(RW, 0, resizable, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
        assertThat(root.map(RW | Vmar.ALLOW_FAULTS, 0, resizable, 0, PAGE)).isEqualTo(3 * PAGE);
        assertThat(statusOf(() -> Vmar.createRoot(0))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> Vmar.createRoot((1L << 32) + 1))).isEqualTo(Status.INVALID_ARGS);
    }

    @Test
    void unmapSplitsMappingsAndKeepsTheVmoAlive() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(8 * PAGE);
        long at = root.map(RW | Vmar.SPECIFIC, 2 * PAGE, vmo, 0, 8 * PAGE);
        root.unmap(at + 3 * PAGE, 2 * PAGE);
        List<MapEntry> maps = root.maps();
        assertThat(maps).hasSize(3);
        assertThat(maps.get(0).type()).isEqualTo(MapEntry.Type.VMAR);
        assertThat(maps.get(1)).extracting(MapEntry::base, MapEntry::size, MapEntry::vmoOffset, MapEntry::depth)
                .containsExactly(2L * PAGE, 3L * PAGE, 0L, 2);
        assertThat(maps.get(2)).extracting(MapEntry::base, MapEntry::size, MapEntry::vmoOffset)
                .containsExactly(7L * PAGE, 3L * PAGE, 5L * PAGE);
        assertThat(vmo.info().mappings()).isEqualTo(2);
        root.unmap(0, 16 * PAGE);
        assertThat(root.maps()).hasSize(1);
        assertThat(vmo.info().mappings()).isZero();
        assertThat(statusOf(() -> root.unmap(1, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.unmap(15 * PAGE, 2 * PAGE))).isEqualTo(Status.INVALID_ARGS);

        MemoryBudget budget = MemoryBudget.unlimited();
        Vmo mapped = Vmo.builder(PAGE).withBudget(budget).build();
        mapped.write(new byte[] {5}, 0);
        long addr = root.map(Vmar.PERM_READ, 0, mapped, 0, PAGE);
        mapped.close();
        assertThat(budget.committedBytes()).isEqualTo(PAGE);
        VmarView view = root.view();
        assertThat(view.readByte((int) addr)).isEqualTo((byte) 5);
        root.unmap(addr, PAGE);
        assertThat(budget.committedBytes()).isZero();
    }

    @Test
    void protectSplitsAndChecksTheWholeRange() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(4 * PAGE);
        root.map(RW | Vmar.SPECIFIC, 0, vmo, 0, 4 * PAGE);
        root.protect(Vmar.PERM_READ, PAGE, PAGE);
        assertThat(root.maps()).extracting(MapEntry::perms).containsExactly(0, RW, Vmar.PERM_READ, RW);
        assertThat(statusOf(() -> root.protect(Vmar.PERM_READ, 3 * PAGE, 2 * PAGE))).isEqualTo(Status.NOT_FOUND);
        assertThat(statusOf(() -> root.protect(Vmar.PERM_READ, 8 * PAGE, PAGE))).isEqualTo(Status.NOT_FOUND);
        assertThat(statusOf(() -> root.protect(1 << 4, 0, PAGE))).isEqualTo(Status.INVALID_ARGS);
        root.protect(RW, 0, 4 * PAGE);
        assertThat(root.maps()).extracting(MapEntry::perms).containsExactly(0, RW, RW, RW);
    }

    @Test
    void subRegionsDestroyAndMapsAreDepthFirst() {
        Vmar root = Vmar.createRoot(64 * PAGE);
        Vmar sub = root.allocate(Vmar.CAN_MAP_READ | Vmar.CAN_MAP_SPECIFIC | Vmar.SPECIFIC, 16 * PAGE, 16 * PAGE);
        assertThat(sub.base()).isEqualTo(16 * PAGE);
        Vmo vmo = Vmo.create(PAGE);
        vmo.write(new byte[] {3}, 0);
        long inner = sub.map(Vmar.PERM_READ | Vmar.SPECIFIC, PAGE, vmo, 0, PAGE);
        assertThat(inner).isEqualTo(17 * PAGE);
        assertThat(statusOf(() -> sub.map(RW, 0, vmo, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        root.map(Vmar.PERM_READ, 0, vmo, 0, PAGE);
        List<MapEntry> maps = root.maps();
        assertThat(maps).extracting(MapEntry::type, MapEntry::depth, MapEntry::base).containsExactly(
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.VMAR, 1, 0L),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, 2, 0L),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.VMAR, 2, 16L * PAGE),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, 3, 17L * PAGE));
        assertThat(maps.get(3).committedPages()).isEqualTo(1);
        assertThat(maps.get(3).vmoKoid()).isEqualTo(vmo.koid());
        VmarView view = root.view();
        assertThat(view.readByte((int) inner)).isEqualTo((byte) 3);
        assertThat(statusOf(() -> root.unmap(20 * PAGE, PAGE))).isEqualTo(Status.INVALID_ARGS);
        sub.destroy();
        assertThat(statusOf(() -> sub.map(Vmar.PERM_READ, 0, vmo, 0, PAGE))).isEqualTo(Status.BAD_STATE);
        assertThat(statusOf(sub::maps)).isEqualTo(Status.BAD_STATE);
        assertThat(statusOf(() -> view.readByte((int) inner))).isEqualTo(Status.NOT_FOUND);
        assertThat(root.maps()).hasSize(2);
        assertThat(root.allocate(0, 0, 8 * PAGE).base()).isEqualTo(PAGE);
        assertThat(statusOf(() -> sub.allocate(Vmar.CAN_MAP_READ, 0, PAGE))).isEqualTo(Status.BAD_STATE);
    }

    @Test
    void specificOverwriteReplacesWhatIsThere() {
        Vmar root = Vmar.createRoot(8 * PAGE);
        Vmo a = Vmo.create(4 * PAGE);
        Vmo b = Vmo.create(PAGE);
        a.write(new byte[] {1}, PAGE);
        b.write(new byte[] {2}, 0);
        root.map(RW | Vmar.SPECIFIC, 0, a, 0, 4 * PAGE);
        VmarView view = root.view();
        assertThat(view.readByte(PAGE)).isEqualTo((byte) 1);
        root.map(RW | Vmar.SPECIFIC_OVERWRITE, PAGE, b, 0, PAGE);
        assertThat(view.readByte(PAGE)).isEqualTo((byte) 2);
        assertThat(root.maps()).hasSize(4);
        assertThat(a.info().mappings()).isEqualTo(2);
    }
}
