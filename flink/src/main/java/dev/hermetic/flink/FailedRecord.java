package dev.hermetic.flink;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record the engine produced no output for, as the failure side output carries it: the
 * input as it arrived and why it failed, so a dead-letter sink can keep or replay it.
 */
public record FailedRecord(byte[] input, EngineResult.Failed failure) implements Serializable {
    public FailedRecord {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(failure, "failure");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FailedRecord other && Arrays.equals(input, other.input) && failure.equals(other.failure);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(input) + failure.hashCode();
    }

    @Override
    public String toString() {
        return "FailedRecord[" + input.length + " bytes, " + failure + "]";
    }
}
