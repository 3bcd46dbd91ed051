package dev.hermetic.vmo.internal;

/**
 * The pages of a store frozen when it was first cloned whole: Zircon's hidden parent, kept one
 * level deep. The store and each of its whole clones are based on it and see page {@code i}
 * beneath their own slot {@code i} while that slot is empty, so a further whole clone of a
 * store with no own slots is one more base and copies nothing. Guarded by {@link Kernel#LOCK}.
 */
final class FrozenPages {
    /**
     * Pages by index; null reads as zero. A page changes only when it leaves: a base that is
     * the only one still seeing it takes it over on write, and the slot becomes null.
     */
    final Page[] pages;
    /** Live stores based on these pages; at 0 every page is unshared and this is dropped. */
    int bases;
    /** Per index: bases whose own slot there is set (a page or a hole), hiding the page beneath. */
    final int[] shadowed;

    /** Takes over the caller's reference to every page in {@code pages}. */
    FrozenPages(Page[] pages) {
        this.pages = pages;
        this.shadowed = new int[pages.length];
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null) {
                pages[i].addRun(this, i);
            }
        }
    }

    /** Bases that see page {@code index} of this run. */
    int visible(int index) {
        return bases - shadowed[index];
    }

    /** Lets go of page {@code index} once no base sees it, as the flat page tree would. */
    void releaseIfUnseen(int index) {
        Page p = pages[index];
        if (p != null && visible(index) == 0) {
            pages[index] = null;
            p.removeRun(this, index);
            PageStore.unshare(p);
        }
    }

    /** Called when a base goes (after its own slots stopped counting): lets go of what no base sees now. */
    void baseGone() {
        bases--;
        for (int i = 0; i < pages.length; i++) {
            releaseIfUnseen(i);
        }
    }
}
