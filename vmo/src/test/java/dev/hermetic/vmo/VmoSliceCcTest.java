package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static dev.hermetic.vmo.Bytes.readBytes;
import static dev.hermetic.vmo.Bytes.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Zircon's {@code zircon/system/utest/core/vmo/vmo-slice.cc}, test by test where this module differed. */
class VmoSliceCcTest {
    /**
     * vmo-slice.cc {@code NonSlice}: a slice reaching past the end of a resizable parent is
     * INVALID_ARGS; the range is checked before the parent's resizability (NOT_SUPPORTED).
     */
    @Test
    void nonSlice_pastTheEndOfAResizableParentIsInvalidArgs() {
        Vmo vmo = Vmo.builder(2 * PAGE).withResizable(true).build();
        assertThat(statusOf(() -> vmo.createChild(Vmo.SLICE, 0, 3 * PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> vmo.createChild(Vmo.SLICE, PAGE, 2 * PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> vmo.createChild(Vmo.SLICE, 2 * PAGE, PAGE))).isEqualTo(Status.INVALID_ARGS);
        assertThat(statusOf(() -> vmo.createChild(Vmo.SLICE, 0, Long.MAX_VALUE))).isEqualTo(Status.OUT_OF_RANGE);
        // NonResizable: a slice that fits is refused for the resizable parent.
        assertThat(statusOf(() -> vmo.createChild(Vmo.SLICE, 0, PAGE))).isEqualTo(Status.NOT_SUPPORTED);
        assertThat(vmo.info().children()).isZero();
    }

    /**
     * vmo-slice.cc {@code AttributedCounts}: the parent's committed pages are attributed to the
     * parent, none to the slice, even after the parent's handle is closed; the slice still reads them.
     */
    @Test
    void attributedCounts_aSliceIsAttributedNothing() {
        Vmo vmo = Vmo.create(PAGE);
        vmo.write(new byte[] {42}, 0);
        Vmo slice = vmo.createChild(Vmo.SLICE, 0, PAGE);
        assertThat(readBytes(slice, 0, 1)).containsExactly(42);
        assertThat(vmo.info().committedBytes()).isEqualTo(PAGE);
        VmoInfo info = slice.info();
        assertThat(new long[] {info.committedBytes(), info.privateBytes(), info.sharedBytes(), info.scaledBytes(),
            info.fractionalScaledBytes()}).containsOnly(0L);
        vmo.close();
        assertThat(slice.info().committedBytes()).isZero();
        assertThat(readBytes(slice, 0, 1)).containsExactly(42);
    }
}
