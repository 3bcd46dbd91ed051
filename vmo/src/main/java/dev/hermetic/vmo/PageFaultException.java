package dev.hermetic.vmo;

/** An access through a {@link VmarView} that the address space does not allow. */
public final class PageFaultException extends ZxException {
    private static final long serialVersionUID = 1L;

    /** Why an access faulted. */
    public enum Kind {
        /** No mapping covers the address, or the mapping lies beyond the end of its VMO. */
        NOT_MAPPED,
        /** The mapping lacks {@code PERM_READ}. */
        NOT_READABLE,
        /** The mapping lacks {@code PERM_WRITE}. */
        NOT_WRITABLE
    }

    /** Why the access was refused. */
    private final Kind kind;
    /** The first byte address of the access that is not allowed (may be negative). */
    private final long address;

    public PageFaultException(Kind kind, long address) {
        super(kind == Kind.NOT_MAPPED ? Status.NOT_FOUND : Status.ACCESS_DENIED,
                "page fault " + kind + " at address " + address);
        this.kind = kind;
        this.address = address;
    }

    public Kind kind() {
        return kind;
    }

    public long address() {
        return address;
    }
}
