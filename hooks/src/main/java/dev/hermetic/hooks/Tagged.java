package dev.hermetic.hooks;

/**
 * A tagged value ({@code makeTagged(tag, payload)}).
 *
 * @param tag never null
 * @param payload any passable value
 */
public record Tagged(String tag, Object payload) {
    public Tagged {
        if (tag == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "tag is null");
        }
    }
}
