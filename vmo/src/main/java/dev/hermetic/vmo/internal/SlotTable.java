package dev.hermetic.vmo.internal;

import java.util.Arrays;

/**
 * A page store's own slots by page index, held in chunks of {@link #CHUNK} slots made on the
 * first set within them. A clone that writes a few hundred pages scattered over a base of
 * tens of thousands holds a few chunks and a short chunk index, not a slot per page of its
 * base (a flat array was 64 KiB of every classifier clone's heap). Not thread-safe: the
 * store's lock guards it.
 */
final class SlotTable {
    private static final int SHIFT = 4;
    /** Slots per chunk: 16 references, 80 bytes with compressed oops and the header. */
    static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;
    private static final Page[][] NONE = new Page[0][];

    /** Chunk c holds slots [c * CHUNK, (c + 1) * CHUNK); null while none of them was set. */
    private Page[][] chunks = NONE;

    /** The slot at {@code index}; null when unset. */
    Page get(long index) {
        long c = index >>> SHIFT;
        if (c >= chunks.length) {
            return null;
        }
        Page[] chunk = chunks[(int) c];
        return chunk == null ? null : chunk[(int) index & MASK];
    }

    /**
     * Sets the slot at {@code index}; {@code limit} (at least {@code index + 1}) bounds how far
     * the chunk index may grow past it, so a store that writes within its base holds no index
     * past the base.
     */
    void set(long index, Page p, long limit) {
        int c = (int) (index >>> SHIFT);
        if (c >= chunks.length) {
            if (p == null) {
                return;
            }
            long wanted = Math.max(c + 1L, Math.min(2L * chunks.length, (limit + MASK) >>> SHIFT));
            chunks = Arrays.copyOf(chunks, (int) wanted);
        }
        Page[] chunk = chunks[c];
        if (chunk == null) {
            if (p == null) {
                return;
            }
            chunk = chunks[c] = new Page[CHUNK];
        }
        chunk[(int) index & MASK] = p;
    }

    /** One past the highest index a slot may be set at: a bound for walks, not the last slot set. */
    long extent() {
        return (long) chunks.length << SHIFT;
    }

    /** One past the highest index whose slot is set; 0 when none is. */
    long end() {
        for (int c = chunks.length - 1; c >= 0; c--) {
            Page[] chunk = chunks[c];
            if (chunk != null) {
                for (int i = MASK; i >= 0; i--) {
                    if (chunk[i] != null) {
                        return ((long) c << SHIFT) + i + 1;
                    }
                }
            }
        }
        return 0;
    }

    /** The slots [0, length) as one array. */
    Page[] toArray(int length) {
        Page[] out = new Page[length];
        for (int c = 0; c < chunks.length && ((long) c << SHIFT) < length; c++) {
            Page[] chunk = chunks[c];
            if (chunk != null) {
                int from = c << SHIFT;
                System.arraycopy(chunk, 0, out, from, Math.min(CHUNK, length - from));
            }
        }
        return out;
    }

    /** Calls {@code each} for every set slot, in index order. */
    void forEachSet(SlotVisitor each) {
        for (int c = 0; c < chunks.length; c++) {
            Page[] chunk = chunks[c];
            if (chunk != null) {
                for (int i = 0; i < CHUNK; i++) {
                    if (chunk[i] != null) {
                        each.visit(((long) c << SHIFT) + i, chunk[i]);
                    }
                }
            }
        }
    }

    /** Unsets every slot and lets the chunks go. */
    void clear() {
        chunks = NONE;
    }

    interface SlotVisitor {
        void visit(long index, Page page);
    }
}
