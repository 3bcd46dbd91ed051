package dev.hermetic.vmo.internal;

/** Something that occupies an address range of a VMAR: a mapping or a sub-VMAR. */
sealed interface Region permits Mapping, VmarObject {
    long base();

    long size();

    default long end() {
        return base() + size();
    }
}
