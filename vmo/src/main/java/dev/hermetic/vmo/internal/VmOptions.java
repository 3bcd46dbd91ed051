package dev.hermetic.vmo.internal;

/** VMAR option bits, with Zircon's values ({@code ZX_VM_*}) where Zircon defines them. */
public final class VmOptions {
    public static final int PERM_READ = 1;
    public static final int PERM_WRITE = 1 << 1;
    public static final int PERM_EXECUTE = 1 << 2;
    public static final int SPECIFIC = 1 << 4;
    public static final int SPECIFIC_OVERWRITE = 1 << 5;
    public static final int CAN_MAP_SPECIFIC = 1 << 6;
    public static final int CAN_MAP_READ = 1 << 7;
    public static final int CAN_MAP_WRITE = 1 << 8;
    public static final int CAN_MAP_EXECUTE = 1 << 9;
    public static final int ALLOW_FAULTS = 1 << 12;
    /** RFC-0013's flag; the RFC was never shipped, so the bit is this module's choice. */
    public static final int CANNOT_CREATE_VMO_CHILD = 1 << 20;

    static final int PERMS = PERM_READ | PERM_WRITE | PERM_EXECUTE;
    static final int CAN_MAP = CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_EXECUTE | CAN_MAP_SPECIFIC;

    private VmOptions() {
    }

    /** The CAN_MAP_* bits that permit mapping with {@code perms}. */
    static int canMapFor(int perms) {
        return ((perms & PERMS) << 7);
    }
}
