package dev.hermetic.vmo;

/** Handle rights, with Zircon's bit values ({@code ZX_RIGHT_*}). */
public final class Rights {
    public static final int NONE = 0;
    public static final int DUPLICATE = 1;
    public static final int TRANSFER = 1 << 1;
    public static final int READ = 1 << 2;
    public static final int WRITE = 1 << 3;
    public static final int EXECUTE = 1 << 4;
    public static final int MAP = 1 << 5;
    public static final int GET_PROPERTY = 1 << 6;
    public static final int SET_PROPERTY = 1 << 7;
    public static final int INSPECT = 1 << 15;
    /**
     * May change the VMO's size. Zircon expresses this as "resizable VMO plus WRITE"; a separate
     * bit lets a handle to a resizable VMO be attenuated to a fixed size.
     */
    public static final int RESIZE = 1 << 24;
    /** For {@code duplicate}: keep the rights of the original handle. */
    public static final int SAME_RIGHTS = 1 << 31;

    /** Rights of a fresh VMO handle ({@code RESIZE} is added when the VMO is resizable). */
    public static final int DEFAULT_VMO = DUPLICATE | TRANSFER | READ | WRITE | EXECUTE | MAP
            | GET_PROPERTY | SET_PROPERTY | INSPECT;
    /** Rights of a fresh root VMAR handle. */
    public static final int DEFAULT_VMAR = DUPLICATE | TRANSFER | READ | WRITE | EXECUTE | INSPECT;

    private Rights() {
    }

    /** True when {@code have} holds every bit of {@code need}. */
    public static boolean has(int have, int need) {
        return (have & need) == need;
    }
}
