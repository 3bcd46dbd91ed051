package dev.hermetic.host;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import dev.hermetic.host.bench.PlainChicory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serving at scale, measured in one run so the ratios hold on a busy machine. Prints three
 * tables:
 *
 * <ol>
 *   <li>latency of one small request (a 27-byte JSON document) to the {@code json} snapshot,
 *       end to end through {@link Snapshot#filter} (spawn, map, run, read, release), in each
 *       execution mode, next to the same call on one warm instance ({@link WarmProcess#filter}:
 *       no isolation between requests), the engine's own run on plain Chicory (one warm
 *       instance, no host: internals) and the process's own time inside the pooled
 *       caller-thread run ({@link Measurements#duration()});
 *   <li>throughput from 1, 2, 4, 8 and 16 caller threads, each serving requests on its own
 *       thread ({@link Host.Builder#withCallerStackBytes}), and the ratio to 2 threads;
 *   <li>the classifier: an end-to-end request, and, when the python {@code wasmtime} package
 *       is there, Wasmtime instantiating the same module; then the memory of N live clones
 *       after one request each ({@link ZygoteBench#memory}, which needs internals: a clone
 *       alive after its request is not in the public API).
 * </ol>
 *
 * The first two tables use the public API only. It keeps each measurement short (about
 * 2 s; the whole run about 2 minutes, most of it classifier's warm-up).
 *
 * <pre>mvn -B -q -pl host -Pbench test-compile exec:exec -Dbench.main=dev.hermetic.host.ServingBench \
 *     -Dbench.args="[millis per measurement] [clones]"</pre>
 */
public final class ServingBench {
    private static final byte[] REQUEST = "{\"a\":[1,2,3],\"b\":{\"c\":\"d\"}}".getBytes(StandardCharsets.UTF_8);
    private static final long STACK = Limits.DEFAULT_STACK_BYTES;

    private ServingBench() {}

    public static void main(String[] args) throws Exception {
        int millis = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int clones = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        byte[] json = Fixtures.engine("json");
        System.out.printf("json, a %d-byte request; %d ms per measurement; %d cores%n%n", REQUEST.length, millis,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-62s %9s %9s %9s %9s%n", "one request, end to end (interleaved)", "p50 us", "p99 us", "- own run",
                "- warm");
        try (Host plain = Host.builder().build();
                Host caller = Host.builder().withCallerStackBytes(STACK).build();
                Host unpooled = Host.builder().withCallerStackBytes(STACK).withInstancePool(0).build();
                WarmProcess w = plain.load("json", json).warmProcess();
                Snapshot pooled = caller.load("json", json).snapshot();
                Snapshot built = unpooled.load("json", json).snapshot();
                Snapshot handedOff = plain.load("json", json).snapshot()) {
            List<Long> inside = new ArrayList<>();
            // The engine's own run: the same request on plain Chicory, no host, one warm instance.
            PlainChicory own = new PlainChicory("json", json, ByteArrayMemory::new);
            byte[] expected = ((FilterResult.Output) w.filter(REQUEST)).bytes();
            // One request of each kind in turn, so the machine's load falls on all of them alike.
            long[][] t = latency(millis, new Request[] {
                () -> {
                    if (!Arrays.equals(own.filter(REQUEST, FilterRequest.defaultOutputCapacity(REQUEST.length)), expected)) {
                        throw new IllegalStateException("plain Chicory's output differs from Hermetic's");
                    }
                    return null;
                },
                () -> w.filter(REQUEST),
                () -> {
                    FilterResult r = pooled.filter(REQUEST);
                    inside.add(r.measurements().duration().toNanos());
                    return r;
                },
                () -> built.filter(REQUEST),
                () -> handedOff.filter(REQUEST)});
            double ownP50 = percentile(t[0], 50);
            double warmP50 = percentile(t[1], 50);
            row("the engine's own run: plain Chicory, one instance (internals)", t[0], ownP50, warmP50);
            row("warm instance, WarmProcess.filter (no isolation)", t[1], ownP50, warmP50);
            row("Snapshot.filter, caller's thread, pooled instance", t[2], ownP50, warmP50);
            row("  of which the process, start to end (Measurements)",
                    inside.stream().mapToLong(Long::longValue).toArray(), ownP50, warmP50);
            row("Snapshot.filter, caller's thread, instance built per request", t[3], ownP50, warmP50);
            row("Snapshot.filter, engine thread per process (default), pooled", t[4], ownP50, warmP50);
        }

        System.out.printf("%n%-40s %12s %12s%n", "caller threads, Snapshot.filter", "requests/s", "vs 2 threads");
        double[] rates = new double[5];
        int[] counts = {1, 2, 4, 8, 16};
        try (Host host = Host.builder().withCallerStackBytes(STACK).build(); Snapshot zygote = host.load("json", json).snapshot()) {
            throughput(zygote, 2, millis / 2); // warm-up
            for (int i = 0; i < counts.length; i++) {
                rates[i] = throughput(zygote, counts[i], millis);
            }
        }
        for (int i = 0; i < counts.length; i++) {
            System.out.printf("%-40d %12.0f %11.2fx%n", counts[i], rates[i], rates[i] / rates[1]);
        }

        if (clones > 0) {
            classifier(clones);
        }
    }

    private static void classifier(int clones) throws Exception {
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(5)).build();
        byte[] wasm = Fixtures.engine("classifier");
        byte[] line = "ERROR disk full on /dev/sda1\n".getBytes(StandardCharsets.UTF_8);
        // The live clones' pages count against the host's budget: let them have most of the heap
        // (ZygoteBench.memory stops at 3/4 of it, and says so).
        long budget = Runtime.getRuntime().maxMemory() * 9 / 10;
        try (Host host = Host.builder().withDefaultLimits(limits).withCallerStackBytes(STACK).withMemoryBudget(budget).build()) {
            Engine engine = host.load("classifier", wasm);
            // As ZygoteBench warms it: engine_init and one sample request, so the lazy state the
            // first request builds (compiled regexes) is in the snapshot, not rebuilt per request.
            try (Snapshot zygote = engine.snapshot(limits, w -> {
                Warmup.engineInit().run(w);
                dev.hermetic.vmo.Vmo in = dev.hermetic.vmo.Vmo.create(4096);
                in.write(line, 0);
                w.call("engine_start", Span.readOnly(in, 0, line.length), Span.writable(dev.hermetic.vmo.Vmo.create(4096), 0, 4096));
            })) {
                long[] e2e;
                long[] warm;
                try (WarmProcess w = engine.warmProcess()) {
                    long[][] t = latency(1000, new Request[] {() -> w.filter(line), () -> zygote.filter(line)});
                    warm = t[0];
                    e2e = t[1];
                }
                System.out.printf("%n%-62s %9s %9s%n", "classifier", "p50 us", "p99 us");
                System.out.printf("%-62s %9.1f %9.1f%n", "Hermetic: warm instance, WarmProcess.filter (no isolation)",
                        percentile(warm, 50) / 1e3, percentile(warm, 99) / 1e3);
                System.out.printf("%-62s %9.1f %9.1f%n", "Hermetic: Snapshot.filter, caller's thread, pooled (a request)",
                        percentile(e2e, 50) / 1e3, percentile(e2e, 99) / 1e3);
                String python = System.getProperty("hermetic.python", "python3");
                if (WasmtimePeer.available(python)) {
                    double[] wt = wasmtimeInstantiate(python, wasm, 300);
                    System.out.printf("%-62s %9.1f %9.1f%n",
                            "Wasmtime: instantiate only (python wasmtime, default allocator)", wt[0], wt[1]);
                    System.out.printf("Hermetic's isolation cost (request - warm call) is %.1fx Wasmtime's instantiate%n",
                            (percentile(e2e, 50) - percentile(warm, 50)) / 1e3 / wt[0]);
                } else {
                    System.out.println("(no Wasmtime row: python's wasmtime package is not importable)");
                }
                ZygoteBench.memory(engine, zygote, limits, clones);
            }
        }
    }

    /** Wasmtime's median and p99 time to instantiate {@code wasm}, compiled once, in a fresh store each time, in µs. */
    private static double[] wasmtimeInstantiate(String python, byte[] wasm, int runs) throws IOException, InterruptedException {
        Path file = Files.createTempFile("classifier", ".wasm");
        Files.write(file, wasm);
        String script = String.join("\n",
                "import sys, time, wasmtime",
                "engine = wasmtime.Engine()",
                "module = wasmtime.Module.from_file(engine, sys.argv[1])",
                "linker = wasmtime.Linker(engine)",
                "for imp in module.imports:",
                "    linker.define_func(imp.module, imp.name, imp.type, lambda *a: None)",
                "times = []",
                "for i in range(int(sys.argv[2]) + 50):",
                "    store = wasmtime.Store(engine)",
                "    t = time.perf_counter_ns()",
                "    linker.instantiate(store, module)",
                "    times.append(time.perf_counter_ns() - t)",
                "times = sorted(times[50:])",
                "print(times[len(times) // 2], times[len(times) * 99 // 100])");
        Process p = new ProcessBuilder(python, "-c", script, file.toString(), Integer.toString(runs)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Files.delete(file);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wasmtime failed: " + out);
        }
        String[] words = out.split("\\s+");
        return new double[] {Long.parseLong(words[words.length - 2]) / 1e3, Long.parseLong(words[words.length - 1]) / 1e3};
    }

    @FunctionalInterface
    private interface Request {
        FilterResult serve() throws Exception;
    }

    /** Per-request wall time on a thread with a stated stack, for {@code millis} after as long a warm-up. */
    private static long[] latency(int millis, Request request) throws Exception {
        return latency(millis, new Request[] {request})[0];
    }

    /** As {@link #latency(int, Request)}, the requests served in turn; one array of times per request kind. */
    private static long[][] latency(int millis, Request[] requests) throws Exception {
        long[][] result = new long[requests.length][];
        Exception[] failure = new Exception[1];
        Thread t = new Thread(null, () -> {
            try {
                long warmEnd = System.nanoTime() + millis * 1_000_000L;
                while (System.nanoTime() < warmEnd) {
                    for (Request r : requests) {
                        check(r.serve());
                    }
                }
                long[][] nanos = new long[requests.length][1 << 16];
                int n = 0;
                long end = System.nanoTime() + millis * 1_000_000L * requests.length;
                while (System.nanoTime() < end) {
                    if (n == nanos[0].length) {
                        for (int k = 0; k < requests.length; k++) {
                            nanos[k] = Arrays.copyOf(nanos[k], n * 2);
                        }
                    }
                    for (int k = 0; k < requests.length; k++) {
                        long t0 = System.nanoTime();
                        FilterResult r = requests[k].serve();
                        nanos[k][n] = System.nanoTime() - t0;
                        check(r);
                    }
                    n++;
                }
                for (int k = 0; k < requests.length; k++) {
                    result[k] = Arrays.copyOf(nanos[k], n);
                }
            } catch (Exception e) {
                failure[0] = e;
            }
        }, "bench-caller", STACK);
        t.start();
        t.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return result;
    }

    /** A request's result is output; null is a request that checked its own output. */
    private static void check(FilterResult r) {
        if (r != null && !(r instanceof FilterResult.Output)) {
            throw new IllegalStateException("a request did not return output: " + r);
        }
    }

    /** Requests per second from {@code threads} callers, each serving requests back to back on its own thread. */
    private static double throughput(Snapshot zygote, int threads, int millis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong served = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> callers = new ArrayList<>();
        Exception[] failure = new Exception[1];
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(null, () -> {
                long n = 0;
                try {
                    go.await();
                    while (!stop.get()) {
                        check(zygote.filter(REQUEST));
                        n++;
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
                served.addAndGet(n);
            }, "bench-caller-" + i, STACK);
            t.start();
            callers.add(t);
        }
        long t0 = System.nanoTime();
        go.countDown();
        Thread.sleep(millis);
        stop.set(true);
        for (Thread t : callers) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure[0] != null) {
            throw failure[0];
        }
        return served.get() * 1e9 / elapsed;
    }

    private static void row(String what, long[] nanos, double ownP50, double warmP50) {
        double p50 = percentile(nanos, 50);
        System.out.printf("%-62s %9.1f %9.1f %+9.1f %+9.1f%n", what, p50 / 1e3, percentile(nanos, 99) / 1e3,
                (p50 - ownP50) / 1e3, (p50 - warmP50) / 1e3);
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))];
    }
}
