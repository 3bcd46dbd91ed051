package dev.hermetic.vmo;

/** The module's one exception type: an operation failed with a Zircon {@link Status}. */
public class ZxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Never {@link Status#OK}: an exception always reports a failure. */
    private final Status status;

    public ZxException(Status status, String message) {
        super(status + " (" + status.code() + "): " + message);
        if (status == Status.OK) {
            throw new IllegalArgumentException("a ZxException cannot carry OK");
        }
        this.status = status;
    }

    /** The Zircon status of the failure. */
    public Status status() {
        return status;
    }
}
