package dev.hermetic.hooks;

/** JavaScript's {@code undefined}; Java {@code null} stands for JavaScript {@code null}. */
public enum Undefined {
    INSTANCE;

    @Override
    public String toString() {
        return "undefined";
    }
}
