package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import dev.hermetic.vmo.MapEntry;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Vmar;
import dev.hermetic.vmo.Vmo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Freezes an {@link AddressSpace} for cloning (RFC-0013): a copy-on-write child of every
 * mapping, the memory's own pages merged into one VMO when they span several mappings.
 */
final class MemoryFreezer {
    private static final int WASM_PAGE = Memory.PAGE_SIZE;
    /** A VMO page: the unit a merged snapshot is scanned and written in. */
    private static final int VMO_PAGE = 4096;

    private MemoryFreezer() {}

    /**
     * A copy-on-write child of every mapping of {@code space}, each charged to {@code budget};
     * the space stays usable. When the memory's own pages span more than one mapping (every
     * {@code memory.grow} adds one), their committed pages are then copied into one VMO, once,
     * so that a clone maps one child instead of hundreds; mapped spans stay regions of their own.
     *
     * @param pages the memory's size in Wasm pages
     */
    static MemorySnapshot freeze(AddressSpace space, int pages, MemoryBudget budget) {
        Set<Long> ownKoids = space.ownKoids();
        Vmar root = space.root();
        List<MemorySnapshot.Region> own = new ArrayList<>();
        List<MemorySnapshot.Region> spans = new ArrayList<>();
        try {
            for (MapEntry e : root.maps()) {
                if (e.type() == MapEntry.Type.MAPPING) {
                    Vmo frozen = root.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, e.base(), e.size(), budget);
                    (ownKoids.contains(e.vmoKoid()) ? own : spans)
                            .add(new MemorySnapshot.Region(e.base(), e.size(), e.perms(), frozen));
                }
            }
            List<MemorySnapshot.Region> regions = new ArrayList<>(own.size() <= 1 ? own : List.of(merge(own, pages, budget)));
            regions.addAll(spans);
            return new MemorySnapshot(pages, regions);
        } catch (RuntimeException ex) {
            own.forEach(r -> r.vmo().close());
            spans.forEach(r -> r.vmo().close());
            throw ex;
        }
    }

    /** One VMO holding the non-zero pages of the memory's own regions, which it closes. */
    private static MemorySnapshot.Region merge(List<MemorySnapshot.Region> own, int pages, MemoryBudget budget) {
        long bytes = (long) pages * WASM_PAGE;
        Vmo merged = Vmo.builder(bytes).withName("snapshot").withBudget(budget).build();
        byte[] page = new byte[VMO_PAGE];
        for (MemorySnapshot.Region r : own) {
            for (long off = 0; off < r.length() && r.address() + off < bytes; off += page.length) {
                r.vmo().read(page, off);
                if (!allZero(page)) {
                    merged.write(page, r.address() + off);
                }
            }
        }
        own.forEach(r -> r.vmo().close());
        own.clear();
        return new MemorySnapshot.Region(0, bytes, Vmar.PERM_READ | Vmar.PERM_WRITE, merged);
    }

    private static boolean allZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
