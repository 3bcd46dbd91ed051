package dev.hermetic.host;

/**
 * The root of every error the host raises to its caller. An engine's own failure is a
 * {@link ProcessResult}, not an exception.
 *
 * <p>The hooks and vmo modules do not depend on the host, so their own exceptions
 * ({@link dev.hermetic.hooks.HookException}, {@link dev.hermetic.vmo.ZxException}) are wrapped
 * where they would cross into a host call: an unknown grant is an {@link UnknownHookException},
 * an unusable span VMO a {@link SpanRefusedException}, each with the module's exception as its
 * cause. Calls made on those modules directly ({@code Vmo.create}, {@code HookTable.builder})
 * throw their own module's type. Misusing a builder or a value's constructor ({@link Span},
 * {@link Limits}, {@link FilterRequest}) throws {@link IllegalArgumentException} or
 * {@link NullPointerException}, as the JDK does. Waiting calls throw
 * {@link InterruptedException}, as {@link Process#waitFor()} does.
 */
public class HermeticException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HermeticException(String message) {
        super(message);
    }

    public HermeticException(String message, Throwable cause) {
        super(message, cause);
    }
}
