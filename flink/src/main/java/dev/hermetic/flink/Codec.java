package dev.hermetic.flink;

/** How one record becomes the arguments of one process's {@code engine_start}. */
public enum Codec {
    /**
     * The ABI's filter convention: the record in a read-only span, the output in a writable
     * span of the spec's output capacity; {@code r >= 0} output bytes, {@code r < 0} a status.
     */
    FILTER,
    /**
     * {@code engine_start} takes no parameters and the record is not passed: for engines that
     * compute from nothing (fixtures, probes). Its exit code or return value decides the result.
     */
    NO_ARGUMENTS
}
