package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Zircon's {@code zircon/system/utest/core/vmar/vmar.cc}, test by test where this module differed. */
class VmarCcTest {
    private static final int RW = Vmar.PERM_READ | Vmar.PERM_WRITE;
    private static final int RWX = RW | Vmar.PERM_EXECUTE;
    private static final int CAN_MAP_RWX = Vmar.CAN_MAP_READ | Vmar.CAN_MAP_WRITE | Vmar.CAN_MAP_EXECUTE;
    private static final int MAPPING = 4 * PAGE;

    /**
     * vmar.cc {@code MapSpecificOverwriteTest}: SPECIFIC_OVERWRITE replaces mappings only; a range
     * that covers a sub-VMAR is INVALID_ARGS and leaves the sub-VMAR and the mappings in place.
     */
    @Test
    void mapSpecificOverwriteTest_overASubVmarIsInvalidArgs() {
        Vmar root = Vmar.createRoot(64 * PAGE);
        Vmo vmo = Vmo.create(2 * MAPPING);
        Vmo vmo2 = Vmo.create(2 * MAPPING);
        vmo.write(new byte[] {1}, 0);
        vmo2.write(new byte[] {2}, 0);
        long at = root.map(RW | Vmar.SPECIFIC, PAGE, vmo, 0, MAPPING);
        assertThat(statusOf(() -> root.map(RW | Vmar.SPECIFIC, PAGE, vmo2, 0, MAPPING))).isEqualTo(Status.ALREADY_EXISTS);
        assertThat(root.map(RW | Vmar.SPECIFIC_OVERWRITE, PAGE, vmo2, 0, MAPPING)).isEqualTo(at);
        Vmar sub = root.allocate(Vmar.CAN_MAP_READ | Vmar.CAN_MAP_WRITE | Vmar.SPECIFIC, PAGE + MAPPING, MAPPING);
        assertThat(sub.base()).isEqualTo(at + MAPPING);
        assertThat(statusOf(() -> root.map(RW | Vmar.SPECIFIC_OVERWRITE, PAGE, vmo, 0, 2 * MAPPING)))
                .isEqualTo(Status.INVALID_ARGS);
        assertThat(root.view().readByte((int) at)).as("the old mapping stays").isEqualTo((byte) 2);
        assertThat(sub.map(Vmar.PERM_READ, 0, vmo, 0, PAGE)).as("the sub-VMAR is alive").isEqualTo(sub.base());
    }

    /**
     * vmar.cc {@code ProtectMultipleTest} (current Zircon): protect spans several mappings and a
     * sub-region full of mappings; a gap or an empty sub-region is NOT_FOUND, a mapping whose VMO
     * handle lacked a right is ACCESS_DENIED, and a refused protect changes nothing.
     */
    @Test
    void protectMultipleTest_acrossASubRegionFullOfMappings() {
        Vmo vmo = Vmo.create(MAPPING);
        Vmo readOnly = vmo.duplicate(Rights.MAP | Rights.READ);
        long range = 3L * MAPPING - 2 * PAGE;

        Vmar root = Vmar.createRoot(64 * PAGE);
        root.map(RW | Vmar.SPECIFIC, 0, vmo, 0, MAPPING);
        Vmar sub = root.allocate(Vmar.CAN_MAP_READ | Vmar.CAN_MAP_WRITE | Vmar.CAN_MAP_SPECIFIC | Vmar.SPECIFIC,
                MAPPING, MAPPING);
        sub.map(RW | Vmar.SPECIFIC, 0, vmo, 0, MAPPING);
        root.map(RW | Vmar.SPECIFIC, 2 * MAPPING, vmo, 0, MAPPING);
        assertThat(statusOf(() -> root.protect(RWX, PAGE, range))).as("raising a sub-region's mapping")
                .isEqualTo(Status.ACCESS_DENIED);
        root.protect(Vmar.PERM_READ, PAGE, range);
        assertThat(root.maps()).extracting(MapEntry::type, MapEntry::perms).containsExactly(
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.VMAR, 0),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, RW),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, Vmar.PERM_READ),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.VMAR, 0),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, Vmar.PERM_READ),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, Vmar.PERM_READ),
                org.assertj.core.groups.Tuple.tuple(MapEntry.Type.MAPPING, RW));
        assertThat(statusOf(() -> root.view().writeByte(MAPPING, (byte) 1))).isEqualTo(Status.ACCESS_DENIED);
        root.unmap(0, 3 * MAPPING);

        // The middle mapping made through a handle without WRITE.
        root.map(RW | Vmar.SPECIFIC, 0, vmo, 0, MAPPING);
        root.map(Vmar.PERM_READ | Vmar.SPECIFIC, MAPPING, readOnly, 0, MAPPING);
        root.map(RW | Vmar.SPECIFIC, 2 * MAPPING, vmo, 0, MAPPING);
        assertThat(statusOf(() -> root.protect(RW, PAGE, range))).isEqualTo(Status.ACCESS_DENIED);
        root.unmap(0, 3 * MAPPING);

        // A gap, and an empty sub-region.
        root.map(RW | Vmar.SPECIFIC, 0, vmo, 0, MAPPING);
        root.map(RW | Vmar.SPECIFIC, 2 * MAPPING, vmo, 0, MAPPING);
        assertThat(statusOf(() -> root.protect(Vmar.PERM_READ, PAGE, range))).isEqualTo(Status.NOT_FOUND);
        root.allocate(Vmar.CAN_MAP_READ | Vmar.CAN_MAP_WRITE | Vmar.SPECIFIC, MAPPING, MAPPING);
        assertThat(statusOf(() -> root.protect(Vmar.PERM_READ, PAGE, range))).isEqualTo(Status.NOT_FOUND);
        assertThat(root.maps()).extracting(MapEntry::perms).as("nothing changed").containsExactly(0, RW, 0, RW);
    }

    /**
     * vmar.cc {@code RightsDropTest}: a VMAR handle with fewer rights maps, protects and allocates
     * only within them (ACCESS_DENIED otherwise, {@code vmar_allocate.md}, {@code vmar_protect.md}).
     */
    @Test
    void rightsDropTest_aVmarHandleLimitsMapProtectAndAllocate() {
        Vmar vmar = Vmar.createRoot(64 * PAGE);
        Vmo vmo = Vmo.create(PAGE);
        int[][] cases = {{Rights.READ, Vmar.PERM_READ}, {Rights.READ | Rights.WRITE, RW},
            {Rights.READ | Rights.EXECUTE, Vmar.PERM_READ | Vmar.PERM_EXECUTE}};
        for (int[] c : cases) {
            Vmar dropped = vmar.duplicate(c[0]);
            assertThat(statusOf(() -> dropped.map(RWX, 0, vmo, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
            long at = dropped.map(c[1], 0, vmo, 0, PAGE);
            assertThat(statusOf(() -> dropped.protect(RWX, at, PAGE))).isEqualTo(Status.ACCESS_DENIED);
            dropped.unmap(at, PAGE);
            assertThat(statusOf(() -> dropped.allocate(CAN_MAP_RWX, 0, 10 * PAGE))).isEqualTo(Status.ACCESS_DENIED);
            Vmar sub = dropped.allocate(c[1] << 7, 0, 10 * PAGE);
            assertThat(sub.rights() & (Rights.READ | Rights.WRITE | Rights.EXECUTE)).isEqualTo(c[0]);
            sub.destroy();
        }
        // A mapping made through the full handle cannot be raised through a handle without WRITE.
        long at = vmar.map(RW, 0, vmo, 0, PAGE);
        vmar.protect(Vmar.PERM_READ, at, PAGE);
        Vmar readOnly = vmar.duplicate(Rights.READ);
        assertThat(statusOf(() -> readOnly.protect(RW, at, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        vmar.protect(RW, at, PAGE);
        // A sub-region without CAN_MAP_WRITE gets a handle without WRITE.
        assertThat(vmar.allocate(Vmar.CAN_MAP_READ, 0, PAGE).rights() & Rights.WRITE).isZero();
    }

    /** vmar.cc {@code InvalidArgsTest}: a sub-region's size must be a positive multiple of the page size. */
    @Test
    void invalidArgsTest_allocateSizeMustBePageAligned() {
        Vmar root = Vmar.createRoot(64 * PAGE);
        assertThat(statusOf(() -> root.allocate(Vmar.CAN_MAP_READ, 0, 4 * PAGE - 1))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.allocate(Vmar.CAN_MAP_READ, 0, PAGE + 1))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> root.allocate(Vmar.CAN_MAP_READ, 0, 0))).isEqualTo(Status.INVALID_ARGS);
        assertThat(root.maps()).hasSize(1);
        assertThat(root.allocate(Vmar.CAN_MAP_READ, 0, 4 * PAGE).size()).isEqualTo(4 * PAGE);
    }
}
