package dev.hermetic.hooks;

/**
 * Where a gate delivers a result that fits the engine's buffer: the host's vDSO copies the
 * bytes to {@code result_ptr}, whose bounds it checked before the call.
 */
@FunctionalInterface
public interface ResultSink {
    void write(byte[] result);
}
