package dev.hermetic.host;

import java.util.Arrays;

/**
 * How a filter call ended, with what it cost. {@link Output} is success; every other case says
 * why there is no output. {@link #output()} returns the bytes or throws, for callers that treat
 * any failure alike.
 */
public sealed interface FilterResult
        permits FilterResult.Output, FilterResult.Refused, FilterResult.Exited, FilterResult.Trapped,
                FilterResult.Killed, FilterResult.Failed {

    Measurements measurements();

    /** The output bytes. @throws FilterFailedException carrying this result if there are none */
    default byte[] output() {
        if (this instanceof Output o) {
            return o.bytes();
        }
        throw new FilterFailedException(this);
    }

    /**
     * The engine returned {@code r >= 0}: the first {@code r} bytes it wrote at {@code out_ptr}.
     *
     * @param bytes the output; a copy is returned each time
     */
    record Output(byte[] bytes, Measurements measurements) implements FilterResult {
        public Output {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return "Output[" + bytes.length + " bytes, " + measurements + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Output other && Arrays.equals(bytes, other.bytes) && measurements.equals(other.measurements);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bytes) + measurements.hashCode();
        }
    }

    /**
     * The engine returned a failure: a negative status of the ABI ({@code -15} BUFFER_TOO_SMALL,
     * {@code -42} IO_DATA_INTEGRITY, ...), or a length past {@code out_cap}, which breaks the
     * convention and is reported as it came.
     */
    record Refused(long status, Measurements measurements) implements FilterResult {}

    /** The engine called {@code process_exit(code)}; a filter that exits writes no output. */
    record Exited(long code, Measurements measurements) implements FilterResult {}

    /** The engine trapped. */
    record Trapped(TrapKind kind, String message, Measurements measurements) implements FilterResult {}

    /** The host ended the process: deadline, memory limit, kill. */
    record Killed(KillReason reason, Measurements measurements) implements FilterResult {}

    /** The host failed the process through no doing of the engine. */
    record Failed(HostError error, Measurements measurements) implements FilterResult {}
}
