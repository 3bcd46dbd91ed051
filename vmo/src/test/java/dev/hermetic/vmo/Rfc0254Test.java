package dev.hermetic.vmo;

import static dev.hermetic.vmo.Bytes.PAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RFC-0254 ({@code docs/contribute/governance/rfcs/0254_*}): scaled bytes are the exact sum of
 * each page divided by its sharers, reported as an integral part and a fractional part in
 * 63-bit fixed point ({@code 2^63} is one byte).
 */
class Rfc0254Test {
    private static final BigInteger ONE_BYTE = BigInteger.ONE.shiftLeft(63);

    /** Three pages each shared three ways scale to exactly one page, not three pages rounded down each. */
    @Test
    void threePagesSharedThreeWaysScaleToOnePage() {
        Vmo vmo = Vmo.create(3 * PAGE);
        vmo.write(new byte[3 * PAGE], 0);
        Vmo a = vmo.createChild(Vmo.SNAPSHOT, 0, 3 * PAGE);
        Vmo b = vmo.createChild(Vmo.SNAPSHOT, 0, 3 * PAGE);
        for (Vmo v : List.of(vmo, a, b)) {
            assertThat(v.info().scaledBytes()).isEqualTo(PAGE);
            assertThat(v.info().fractionalScaledBytes()).isZero();
        }
        // One page shared three ways: 1365 1/3 bytes each, the fraction rounded up to 2^-63.
        Vmo one = Vmo.create(PAGE);
        one.write(new byte[] {1}, 0);
        Vmo c = one.createChild(Vmo.SNAPSHOT, 0, PAGE);
        Vmo d = one.createChild(Vmo.SNAPSHOT, 0, PAGE);
        BigInteger third = ONE_BYTE.add(BigInteger.TWO).divide(BigInteger.valueOf(3));
        for (Vmo v : List.of(one, c, d)) {
            assertThat(v.info().scaledBytes()).isEqualTo(PAGE / 3);
            assertThat(BigInteger.valueOf(v.info().fractionalScaledBytes())).isEqualTo(third);
        }
        assertThat(sum(List.of(one, c, d))).isEqualTo(PAGE);
    }

    /**
     * Over random trees of snapshots (whole, offset, past the parent's end), slices and RFC-0013
     * children, written, committed, zeroed, resized and closed at random: the scaled bytes of all
     * live VMOs add up to the bytes the budget holds, to the byte. The rounding of the fractions
     * leaves less than one {@code 2^-63} byte per VMO. {@code -Dvmo.rfc0254.seed=N} replays a run.
     */
    @Test
    void scaledBytesOfAllSharersAddUpToTheCommittedTotal() {
        long seed = Long.getLong("vmo.rfc0254.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int tree = 0; tree < 40; tree++) {
            MemoryBudget budget = MemoryBudget.unlimited();
            List<Vmo> live = new ArrayList<>();
            List<Vmo> slices = new ArrayList<>();
            List<Vmo> slicedParents = new ArrayList<>();
            Vmar space = Vmar.createRoot(1L << 20);
            live.add(Vmo.builder((1 + random.nextInt(8)) * PAGE).withBudget(budget).withResizable(random.nextBoolean())
                    .build());
            for (int step = 0; step < 150; step++) {
                Vmo v = live.get(random.nextInt(live.size()));
                int pages = (int) (v.size() / PAGE);
                int op = random.nextInt(100);
                if (op < 25 && live.size() < 16) {
                    int first = random.nextBoolean() ? 0 : random.nextInt(pages + 2);
                    int count = random.nextBoolean() ? pages : 1 + random.nextInt(8);
                    live.add(v.createChild(random.nextBoolean() ? Vmo.SNAPSHOT : Vmo.SNAPSHOT_AT_LEAST_ON_WRITE,
                            (long) first * PAGE, (long) count * PAGE));
                } else if (op < 32 && !v.info().resizable() && pages > 0) {
                    int first = random.nextInt(pages);
                    slices.add(v.createChild(Vmo.SLICE, (long) first * PAGE, (long) (1 + random.nextInt(pages - first)) * PAGE));
                    slicedParents.add(v);
                } else if (op < 38 && pages > 0 && live.size() < 16) {
                    long at = space.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.ALLOW_FAULTS, 0, v, 0, v.size());
                    int first = random.nextInt(pages);
                    live.add(space.createVmoChild(Vmo.SNAPSHOT, at + (long) first * PAGE, (long) (pages - first) * PAGE));
                    space.unmap(at, v.size());
                } else if (op < 45 && live.size() > 1 && !slicedParents.contains(v)) {
                    // A VMO whose slices live on is kept: its pages are attributed to it alone.
                    live.remove(v);
                    v.close();
                } else if (op < 80 && pages > 0) {
                    Vmo target = !slices.isEmpty() && random.nextInt(4) == 0 ? slices.get(random.nextInt(slices.size())) : v;
                    long size = target.size();
                    if (size > 0) {
                        target.write(new byte[] {(byte) (1 + random.nextInt(255))}, random.nextLong(size));
                    }
                } else if (op < 88 && pages > 0) {
                    int page = random.nextInt(pages);
                    v.opRange(random.nextBoolean() ? Vmo.OP_COMMIT : Vmo.OP_ZERO, (long) page * PAGE, PAGE);
                } else if (op < 94 && v.info().resizable()) {
                    v.setSize((long) random.nextInt(9) * PAGE);
                }
                List<Vmo> all = new ArrayList<>(live);
                all.addAll(slices);
                assertThat(sum(all)).as("seed %d, tree %d, step %d", seed, tree, step).isEqualTo(budget.committedBytes());
            }
        }
    }

    /** The whole bytes of {@code vmos}' scaled bytes summed; fails if the fractions left more than one unit each. */
    private static long sum(List<Vmo> vmos) {
        BigInteger total = BigInteger.ZERO;
        for (Vmo v : vmos) {
            VmoInfo info = v.info();
            assertThat(info.fractionalScaledBytes()).isNotNegative();
            total = total.add(BigInteger.valueOf(info.scaledBytes()).shiftLeft(63))
                    .add(BigInteger.valueOf(info.fractionalScaledBytes()));
        }
        BigInteger[] bytes = total.divideAndRemainder(ONE_BYTE);
        assertThat(bytes[1]).as("the fractions' rounding").isLessThan(BigInteger.valueOf(vmos.size()));
        return bytes[0].longValueExact();
    }
}
