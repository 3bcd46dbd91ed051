package dev.hermetic.vmo;

/**
 * One entry of {@link Vmar#maps()}, shaped like {@code zx_info_maps_t}: a VMAR or a mapping,
 * listed depth-first by address, with {@code ZX_INFO_PROCESS_MAPS}'s depths: a root VMAR is at
 * depth 1 (the address space itself would be 0; without a process it is not listed), each
 * region's children one deeper.
 *
 * @param type VMAR or MAPPING
 * @param name the VMO's name for a mapping, {@code "vmar:<koid>"} for a VMAR
 * @param base absolute address
 * @param size bytes
 * @param depth nesting depth
 * @param perms PERM_* bits of a mapping, 0 for a VMAR
 * @param vmoKoid the mapped VMO's koid, 0 for a VMAR
 * @param vmoOffset offset in the VMO of the mapping's first byte
 * @param committedPages committed pages of the VMO under the mapping
 */
public record MapEntry(Type type, String name, long base, long size, int depth, int perms, long vmoKoid,
        long vmoOffset, long committedPages) {

    /** The kind of entry. */
    public enum Type { VMAR, MAPPING }

    public static MapEntry region(long koid, long base, long size, int depth) {
        return new MapEntry(Type.VMAR, "vmar:" + koid, base, size, depth, 0, 0, 0, 0);
    }

    public static MapEntry mapping(String name, long base, long size, int depth, int perms, long vmoKoid,
            long vmoOffset, long committedPages) {
        return new MapEntry(Type.MAPPING, name, base, size, depth, perms, vmoKoid, vmoOffset, committedPages);
    }
}
