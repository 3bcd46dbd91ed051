package dev.hermetic.flink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How the bundling operator ({@link Hermetic#processBundled}) groups records into one process:
 * the {@link BundleCodec}, and the bounds at which a bundle is flushed: {@code maxRecords}
 * records, {@code maxBytes} encoded bytes, or {@code maxDelay} after its first record (by the
 * task's processing-time clock). A bundle is also flushed at the end of input, before a
 * checkpoint barrier leaves the operator, and before a watermark does, so no record is held
 * across either. The spec's output capacity must hold a whole bundle's output (for the
 * classifier, at most 9 bytes a line): a bundle whose output does not fit fails, and its records
 * run again one by one. Immutable and serializable.
 */
public final class Bundling implements Serializable {
    private static final long serialVersionUID = 1L;

    private final BundleCodec codec;
    /** Records per bundle at most; positive. */
    private final int maxRecords;
    /** Encoded bytes per bundle at most; positive. A record larger on its own runs alone. */
    private final int maxBytes;
    /** Milliseconds from a bundle's first record to its flush at the latest; positive. */
    private final long maxDelayMillis;

    private Bundling(Builder b) {
        this.codec = b.codec;
        this.maxRecords = b.maxRecords;
        this.maxBytes = b.maxBytes;
        this.maxDelayMillis = b.maxDelay.toMillis();
    }

    /** Bundles of newline-delimited records ({@link BundleCodec#lines()}). */
    public static Builder lines() {
        return of(BundleCodec.lines());
    }

    /** Defaults: 100 records, 256 KiB, 200 ms. */
    public static Builder of(BundleCodec codec) {
        return new Builder(codec);
    }

    public BundleCodec codec() {
        return codec;
    }

    public int maxRecords() {
        return maxRecords;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public Duration maxDelay() {
        return Duration.ofMillis(maxDelayMillis);
    }

    @Override
    public String toString() {
        return "Bundling[" + codec + ", " + maxRecords + " records, " + maxBytes + " bytes, " + maxDelayMillis + " ms]";
    }

    public static final class Builder {
        private final BundleCodec codec;
        private int maxRecords = 100;
        private int maxBytes = 256 << 10;
        private Duration maxDelay = Duration.ofMillis(200);

        private Builder(BundleCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        public Builder withMaxRecords(int records) {
            if (records <= 0) {
                throw new IllegalArgumentException("a bundle needs room for a record: " + records);
            }
            this.maxRecords = records;
            return this;
        }

        public Builder withMaxBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive: " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        public Builder withMaxDelay(Duration delay) {
            if (delay.toMillis() <= 0) {
                throw new IllegalArgumentException("maxDelay must be at least 1 ms: " + delay);
            }
            this.maxDelay = delay;
            return this;
        }

        public Bundling build() {
            return new Bundling(this);
        }
    }
}
