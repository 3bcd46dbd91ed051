package dev.hermetic.vmo;

/**
 * A VMO's info (like {@code ZX_INFO_VMO}), with RFC-0254-style attribution: a committed page
 * is private when one page store sees it (a VMO and its slices share a store) and shared
 * otherwise; scaled bytes divide each page by the number of stores that see it, summed
 * exactly and reported as RFC-0254 does, an integral part and a fractional part in 63-bit
 * fixed point. A store sees a page it holds, and a frozen page beneath an empty slot of its
 * own. A slice is attributed nothing: its pages are its parent's (vmo-slice.cc
 * {@code AttributedCounts}).
 *
 * @param koid the VMO's koid
 * @param parentKoid the koid of the VMO it was created from, 0 if none
 * @param name the VMO's name
 * @param size size in bytes, a multiple of 4 KiB
 * @param contentSize bytes of content as created or last resized
 * @param resizable whether {@code setSize} works on it
 * @param slice whether it is a slice of its parent
 * @param children live children
 * @param mappings live mappings
 * @param shareCount distinct address spaces mapping it
 * @param committedBytes bytes of committed pages in its range
 * @param privateBytes committed bytes of pages its store alone sees
 * @param sharedBytes committed bytes of pages shared with other stores
 * @param scaledBytes the integral part of: private bytes plus each shared page divided by its sharers
 * @param fractionalScaledBytes the fractional part of that sum in units of {@code 2^-63} byte
 *     ({@code 2^63} would be a whole byte), rounded up, so in [0, 2^63): summed over every VMO
 *     sharing a set of pages, the integral parts plus the fractional parts (a byte per
 *     {@code 2^63}) give exactly their committed bytes
 * @param handleRights the rights of the handle the info was read through
 */
public record VmoInfo(long koid, long parentKoid, String name, long size, long contentSize, boolean resizable,
        boolean slice, int children, int mappings, int shareCount, long committedBytes, long privateBytes,
        long sharedBytes, long scaledBytes, long fractionalScaledBytes, int handleRights) {
}
