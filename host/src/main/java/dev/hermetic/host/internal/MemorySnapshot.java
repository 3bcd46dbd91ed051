package dev.hermetic.host.internal;

import dev.hermetic.vmo.Vmo;
import java.util.List;

/**
 * A linear memory frozen for cloning, as RFC-0013 has a zygote take it: one copy-on-write
 * child per mapping of the warm process's address space, made with
 * {@code zx_vmar_create_vmo_child}. The children are never written; each clone maps a child of
 * each, so pages are shared until a clone writes them.
 *
 * @param pages the memory's size in Wasm pages when it was frozen
 * @param regions the mappings, by address, covering every page below {@code pages}
 */
public record MemorySnapshot(int pages, List<Region> regions) implements AutoCloseable {

    /**
     * One mapping of the frozen address space.
     *
     * @param address where it is mapped
     * @param length its length in bytes, a multiple of 4 KiB
     * @param perms its {@code Vmar.PERM_*} bits
     * @param vmo the frozen pages: a copy-on-write child of what was mapped there
     */
    public record Region(long address, long length, int perms, Vmo vmo) {}

    public MemorySnapshot {
        regions = List.copyOf(regions);
    }

    /** Bytes of pages the frozen VMOs hold (shared pages counted in each that holds them). */
    public long committedBytes() {
        long total = 0;
        for (Region r : regions) {
            total += r.vmo().info().committedBytes();
        }
        return total;
    }

    /** Reads the frozen memory into one array, zeros where nothing is committed. */
    public byte[] read() {
        byte[] bytes = new byte[Math.multiplyExact(pages, com.dylibso.chicory.runtime.Memory.PAGE_SIZE)];
        for (Region r : regions) {
            long end = Math.min(r.address() + r.length(), bytes.length);
            if (r.address() < end) {
                r.vmo().read(bytes, (int) r.address(), (int) (end - r.address()), 0);
            }
        }
        return bytes;
    }

    /** Closes the frozen VMOs; clones already made keep their pages. */
    @Override
    public void close() {
        for (Region r : regions) {
            r.vmo().close();
        }
    }
}
