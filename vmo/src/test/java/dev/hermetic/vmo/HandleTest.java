package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HandleTest {
    @Test
    void statusesCarryZirconNumbers() {
        assertThat(Status.OK.code()).isZero();
        assertThat(Status.NO_MEMORY.code()).isEqualTo(-4);
        assertThat(Status.INVALID_ARGS.code()).isEqualTo(-10);
        assertThat(Status.BAD_HANDLE.code()).isEqualTo(-11);
        assertThat(Status.WRONG_TYPE.code()).isEqualTo(-12);
        assertThat(Status.OUT_OF_RANGE.code()).isEqualTo(-14);
        assertThat(Status.BAD_STATE.code()).isEqualTo(-20);
        assertThat(Status.NOT_FOUND.code()).isEqualTo(-25);
        assertThat(Status.ALREADY_EXISTS.code()).isEqualTo(-26);
        assertThat(Status.ACCESS_DENIED.code()).isEqualTo(-30);
        assertThat(Status.ofCode(-30)).isEqualTo(Status.ACCESS_DENIED);
        assertThatThrownBy(() -> new ZxException(Status.OK, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void duplicateOnlyAttenuates() {
        try (Vmo vmo = Vmo.create(PAGE)) {
            Vmo readOnly = vmo.duplicate(Rights.READ | Rights.DUPLICATE);
            assertThat(readOnly.rights()).isEqualTo(Rights.READ | Rights.DUPLICATE);
            assertThat(readOnly.koid()).isEqualTo(vmo.koid());
            assertThat(statusOf(() -> readOnly.duplicate(Rights.READ | Rights.WRITE))).isEqualTo(Status.INVALID_ARGS);
            assertThat(statusOf(() -> readOnly.write(new byte[1], 0))).isEqualTo(Status.ACCESS_DENIED);
            Vmo noDup = readOnly.duplicate(Rights.READ);
            assertThat(statusOf(() -> noDup.duplicate(Rights.SAME_RIGHTS))).isEqualTo(Status.ACCESS_DENIED);
            assertThat(statusOf(() -> noDup.createChild(Vmo.SNAPSHOT, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
            assertThat(noDup.info().koid()).as("ZX_INFO_VMO needs no right").isEqualTo(vmo.koid());
            vmo.write(new byte[] {7}, 0);
            byte[] one = new byte[1];
            noDup.read(one, 0);
            assertThat(one[0]).isEqualTo((byte) 7);
            assertThat(vmo.duplicate(Rights.SAME_RIGHTS).rights()).isEqualTo(vmo.rights());
        }
    }

    @Test
    void closedHandleIsBadHandleAndOtherHandlesKeepWorking() {
        Vmo vmo = Vmo.create(PAGE);
        Vmo dup = vmo.duplicate(Rights.SAME_RIGHTS);
        vmo.write(new byte[] {1, 2, 3}, 0);
        vmo.close();
        vmo.close();
        assertThat(statusOf(() -> vmo.read(new byte[1], 0))).isEqualTo(Status.BAD_HANDLE);
        assertThat(statusOf(vmo::size)).isEqualTo(Status.BAD_HANDLE);
        assertThat(statusOf(vmo::rights)).isEqualTo(Status.BAD_HANDLE);
        assertThat(Bytes.readBytes(dup, 0, 3)).containsExactly(1, 2, 3);
        Vmar vmar = Vmar.createRoot(16 * PAGE);
        assertThat(statusOf(() -> vmar.map(Vmar.PERM_READ, 0, vmo, 0, PAGE))).isEqualTo(Status.BAD_HANDLE);
        vmar.close();
        assertThat(statusOf(() -> vmar.map(Vmar.PERM_READ, 0, dup, 0, PAGE))).isEqualTo(Status.BAD_HANDLE);
    }

    @Test
    void wrongObjectTypeIsWrongType() {
        Handle vmo = Vmo.create(PAGE);
        Handle vmar = Vmar.createRoot(PAGE);
        assertThat(vmo.asVmo()).isSameAs(vmo);
        assertThat(vmar.asVmar()).isSameAs(vmar);
        assertThat(statusOf(vmo::asVmar)).isEqualTo(Status.WRONG_TYPE);
        assertThat(statusOf(vmar::asVmo)).isEqualTo(Status.WRONG_TYPE);
    }

    @Test
    void mapChecksHandleRights() {
        Vmar vmar = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(PAGE);
        Vmo readOnly = vmo.duplicate(Rights.READ | Rights.MAP);
        assertThat(statusOf(() -> vmar.map(Vmar.PERM_READ | Vmar.PERM_WRITE, 0, readOnly, 0, PAGE)))
                .isEqualTo(Status.ACCESS_DENIED);
        Vmo noMap = vmo.duplicate(Rights.READ | Rights.WRITE);
        assertThat(statusOf(() -> vmar.map(Vmar.PERM_READ, 0, noMap, 0, PAGE))).isEqualTo(Status.ACCESS_DENIED);
        Vmo noExec = vmo.duplicate(Rights.READ | Rights.MAP);
        assertThat(statusOf(() -> vmar.map(Vmar.PERM_READ | Vmar.PERM_EXECUTE, 0, noExec, 0, PAGE)))
                .isEqualTo(Status.ACCESS_DENIED);
        assertThat(vmar.map(Vmar.PERM_READ, 0, readOnly, 0, PAGE)).isZero();
        assertThat(vmar.map(Vmar.PERM_READ | Vmar.PERM_EXECUTE, 0, vmo, 0, PAGE)).isEqualTo(PAGE);
        assertThat(statusOf(() -> vmar.protect(Vmar.PERM_READ | Vmar.PERM_WRITE, 0, PAGE)))
                .isEqualTo(Status.ACCESS_DENIED);
    }
}
