package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.readBytes;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * RFC-0013 ({@code docs/contribute/governance/rfcs/0013_*}), where its text left a choice; the
 * choices are explained in vmo/README.md.
 */
class Rfc0013Test {
    /**
     * The RFC adds EXECUTE "if the mapping was executable and NO_WRITE was not specified" and
     * then concludes "executable clones ... must be read-only". This module follows the
     * conclusion, which is also {@code vmo_create_child}'s rule: EXECUTE only with NO_WRITE.
     */
    @Test
    void onlyANoWriteChildOfAnExecutableMappingIsExecutable() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        long code = root.map(Vmar.PERM_READ | Vmar.PERM_EXECUTE, 0, Vmo.create(PAGE), 0, PAGE);
        long data = root.map(Vmar.PERM_READ | Vmar.PERM_WRITE, 0, Vmo.create(PAGE), 0, PAGE);
        Vmo writable = root.createVmoChild(Vmo.SNAPSHOT, code, PAGE);
        assertThat(writable.rights() & (Rights.WRITE | Rights.EXECUTE)).isEqualTo(Rights.WRITE);
        Vmo readOnly = root.createVmoChild(Vmo.SNAPSHOT | Vmo.NO_WRITE, code, PAGE);
        assertThat(readOnly.rights() & (Rights.WRITE | Rights.EXECUTE)).isEqualTo(Rights.EXECUTE);
        Vmo dataCopy = root.createVmoChild(Vmo.SNAPSHOT | Vmo.NO_WRITE, data, PAGE);
        assertThat(dataCopy.rights() & (Rights.WRITE | Rights.EXECUTE)).isZero();
        // The read-only executable clone maps executable, as a zygote maps code.
        Vmar clone = Vmar.createRoot(16 * PAGE);
        clone.map(Vmar.PERM_READ | Vmar.PERM_EXECUTE | Vmar.SPECIFIC, code, readOnly, 0, PAGE);
    }

    /**
     * The RFC refuses a VMAR handle without INSPECT and a mapping or region made with
     * CANNOT_CREATE_VMO_CHILD, nothing else: a mapping made through a VMO handle without INSPECT
     * is cloned (a zygote clones mappings whose handles are long gone).
     */
    @Test
    void aMappingMadeThroughAVmoHandleWithoutInspectIsCloned() {
        Vmar root = Vmar.createRoot(16 * PAGE);
        Vmo vmo = Vmo.create(PAGE);
        vmo.write(new byte[] {7}, 0);
        Vmo opaque = vmo.duplicate(Rights.READ | Rights.MAP);
        long at = root.map(Vmar.PERM_READ, 0, opaque, 0, PAGE);
        opaque.close();
        Vmo child = root.createVmoChild(Vmo.SNAPSHOT, at, PAGE);
        assertThat(readBytes(child, 0, 1)).containsExactly(7);
    }
}
