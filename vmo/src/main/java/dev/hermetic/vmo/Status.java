package dev.hermetic.vmo;

/** Zircon status codes, with Zircon's names and numbers. */
public enum Status {
    OK(0),
    INTERNAL(-1),
    NOT_SUPPORTED(-2),
    NO_RESOURCES(-3),
    NO_MEMORY(-4),
    INVALID_ARGS(-10),
    BAD_HANDLE(-11),
    WRONG_TYPE(-12),
    BAD_SYSCALL(-13),
    OUT_OF_RANGE(-14),
    BUFFER_TOO_SMALL(-15),
    BAD_STATE(-20),
    TIMED_OUT(-21),
    SHOULD_WAIT(-22),
    CANCELED(-23),
    PEER_CLOSED(-24),
    NOT_FOUND(-25),
    ALREADY_EXISTS(-26),
    ALREADY_BOUND(-27),
    UNAVAILABLE(-28),
    ACCESS_DENIED(-30),
    IO(-40),
    BAD_PATH(-50),
    STOP(-61);

    /** The Zircon number: zero for OK, negative for every error. */
    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The Zircon number of this status ({@code ZX_ERR_INVALID_ARGS} is -10). */
    public int code() {
        return code;
    }

    /** The status with this Zircon number; {@link #INTERNAL} for a number Zircon does not define. */
    public static Status ofCode(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return INTERNAL;
    }
}
