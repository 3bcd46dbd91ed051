package dev.hermetic.hooks;

/**
 * A passable error: only its name and message cross the boundary (no stack, no error id).
 *
 * @param name never null, e.g. {@code "TypeError"}
 * @param message never null
 */
public record PassableError(String name, String message) {
    public PassableError {
        if (name == null || message == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "error name and message must be strings");
        }
    }
}
