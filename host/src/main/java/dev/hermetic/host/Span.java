package dev.hermetic.host;

import dev.hermetic.vmo.Vmo;
import java.util.Objects;

/**
 * A range of a {@link Vmo} mapped into a process's linear memory and passed to
 * {@code engine_start} as two i32 arguments, {@code (ptr, len)}. A read-only span traps on write.
 *
 * @param vmo the memory object the range belongs to; the caller keeps ownership
 * @param offset where the range starts in the VMO; a multiple of 4 KiB, so the mapping shares pages
 * @param length the range's length in bytes; at most 2 GiB, and the range lies inside the VMO
 * @param writable whether the engine may write it
 */
public record Span(Vmo vmo, long offset, int length, boolean writable) implements Arg {

    public static final int PAGE_SIZE = 4096;

    public Span {
        Objects.requireNonNull(vmo, "vmo");
        if (offset < 0 || offset % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("span offset must be a non-negative multiple of 4096: " + offset);
        }
        if (length < 0) {
            throw new IllegalArgumentException("span length must be non-negative: " + length);
        }
        // Past the VMO's end a mapping has no pages: the engine would trap on bytes it was promised.
        if (offset + length > vmo.size()) {
            throw new IllegalArgumentException("span [" + offset + ", " + (offset + length)
                    + ") runs past the end of its " + vmo.size() + "-byte VMO");
        }
    }

    public static Span readOnly(Vmo vmo, long offset, int length) {
        return new Span(vmo, offset, length, false);
    }

    public static Span writable(Vmo vmo, long offset, int length) {
        return new Span(vmo, offset, length, true);
    }

    /** The span's length rounded up to whole 4 KiB pages. */
    public long mappedBytes() {
        return ((long) length + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
