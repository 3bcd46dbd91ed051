package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hermetic.engines.Engines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the load path: truncations, bit flips, byte insertions and huge LEB128 numbers in
 * every bundled engine and in a portable snapshot, through {@link Host#inspect} and
 * {@link Host#load}. Every outcome is a loaded engine or an {@link EngineFormatException} or
 * {@link EngineRefusedException}: never another exception, an error or a hang. Seeded
 * ({@code -Dhermetic.seed=N} replays a run) and bounded; also run with {@code -Xmx256m}.
 */
class LoadFuzzTest {

    /** Mutants per input are about this many bytes' worth, within [MIN, MAX] per input. */
    private static final long BYTES_PER_INPUT = 3_000_000;
    private static final int MIN_MUTANTS = 40;
    private static final int MAX_MUTANTS = 250;

    private static final int[][] HUGE = {
        {0xf0, 0xff, 0xff, 0xff, 0x07}, // 0x7ffffff0
        {0xff, 0xff, 0xff, 0xff, 0x0f}, // 0xffffffff
        {0x80, 0x80, 0x80, 0x80, 0x08}, // 0x80000000
        {0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // too long for a u32
    };

    static Map<String, byte[]> corpus() throws InterruptedException {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        for (String name : Engines.names()) {
            corpus.put(name, Engines.bytes(name));
        }
        try (Host host = Host.builder().withVdso(Vdso.WITH_HOOKS).build();
                Snapshot s = host.load(Fixtures.engine("kv-lookup")).snapshot()) {
            corpus.put("portable kv-lookup", s.toPortableModule());
        }
        return corpus;
    }

    private record Failure(String input, int mutant, String mutation, Throwable error) {}

    @Test
    void everyMutantLoadsOrIsRefusedWithATypedError() throws InterruptedException {
        long seed = Fixtures.seed();
        Map<String, byte[]> corpus = corpus();
        List<Failure> failures = new ArrayList<>();
        int[] counts = new int[3]; // loaded, format, refused
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            Random random = new Random(seed);
            for (var e : corpus.entrySet()) {
                byte[] original = e.getValue();
                List<int[]> sections = sections(original);
                int mutants = (int) Math.max(MIN_MUTANTS, Math.min(MAX_MUTANTS, BYTES_PER_INPUT / original.length));
                for (int m = 0; m < mutants; m++) {
                    StringBuilder how = new StringBuilder();
                    byte[] mutant = mutate(original, sections, random, how);
                    try {
                        counts[outcome(mutant, compiles(original, m) ? ExecutionMode.COMPILED : ExecutionMode.INTERPRETER,
                                m % 2 == 0)]++;
                    } catch (Throwable t) {
                        failures.add(new Failure(e.getKey(), m, how.toString(), t));
                    }
                }
            }
        });
        int total = counts[0] + counts[1] + counts[2] + failures.size();
        System.out.printf("load fuzz, seed %d: %d mutants, %d loaded, %d EngineFormatException, %d EngineRefusedException, %d other%n",
                seed, total, counts[0], counts[1], counts[2], failures.size());
        failures.stream().limit(20).forEach(f -> System.out.printf("  %s mutant %d (%s): %s%n",
                f.input(), f.mutant(), f.mutation(), f.error()));
        assertThat(failures).as("seed %d", seed).isEmpty();
        assertThat(total).isGreaterThan(3000);
    }

    /**
     * Whether mutant {@code m} of {@code original} loads in the compiled mode: every fourth of
     * the small inputs. Compiling a valid mutant of a large engine takes seconds; its parse is
     * what the fuzzer is after, and the interpreter's load parses the same way.
     */
    private static boolean compiles(byte[] original, int m) {
        return original.length < 64 << 10 && m % 4 == 1;
    }

    /**
     * 0 if the mutant loads (or inspects), 1 for EngineFormatException, 2 for
     * EngineRefusedException. Alternate mutants go through inspect and load: each parses the
     * whole module, and a large engine's parse is most of the test's time.
     */
    private static int outcome(byte[] wasm, ExecutionMode mode, boolean inspect) {
        try (Host host = Host.builder().withExecutionMode(mode).withVdso(Vdso.WITH_HOOKS).build()) {
            try {
                if (inspect) {
                    host.inspect(wasm);
                } else {
                    host.load(wasm);
                }
                return 0;
            } catch (EngineFormatException e) {
                return 1;
            } catch (EngineRefusedException e) {
                return 2;
            }
        }
    }

    /** {@code [offset of the size, offset of the payload, payload end]} of each section. */
    private static List<int[]> sections(byte[] wasm) {
        List<int[]> sections = new ArrayList<>();
        int p = 8;
        while (p < wasm.length) {
            int sizeAt = p + 1;
            long size = 0;
            int q = sizeAt;
            for (int shift = 0; ; shift += 7) {
                int b = wasm[q++] & 0xff;
                size |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            sections.add(new int[] {sizeAt, q, (int) (q + size)});
            p = (int) (q + size);
        }
        return sections;
    }

    private static byte[] mutate(byte[] wasm, List<int[]> sections, Random random, StringBuilder how) {
        int kind = random.nextInt(6);
        int at = random.nextInt(wasm.length);
        switch (kind) {
            case 0 -> {
                how.append("truncated at ").append(at);
                return Arrays.copyOf(wasm, at);
            }
            case 1 -> {
                byte[] b = wasm.clone();
                int flips = 1 + random.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    int where = random.nextInt(b.length);
                    int bit = random.nextInt(8);
                    b[where] ^= (byte) (1 << bit);
                    how.append("bit ").append(bit).append(" flipped at ").append(where).append("; ");
                }
                return b;
            }
            case 2 -> {
                int n = 1 + random.nextInt(4);
                byte[] inserted = new byte[n];
                random.nextBytes(inserted);
                how.append(n).append(" bytes inserted at ").append(at);
                return replace(wasm, at, 0, inserted);
            }
            case 3 -> {
                byte[] huge = huge(random);
                how.append("huge LEB128 over the byte at ").append(at);
                return replace(wasm, at, 1, huge);
            }
            default -> {
                // a section's size (kind 4) or its first count (kind 5) made huge
                int[] s = sections.get(random.nextInt(sections.size()));
                int where = kind == 4 ? s[0] : s[1];
                if (where >= wasm.length) {
                    how.append("unchanged");
                    return wasm;
                }
                int len = lebLength(wasm, where);
                how.append(kind == 4 ? "section size" : "first count").append(" at ").append(where).append(" made huge");
                return replace(wasm, where, len, huge(random));
            }
        }
    }

    private static byte[] huge(Random random) {
        int[] h = HUGE[random.nextInt(HUGE.length)];
        byte[] b = new byte[h.length];
        for (int i = 0; i < h.length; i++) {
            b[i] = (byte) h[i];
        }
        return b;
    }

    private static int lebLength(byte[] b, int at) {
        int n = 1;
        while (at + n - 1 < b.length && (b[at + n - 1] & 0x80) != 0) {
            n++;
        }
        return Math.min(n, b.length - at);
    }

    private static byte[] replace(byte[] b, int at, int length, byte[] with) {
        byte[] out = new byte[b.length - length + with.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(with, 0, out, at, with.length);
        System.arraycopy(b, at + length, out, at + with.length, b.length - at - length);
        return out;
    }
}
