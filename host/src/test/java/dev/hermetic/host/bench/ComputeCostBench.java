package dev.hermetic.host.bench;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Span;
import dev.hermetic.host.WarmProcess;
import dev.hermetic.host.internal.wasm.split.FunctionSplitter;
import dev.hermetic.host.memory.VmoMemoryFactory;
import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What Hermetic's compute path costs against plain Chicory, cost by cost, as paired
 * comparisons in one JVM. Each filter engine runs on six sides, each with its own compiled
 * code (so its memory call sites are its own): (A) plain Chicory, compiled, its
 * {@code ByteArrayMemory}; (B) the same with the host's function splitting applied to the
 * module; (C) the unsplit module on a VMO memory ({@link VmoMemoryFactory}: the page-table
 * memory alone, no host around it); (D) split and on a VMO memory; (E) D with each call handed to
 * a thread of its own and waited for, as a warm process's calls are; and (H) Hermetic through its
 * public API, a {@link WarmProcess} (split, VMO memory, spans mapped per call, a hand-off to the
 * process's thread per call). Many short rounds run every side in turn, each round in another
 * order, and each gives one ratio per side (its throughput over A's in the same round), so the
 * drift of a shared machine falls on both sides of a ratio alike; the table reports each
 * side's median ratio with its quartiles. A to D are measured through internals, as their
 * names say.
 *
 * <pre>java -XX:-DontCompileHugeMethods -cp "host/target/test-classes:host/target/classes:$(cat host/cp.txt)" \
 *     dev.hermetic.host.bench.ComputeCostBench [rounds] [engine...]</pre>
 * (classpath as in {@link DeadlineLatency}), or through Maven:
 * {@code mvn -B -q -pl host -Pbench test-compile exec:exec -Dbench.main=dev.hermetic.host.bench.ComputeCostBench -Dbench.args="40 json"}.
 * With {@code -Dhermetic.bench.side=N} (0-5 for A-H) one side runs alone until killed, printing
 * each round, for a profiler.
 */
public final class ComputeCostBench {
    private static final int INPUT_BYTES = 1 << 20;
    private static final int OUTPUT_CAP = 4 << 20;
    /** Target length of one side of one round. */
    private static final long ROUND_NANOS = 100_000_000L;
    private static final String[] SIDES = {"A Chicory", "B +split", "C +VMO", "D +both", "E +thread", "H Hermetic"};

    private ComputeCostBench() {}

    /** One way of running the engine: {@code calls} calls of {@code engine_start} on the bench input, timed. */
    private interface Side {
        long time(int calls);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        List<String> engines = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : Workloads.FILTERS;
        System.out.printf(Locale.ROOT, "Throughput over A's in the same round: median (quartiles), %d rounds of %d ms a side%n",
                rounds, ROUND_NANOS / 1_000_000);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "| %-10s | %9s |", "engine", "A MB/s"));
        StringBuilder rule = new StringBuilder("|------------|----------:|");
        for (int s = 1; s < SIDES.length; s++) {
            header.append(String.format(Locale.ROOT, " %-19s |", SIDES[s]));
            rule.append("---------------------|");
        }
        System.out.println(header);
        System.out.println(rule);
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(30)).withMaxMemoryBytes(1L << 30).build();
        try (Host host = Host.builder().withDefaultLimits(limits).build()) {
            for (String engine : engines) {
                run(host, engine, rounds);
            }
        }
    }

    private static void run(Host host, String engine, int rounds) throws InterruptedException {
        // classifier runs at about 0.1 MB/s: a smaller input keeps its rounds short.
        byte[] input = Workloads.benchInput(engine, engine.equals("classifier") ? INPUT_BYTES / 32 : INPUT_BYTES);
        byte[] wasm = Fixtures.engine(engine);
        byte[] split = FunctionSplitter.split(wasm).wasm();
        try (WarmProcess warm = host.load(engine, wasm).warmProcess()) {
            Side[] sides = {
                plain(engine, wasm, ByteArrayMemory::new, input),
                plain(engine, split, ByteArrayMemory::new, input),
                plain(engine, wasm, VmoMemoryFactory.create(), input),
                plain(engine, split, VmoMemoryFactory.create(), input),
                onItsOwnThread(plain(engine, split, VmoMemoryFactory.create(), input)),
                hermetic(engine, warm, input),
            };
            int calls = callsPerRound(sides);
            String alone = System.getProperty("hermetic.bench.side");
            if (alone != null) {
                // One side alone until killed, a line per round, for a profiler or perf stat.
                Side side = sides[Integer.parseInt(alone)];
                while (true) {
                    System.out.printf(Locale.ROOT, "%s %.2f MB/s%n", SIDES[Integer.parseInt(alone)],
                            (double) input.length * calls / side.time(calls) * 1e3);
                }
            }
            for (int i = 0; i < 10; i++) {
                for (Side side : sides) {
                    side.time(calls);
                }
            }
            double[][] ratios = new double[sides.length][rounds];
            long baseNanos = 0;
            for (int r = 0; r < rounds; r++) {
                // Rotate which side goes first, so none always runs on a cache another just warmed.
                long[] nanos = new long[sides.length];
                for (int k = 0; k < sides.length; k++) {
                    int s = (r + k) % sides.length;
                    nanos[s] = sides[s].time(calls);
                }
                for (int s = 0; s < sides.length; s++) {
                    ratios[s][r] = (double) nanos[0] / nanos[s];
                }
                baseNanos += nanos[0];
            }
            double mb = (double) input.length * calls * rounds / 1e6;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-10s | %9.2f |", engine, mb / (baseNanos / 1e9)));
            for (int s = 1; s < sides.length; s++) {
                double[] sorted = ratios[s].clone();
                Arrays.sort(sorted);
                row.append(String.format(Locale.ROOT, " %5.2f (%5.2f-%5.2f) |", quantile(sorted, 0.5),
                        quantile(sorted, 0.25), quantile(sorted, 0.75)));
            }
            System.out.println(row);
        }
    }

    /** Enough calls that the fastest side's round takes about {@link #ROUND_NANOS}. */
    private static int callsPerRound(Side[] sides) {
        long one = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            for (Side side : sides) {
                one = Math.min(one, side.time(1));
            }
        }
        return (int) Math.max(1, ROUND_NANOS / Math.max(1, one));
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    /** One plain Chicory instance of {@code wasm}, its own compiled code, its input copied into its span window once. */
    private static Side plain(String engine, byte[] wasm, Function<MemoryLimits, Memory> memory, byte[] input) {
        PlainChicory chicory = new PlainChicory(engine, wasm, memory);
        long[] args = chicory.place(input, OUTPUT_CAP);
        return calls -> {
            long t = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                chicory.start(args);
            }
            return System.nanoTime() - t;
        };
    }

    /**
     * {@code side}'s calls each handed to a thread of its own (8 MiB of stack, as an engine
     * thread) and waited for, as a warm process's are: what the hand-off costs apart from the host.
     */
    private static Side onItsOwnThread(Side side) {
        java.util.concurrent.SynchronousQueue<Integer> calls = new java.util.concurrent.SynchronousQueue<>();
        java.util.concurrent.SynchronousQueue<Long> done = new java.util.concurrent.SynchronousQueue<>();
        Thread t = new Thread(null, () -> {
            try {
                while (true) {
                    done.put(side.time(calls.take()));
                }
            } catch (InterruptedException e) {
                // the bench is over
            }
        }, "compute-cost-side", 8L << 20);
        t.setDaemon(true);
        t.start();
        return n -> {
            long start = System.nanoTime();
            try {
                for (int i = 0; i < n; i++) {
                    calls.put(1);
                    done.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - start;
        };
    }

    /** Hermetic as a user runs a warm process: the input in a VMO, spans mapped for each call. */
    private static Side hermetic(String engine, WarmProcess warm, byte[] input) {
        Vmo in = Vmo.create(input.length);
        in.write(input, 0);
        Span inSpan = Span.readOnly(in, 0, input.length);
        Span outSpan = Span.writable(Vmo.create(OUTPUT_CAP), 0, OUTPUT_CAP);
        return calls -> {
            long t = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                ProcessResult r;
                try {
                    r = warm.call(inSpan, outSpan);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                if (!(r instanceof ProcessResult.Returned ret) || ret.value().orElseThrow().asLong() < 0) {
                    throw new IllegalStateException(engine + " failed: " + r);
                }
            }
            return System.nanoTime() - t;
        };
    }
}
