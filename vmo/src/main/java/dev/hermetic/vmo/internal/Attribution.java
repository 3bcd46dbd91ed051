package dev.hermetic.vmo.internal;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * RFC-0254 attribution of a range of pages, summed page by page: committed, private and shared
 * bytes, and scaled bytes (each page divided by the stores that see it) kept exact. The exact
 * scaled sum is a rational number; it is reported as Zircon reports it, an integral part and a
 * fractional part in 63-bit fixed point ({@code 2^63} is one byte). The fraction is rounded up
 * to the next {@code 2^-63} byte, so adding every sharer's integral and fractional parts and
 * counting a byte per {@code 2^63} of fraction (as the RFC tells readers to) gives the committed
 * total to the byte: the exact shares add up to whole pages, and the rounding adds less than one
 * {@code 2^-63} byte per VMO. Not thread-safe: filled by one thread, then read.
 */
public final class Attribution {
    private static final BigInteger ONE_BYTE = BigInteger.ONE.shiftLeft(63);

    /** Bytes of committed pages added; a multiple of the page size. */
    private long committed;
    /** Bytes of pages only one store sees; <= committed. */
    private long privateBytes;
    /** Sharer counts (>= 2) seen so far, {@code kinds} of them used, each once. */
    private int[] sharers = new int[4];
    /** Pages seen with {@code sharers[k]} viewers. */
    private long[] pages = new long[4];
    private int kinds;
    /** {integral, fractional} scaled bytes once computed; null until then and after every {@link #addPage}. */
    private long[] scaled;

    /** Adds one committed page seen by {@code viewers} (>= 1) stores. */
    void addPage(int viewers) {
        scaled = null;
        committed += Page.SIZE;
        if (viewers == 1) {
            privateBytes += Page.SIZE;
            return;
        }
        for (int k = 0; k < kinds; k++) {
            if (sharers[k] == viewers) {
                pages[k]++;
                return;
            }
        }
        if (kinds == sharers.length) {
            sharers = Arrays.copyOf(sharers, kinds * 2);
            pages = Arrays.copyOf(pages, kinds * 2);
        }
        sharers[kinds] = viewers;
        pages[kinds++] = 1;
    }

    public long committedBytes() {
        return committed;
    }

    public long privateBytes() {
        return privateBytes;
    }

    public long sharedBytes() {
        return committed - privateBytes;
    }

    /** The integral part of the exact scaled sum. */
    public long scaledBytes() {
        return scaled()[0];
    }

    /** The fractional part of the exact scaled sum in units of {@code 2^-63} byte, rounded up; in [0, 2^63). */
    public long fractionalScaledBytes() {
        return scaled()[1];
    }

    /** {integral, fractional}: whole bytes of each sharer group, then the leftover fractions summed exactly. */
    private long[] scaled() {
        if (scaled == null) {
            scaled = sumScaled();
        }
        return scaled;
    }

    private long[] sumScaled() {
        long integral = privateBytes;
        BigInteger numerator = BigInteger.ZERO;
        BigInteger denominator = BigInteger.ONE;
        for (int k = 0; k < kinds; k++) {
            long bytes = pages[k] * Page.SIZE;
            integral += bytes / sharers[k];
            long rest = bytes % sharers[k];
            if (rest != 0) {
                // numerator/denominator += rest/n, over the least common denominator.
                BigInteger n = BigInteger.valueOf(sharers[k]);
                BigInteger lcm = denominator.divide(denominator.gcd(n)).multiply(n);
                numerator = numerator.multiply(lcm.divide(denominator)).add(BigInteger.valueOf(rest).multiply(lcm.divide(n)));
                denominator = lcm;
            }
        }
        BigInteger[] whole = numerator.divideAndRemainder(denominator);
        integral += whole[0].longValueExact();
        BigInteger fraction = whole[1].multiply(ONE_BYTE).add(denominator).subtract(BigInteger.ONE).divide(denominator);
        if (fraction.equals(ONE_BYTE)) {
            // Rounded up to a whole byte: only when the denominator passes 2^63.
            return new long[] {integral + 1, 0};
        }
        return new long[] {integral, fraction.longValueExact()};
    }
}
