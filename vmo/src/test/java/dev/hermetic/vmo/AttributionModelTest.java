package dev.hermetic.vmo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Attribution and budget against the plainest page tree: every VMO is an array of page
 * identities, a snapshot child copies the identities, a write or a COMMIT to a page another VMO
 * also holds gives the writer a new identity (Zircon commits a child's page as a write fault
 * would), and a page is committed while any VMO holds it. DECOMMIT is refused on a snapshot
 * child and on a VMO with live snapshot children ({@code vmo_op_range.md}). Whatever the kernel
 * shares underneath (whole clones share frozen pages), every VMO's committed, private, shared
 * and scaled bytes (RFC-0254's exact sum: integral part, and fractional part in 2^-63 byte
 * rounded up), the budget's committed bytes and every page's contents must equal the model's
 * after every operation, and all VMOs' scaled bytes must add up to the committed total.
 *
 * <p>{@code -Dvmo.attribution.seed=N} replays a run.
 */
class AttributionModelTest {
    private static final int PAGE = 4096;
    private static final int MAX_PAGES = 6;

    /**
     * A live VMO and its model: a page identity (0 for zero) and one byte per page; {@code source}
     * is the VMO it was cloned from, null for one made by create.
     */
    private record Entry(Vmo vmo, int[] ids, byte[] marks, boolean resizable, Vmo source) {}

    private final MemoryBudget budget = MemoryBudget.unlimited();
    private final List<Entry> live = new ArrayList<>();
    private int nextId = 1;

    @Test
    void attributionAndBudgetMatchThePlainPageTree() {
        long seed = Long.getLong("vmo.attribution.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int step = 0; step < 20_000; step++) {
            String op = step(random);
            try {
                check();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", step " + step + " (" + op + "): " + e.getMessage(), e);
            }
        }
        for (Entry e : List.copyOf(live)) {
            close(e);
        }
        assertThat(budget.committedBytes()).as("seed %d: committed after closing everything", seed).isZero();
    }

    private String step(Random random) {
        int kind = live.isEmpty() ? 0 : random.nextInt(100);
        if (kind < 8 || live.size() < 2) {
            int pages = 1 + random.nextInt(MAX_PAGES);
            boolean resizable = random.nextBoolean();
            Vmo vmo = Vmo.builder((long) pages * PAGE).withResizable(resizable).withBudget(budget).build();
            live.add(new Entry(vmo, new int[pages], new byte[pages], resizable, null));
            return "create " + pages;
        }
        Entry e = live.get(random.nextInt(live.size()));
        int pages = e.ids.length;
        if (kind < 30 && live.size() < 24) {
            // Whole clones most of the time: they are the ones that share frozen pages.
            boolean whole = random.nextInt(3) > 0;
            int first = whole || pages == 0 ? 0 : random.nextInt(pages);
            int count = whole ? pages + random.nextInt(2) : random.nextInt(MAX_PAGES + 1);
            boolean resizable = random.nextBoolean();
            Vmo child = e.vmo.createChild(Vmo.SNAPSHOT | (resizable ? Vmo.RESIZABLE : 0), (long) first * PAGE,
                    (long) count * PAGE);
            int[] ids = new int[count];
            byte[] marks = new byte[count];
            for (int i = 0; i < count && first + i < pages; i++) {
                ids[i] = e.ids[first + i];
                marks[i] = e.marks[first + i];
            }
            live.add(new Entry(child, ids, marks, resizable, e.vmo));
            return "clone [" + first + ", +" + count + ") of " + pages;
        }
        if (kind < 40) {
            close(e);
            return "close";
        }
        if (pages == 0) {
            return "nothing";
        }
        int page = random.nextInt(pages);
        if (kind < 80) {
            byte mark = (byte) (1 + random.nextInt(255));
            e.vmo.write(new byte[] {mark}, (long) page * PAGE);
            if (e.ids[page] == 0 || holders(e.ids[page]) > 1) {
                e.ids[page] = nextId++;
            }
            e.marks[page] = mark;
            return "write page " + page;
        }
        if (kind < 88) {
            boolean decommit = random.nextBoolean();
            if (decommit && (e.source != null || live.stream().anyMatch(c -> c.source == e.vmo))) {
                assertThat(Bytes.statusOf(() -> e.vmo.opRange(Vmo.OP_DECOMMIT, (long) page * PAGE, PAGE)))
                        .isEqualTo(Status.NOT_SUPPORTED);
                return "decommit refused on page " + page;
            }
            e.vmo.opRange(decommit ? Vmo.OP_DECOMMIT : Vmo.OP_ZERO, (long) page * PAGE, PAGE);
            e.ids[page] = 0;
            e.marks[page] = 0;
            return (decommit ? "decommit" : "zero") + " page " + page;
        }
        if (kind < 94) {
            e.vmo.opRange(Vmo.OP_COMMIT, (long) page * PAGE, PAGE);
            if (e.ids[page] == 0 || holders(e.ids[page]) > 1) {
                e.ids[page] = nextId++;
            }
            return "commit page " + page;
        }
        if (!e.resizable) {
            return "nothing";
        }
        int size = random.nextInt(MAX_PAGES + 1);
        e.vmo.setSize((long) size * PAGE);
        Entry resized = new Entry(e.vmo, Arrays.copyOf(e.ids, size), Arrays.copyOf(e.marks, size), true, e.source);
        live.set(live.indexOf(e), resized);
        return "resize " + pages + " -> " + size;
    }

    private void close(Entry e) {
        e.vmo.close();
        live.remove(e);
    }

    private int holders(int id) {
        int n = 0;
        for (Entry e : live) {
            for (int x : e.ids) {
                if (x == id) {
                    n++;
                }
            }
        }
        return n;
    }

    private void check() {
        Map<Integer, Integer> holders = new HashMap<>();
        Set<Integer> distinct = new HashSet<>();
        for (Entry e : live) {
            for (int id : e.ids) {
                if (id != 0) {
                    holders.merge(id, 1, Integer::sum);
                    distinct.add(id);
                }
            }
        }
        BigInteger scaledSum = BigInteger.ZERO;
        for (Entry e : live) {
            long committed = 0;
            long privateBytes = 0;
            long shared = 0;
            // The exact scaled sum, sum of PAGE/n, as scaledNumerator / lcm of every n.
            BigInteger lcm = BigInteger.ONE;
            for (int id : e.ids) {
                if (id != 0) {
                    BigInteger n = BigInteger.valueOf(holders.get(id));
                    lcm = lcm.multiply(n).divide(lcm.gcd(n));
                }
            }
            BigInteger scaledNumerator = BigInteger.ZERO;
            for (int id : e.ids) {
                if (id != 0) {
                    int n = holders.get(id);
                    committed += PAGE;
                    privateBytes += n == 1 ? PAGE : 0;
                    shared += n == 1 ? 0 : PAGE;
                    scaledNumerator = scaledNumerator.add(BigInteger.valueOf(PAGE).multiply(lcm).divide(BigInteger.valueOf(n)));
                }
            }
            BigInteger[] whole = scaledNumerator.divideAndRemainder(lcm);
            long fraction = whole[1].shiftLeft(63).add(lcm).subtract(BigInteger.ONE).divide(lcm).longValueExact();
            VmoInfo info = e.vmo.info();
            assertThat(new long[] {info.committedBytes(), info.privateBytes(), info.sharedBytes(), info.scaledBytes(),
                    info.fractionalScaledBytes()})
                    .as("committed, private, shared, scaled, fractional scaled of a %d-page VMO", e.ids.length)
                    .containsExactly(committed, privateBytes, shared, whole[0].longValueExact(), fraction);
            scaledSum = scaledSum.add(BigInteger.valueOf(info.scaledBytes()).shiftLeft(63))
                    .add(BigInteger.valueOf(info.fractionalScaledBytes()));
            byte[] contents = new byte[e.ids.length * PAGE];
            e.vmo.read(contents, 0);
            for (int p = 0; p < e.ids.length; p++) {
                assertThat(contents[p * PAGE]).as("first byte of page %d", p).isEqualTo(e.marks[p]);
            }
        }
        assertThat(budget.committedBytes()).as("the budget's committed bytes").isEqualTo((long) distinct.size() * PAGE);
        BigInteger[] bytes = scaledSum.divideAndRemainder(BigInteger.ONE.shiftLeft(63));
        assertThat(bytes[0].longValueExact()).as("every VMO's scaled bytes summed").isEqualTo(budget.committedBytes());
        assertThat(bytes[1]).as("the rounding left over, in 2^-63 byte").isLessThan(BigInteger.valueOf(live.size()));
    }
}
