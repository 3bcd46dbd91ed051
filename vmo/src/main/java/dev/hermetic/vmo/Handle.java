package dev.hermetic.vmo;

/**
 * A handle: a reference to a kernel object with a set of {@link Rights}. Closing the handle
 * releases the reference; the object lives on while other handles or mappings reference it.
 */
public abstract sealed class Handle implements AutoCloseable permits Vmo, Vmar {
    /** The rights of this handle; fixed at creation, a subset of its source's rights. */
    private final int rights;
    /** True once closed; then every operation fails with BAD_HANDLE. Guarded by {@link #lock()}. */
    private boolean closed;

    Handle(int rights) {
        this.rights = rights;
    }

    /**
     * The lock guarding the named object and this handle's state: a VMO's page store, a
     * VMAR's address space.
     */
    abstract Object lock();

    /** The koid of the object this handle names. */
    public abstract long koid();

    /** The rights of this handle. */
    public final int rights() {
        synchronized (lock()) {
            checkOpen();
            return rights;
        }
    }

    /** This handle as a VMO handle, or WRONG_TYPE. */
    public final Vmo asVmo() {
        if (this instanceof Vmo vmo) {
            return vmo;
        }
        throw new ZxException(Status.WRONG_TYPE, "the handle names a " + getClass().getSimpleName() + ", not a VMO");
    }

    /** This handle as a VMAR handle, or WRONG_TYPE. */
    public final Vmar asVmar() {
        if (this instanceof Vmar vmar) {
            return vmar;
        }
        throw new ZxException(Status.WRONG_TYPE, "the handle names a " + getClass().getSimpleName() + ", not a VMAR");
    }

    /** Closes the handle; closing it again does nothing. */
    @Override
    public final void close() {
        synchronized (lock()) {
            if (!closed) {
                closed = true;
                released();
            }
        }
    }

    /** Drops this handle's reference to its object; called once, under {@link #lock()}. */
    abstract void released();

    /** Fails with BAD_HANDLE when closed; call under {@link #lock()}. */
    final void checkOpen() {
        if (closed) {
            throw new ZxException(Status.BAD_HANDLE, "the handle is closed");
        }
    }

    /** Fails with BAD_HANDLE when closed or ACCESS_DENIED without {@code needed}; under {@link #lock()}. */
    final void require(int needed) {
        checkOpen();
        if (!Rights.has(rights, needed)) {
            throw new ZxException(Status.ACCESS_DENIED,
                    "the handle lacks rights 0x" + Integer.toHexString(needed & ~rights));
        }
    }

    /** The rights of a duplicate: a subset of this handle's, or SAME_RIGHTS. */
    final int duplicateRights(int requested) {
        require(Rights.DUPLICATE);
        if (requested == Rights.SAME_RIGHTS) {
            return rights;
        }
        if ((requested & ~rights) != 0) {
            throw new ZxException(Status.INVALID_ARGS, "a duplicate cannot gain rights");
        }
        return requested;
    }

    final int rawRights() {
        return rights;
    }
}
