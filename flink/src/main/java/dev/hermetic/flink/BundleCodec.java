package dev.hermetic.flink;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How many records become one process's input, and its output becomes one output per record:
 * the bundle's wire format, which the engine must speak. Implementations are immutable and
 * serializable (they travel in the job graph inside {@link Bundling}).
 */
public interface BundleCodec extends Serializable {

    /** Whether {@code record} can go into a bundle; one that cannot runs alone, on a clone of its own. */
    boolean accepts(byte[] record);

    /** Bytes {@code record} adds to a bundle's input, for the bundle's byte bound. */
    int encodedSize(byte[] record);

    /** The input of one process for {@code records}, each of which {@link #accepts} took. */
    byte[] join(List<byte[]> records);

    /**
     * One output per record, in the records' order, or null when {@code output} does not
     * divide into {@code records} outputs (then each record runs again alone).
     */
    List<byte[]> split(byte[] output, int records);

    /**
     * Newline-delimited records for engines that answer each input line with one output line
     * (the bundled {@code classifier}): records are joined with {@code \n}, and the output is
     * cut after each {@code \n}, so each record's output is its line with the {@code \n}, as the
     * engine gives for that record alone. Records that are empty or contain {@code \n} run alone:
     * an engine sees those differently inside a bundle.
     */
    static BundleCodec lines() {
        return Lines.INSTANCE;
    }

    /** {@link #lines()}; an enum so Java serialization keeps it a singleton. */
    enum Lines implements BundleCodec {
        INSTANCE;

        @Override
        public boolean accepts(byte[] record) {
            if (record.length == 0) {
                return false;
            }
            for (byte b : record) {
                if (b == '\n') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int encodedSize(byte[] record) {
            return record.length + 1;
        }

        @Override
        public byte[] join(List<byte[]> records) {
            int size = 0;
            for (byte[] r : records) {
                size += r.length + 1;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(size);
            for (byte[] r : records) {
                out.write(r, 0, r.length);
                out.write('\n');
            }
            return out.toByteArray();
        }

        @Override
        public List<byte[]> split(byte[] output, int records) {
            List<byte[]> outputs = new ArrayList<>(records);
            int start = 0;
            for (int i = 0; i < output.length; i++) {
                if (output[i] == '\n') {
                    if (outputs.size() == records) {
                        return null;
                    }
                    outputs.add(Arrays.copyOfRange(output, start, i + 1));
                    start = i + 1;
                }
            }
            return start == output.length && outputs.size() == records ? outputs : null;
        }
    }
}
