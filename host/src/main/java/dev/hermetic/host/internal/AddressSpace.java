package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Vmar;
import dev.hermetic.vmo.Vmo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The layout of a {@link VmoMemory}'s address space: a root {@link Vmar} of exactly its
 * maximum size, over which are mapped fresh zero-page VMOs (one per {@code memory.grow}), a
 * copy-on-write child of the module's image or of each of a snapshot's regions, and the spans
 * the host maps over them. It knows which VMOs are the memory's own (it made them, charged to
 * its budget, and closes them) and which are foreign (the caller's span VMOs). Not thread-safe,
 * as its memory.
 */
final class AddressSpace {
    private static final int WASM_PAGE = Memory.PAGE_SIZE;

    /** Exactly {@code maximumPages * 64 KiB} bytes, so no access can land past it. */
    private final Vmar root;
    /** Charged for every page any of the memory's own VMOs commits; null means unlimited. Replaced by {@link #reset}. */
    private MemoryBudget budget;
    /** Every VMO this space created; closed on {@link #release}, {@link #reset} and {@link #replaceWithFreshPages}. */
    private final List<Vmo> owned = new ArrayList<>();
    /**
     * Whether the space holds anything but its own zero pages: spans mapped over it, or the
     * image's copy-on-write child (which reads as the image while committing nothing).
     */
    private boolean foreignPagesMapped;

    /**
     * @param maximumPages the memory's maximum size in Wasm pages
     * @param budget the committed-bytes quota, or null for none
     */
    AddressSpace(int maximumPages, MemoryBudget budget) {
        this.root = Vmar.createRoot(Math.max(1L, (long) maximumPages) * WASM_PAGE);
        this.budget = budget;
    }

    /** The root VMAR, which the memory reads and writes through. */
    Vmar root() {
        return root;
    }

    /** The koids of the VMOs this space made, as they are now: the memory's own pages, not the spans'. */
    Set<Long> ownKoids() {
        Set<Long> koids = new HashSet<>();
        owned.forEach(v -> koids.add(v.koid()));
        return koids;
    }

    /** Maps zero pages over Wasm pages [from, from + count); zero pages commit nothing. */
    void mapFreshPages(int from, int count) {
        if (count > 0) {
            long bytes = (long) count * WASM_PAGE;
            Vmo.Builder b = Vmo.builder(bytes).withName("wasm-memory");
            if (budget != null) {
                b.withBudget(budget);
            }
            Vmo fresh = b.build();
            owned.add(fresh);
            root.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC_OVERWRITE, (long) from * WASM_PAGE, fresh, 0, bytes);
        }
    }

    /** Maps a copy-on-write child of {@code image} at 0, over the pages there; it copies nothing. */
    void mapImage(MemoryImage image) {
        if (image.bytes() > 0) {
            Vmo child = image.cloneForProcess(budget);
            owned.add(child);
            foreignPagesMapped = true;
            root.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC_OVERWRITE, 0, child, 0, image.bytes());
        }
    }

    /** Maps a copy-on-write child of each of {@code snapshot}'s regions, charged to {@link #budget}. */
    void mapClonesOf(MemorySnapshot snapshot) {
        for (MemorySnapshot.Region r : snapshot.regions()) {
            Vmo child = r.vmo().createChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, r.length(), budget);
            owned.add(child);
            // Spans come after the memory's own region and are mapped over it.
            root.map(r.perms() | Vmar.SPECIFIC_OVERWRITE, r.address(), child, 0, r.length());
        }
    }

    /** Maps {@code len} bytes of {@code vmo} at {@code address}, replacing what was there. */
    void mapOver(int address, Vmo vmo, long vmoOffset, long len, boolean writable) {
        foreignPagesMapped = true;
        int perms = Vmar.PERM_READ | (writable ? Vmar.PERM_WRITE : 0);
        root.map(perms | Vmar.SPECIFIC_OVERWRITE, Integer.toUnsignedLong(address), vmo, vmoOffset, len);
    }

    /**
     * Removes every mapping, closes every VMO this space made (their pages and charges go), and
     * maps a fresh copy-on-write child of each of {@code snapshot}'s regions, charged to
     * {@code newBudget}.
     */
    void reset(MemorySnapshot snapshot, MemoryBudget newBudget) {
        root.unmap(0, root.size());
        closeOwned();
        budget = newBudget;
        mapClonesOf(snapshot);
    }

    /** Whether every page is one of this space's own that nothing has written: all read as zero. */
    boolean onlyUnwrittenPages() {
        if (foreignPagesMapped) {
            return false;
        }
        for (Vmo v : owned) {
            if (v.info().committedBytes() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Maps fresh zero pages over Wasm pages [0, pages), closing the VMOs they replace: nothing is written, nothing committed. */
    void replaceWithFreshPages(int pages) {
        List<Vmo> replaced = List.copyOf(owned);
        owned.clear();
        mapFreshPages(0, pages);
        foreignPagesMapped = false;
        for (Vmo v : replaced) {
            v.close();
        }
    }

    /** Unmaps everything and closes the VMOs this space made; the caller's span VMOs stay open. */
    void release() {
        root.destroy();
        closeOwned();
    }

    private void closeOwned() {
        for (Vmo v : owned) {
            v.close();
        }
        owned.clear();
    }
}
