package dev.hermetic.flink;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** What one record produced: its output, or why there is none. */
public sealed interface EngineResult extends Serializable permits EngineResult.Ok, EngineResult.Failed {

    /** The engine's output bytes; never null. */
    record Ok(byte[] output) implements EngineResult {
        public Ok {
            Objects.requireNonNull(output, "output");
        }

        /** The output as UTF-8 text. */
        public String text() {
            return new String(output, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ok other && Arrays.equals(output, other.output);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(output);
        }

        @Override
        public String toString() {
            return "Ok[" + output.length + " bytes]";
        }
    }

    /** No output: {@code kind} says why, {@code reason} adds the detail (a status, exit code, trap message). */
    record Failed(FailureKind kind, String reason) implements EngineResult {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
