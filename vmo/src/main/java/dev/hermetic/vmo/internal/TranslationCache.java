package dev.hermetic.vmo.internal;

/** A cache of address translations over a root VMAR that must forget ranges when told. */
public interface TranslationCache {
    /** Forgets every translation of addresses in [from, to); called by a holder of a page store's or the address space's lock, on any thread. */
    void invalidate(long from, long to);
}
