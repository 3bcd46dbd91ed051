package dev.hermetic.host.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses the CLI's human units: sizes such as {@code 64M} and durations such as {@code 500ms}. */
final class Sizes {
    private Sizes() {}

    /** {@code 4096}, {@code 64K}, {@code 64M}, {@code 1G} (powers of 1024). */
    static final class ByteSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            long unit = 1;
            if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
                unit = 1L << (10 * ("KMG".indexOf(t.charAt(t.length() - 1)) + 1));
                t = t.substring(0, t.length() - 1);
            }
            try {
                long v = Long.parseLong(t);
                if (v <= 0 || v > Long.MAX_VALUE / unit) {
                    throw new TypeConversionException("size out of range: " + text);
                }
                return v * unit;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a size (like 4096, 64K, 64M, 1G): " + text);
            }
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            try {
                Duration d;
                if (t.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                } else if (t.endsWith("s")) {
                    d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
                } else if (t.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
                } else {
                    throw new TypeConversionException("not a duration (like 500ms, 10s, 2m): " + text);
                }
                if (d.isNegative() || d.isZero()) {
                    throw new TypeConversionException("duration must be positive: " + text);
                }
                return d;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a duration (like 500ms, 10s, 2m): " + text);
            }
        }
    }
}
