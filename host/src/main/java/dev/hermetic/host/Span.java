package dev.hermetic.host;

import dev.hermetic.vmo.Vmo;
import java.util.Objects;

/**
 * A range of a {@link Vmo} mapped into a process's linear memory and passed to
 * {@code engine_start} as two i32 arguments, {@code (ptr, len)}. A read-only span traps on write.
 *
 * <p>The engine sees exactly the range, whatever its alignment. The span occupies the 4 KiB
 * pages of linear memory from the one holding its first byte to the one holding its last, and
 * {@code ptr % 4096 == offset % 4096}. A page the range covers whole is the caller's page,
 * mapped with no copy. A page the range covers only in part (the first when {@code offset} is
 * not a multiple of 4 KiB, the last when the range does not end on one) is a private page of
 * the process: at start it holds the range's bytes at their place and zeros around them, so no
 * byte of the VMO outside the range is visible. For a writable span, when the process ends
 * (however it ends) the host copies exactly the range's part of each private page back into
 * the VMO; what the engine wrote around the range on those pages is discarded. Whole pages are
 * live: the host reads and writes span VMOs only before start and after the end, and so should
 * the caller.
 *
 * <p>An immutable value, safe to share; it does not own its VMO. Keep the VMO open from start
 * until the process ends (or, for a {@link WarmProcess}, until the call returns).
 *
 * @param vmo the memory object the range belongs to; the caller keeps ownership
 * @param offset where the range starts in the VMO; non-negative
 * @param length the range's length in bytes; at most 2 GiB, and the range lies inside the VMO
 * @param writable whether the engine may write it
 */
public record Span(Vmo vmo, long offset, int length, boolean writable) implements Arg {

    public static final int PAGE_SIZE = 4096;

    public Span {
        Objects.requireNonNull(vmo, "vmo");
        if (offset < 0) {
            throw new IllegalArgumentException("span offset must be non-negative: " + offset);
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

    /** Where the range starts inside its first page: {@code ptr} is that far past a page boundary. */
    public int pageOffset() {
        return (int) (offset & (PAGE_SIZE - 1));
    }

    /** Bytes of whole 4 KiB pages the span occupies in linear memory; 0 for an empty span. */
    public long mappedBytes() {
        return length == 0 ? 0 : ((long) pageOffset() + length + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
