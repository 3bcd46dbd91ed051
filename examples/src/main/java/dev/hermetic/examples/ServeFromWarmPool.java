package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Engine;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Span;
import dev.hermetic.host.Value;
import dev.hermetic.host.Warmup;
import dev.hermetic.vmo.Vmo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A service that classifies log lines with the bundled {@code classifier} engine, whose
 * {@code engine_init} compiles 320 regexes (seconds on Chicory). It warms the engine once,
 * snapshots it, and serves every request on a fresh clone: no request sees another's memory,
 * and none pays for the init. For comparison it serves the same requests by reusing one warm
 * instance (fast, but every request shares its state with the ones before) and by
 * instantiating and initializing per request (isolated, but slow).
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.ServeFromWarmPool -Dexec.args="200 2"</pre>
 */
public final class ServeFromWarmPool {
    private static final int OUT = 4096;
    private static final String[] LINES = {
        "GET /index.html HTTP/1.1 200",
        "ERROR disk full on /dev/sda1",
        "user alice logged in from 10.0.0.7",
        "card 4111-1111-1111-1111 charged",
        "WARN retrying connection to db-2",
        "the weather is nice today",
    };

    private ServeFromWarmPool() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int fresh = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        run(requests, fresh, System.out);
    }

    /** What each way of serving answered, in request order, and how fast it went. */
    public record Served(String how, List<String> answers, Duration elapsed) {
        double perSecond() {
            return answers.size() / (elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Serves {@code requests} lines three ways (the slow way only {@code freshRequests} of them)
     * and prints a table.
     */
    static List<Served> run(int requests, int freshRequests, PrintStream out) throws Exception {
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(2)).build();
        List<Served> served = new ArrayList<>();
        try (Host host = Host.builder().withDefaultLimits(limits).build()) {
            Engine classifier = host.load("classifier", Engines.bytes("classifier"));

            long t0 = System.nanoTime();
            // Warm beyond engine_init: one sample request fills the regex engines' lazy caches,
            // which every clone then shares instead of rebuilding them on its first request.
            try (Snapshot zygote = classifier.snapshot(limits, instance -> {
                Warmup.engineInit().run(instance);
                Request sample = new Request(String.join("\n", LINES));
                instance.call("engine_start", sample.input(), sample.output());
            })) {
                out.printf("warmed and snapshotted classifier in %d ms: %d pages, %.1f MiB committed%n",
                        (System.nanoTime() - t0) / 1_000_000, zygote.memoryPages(), zygote.committedBytes() / 1048576.0);
                served.add(onClones(zygote, requests));
            }
            served.add(onOneInstance(classifier, limits, requests));
            served.add(onFreshInstances(classifier, freshRequests));
        }
        out.printf("%-44s %9s %12s %10s%n", "how each request is served", "requests", "requests/s", "isolated");
        for (Served s : served) {
            out.printf("%-44s %9d %12.1f %10s%n", s.how(), s.answers().size(), s.perSecond(),
                    s.how().startsWith("one warm instance") ? "no" : "yes");
        }
        out.printf("first answers: %s%n", served.get(0).answers().subList(0, Math.min(3, requests)));
        return served;
    }

    /** Each request on its own clone, two at a time. */
    private static Served onClones(Snapshot zygote, int requests) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            long t0 = System.nanoTime();
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String line = LINES[i % LINES.length];
                answers.add(workers.submit(() -> {
                    Request r = new Request(line);
                    return r.answer(zygote.spawn().start(r.input(), r.output()).await());
                }));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> f : answers) {
                out.add(f.get());
            }
            return new Served("a fresh clone of the warm snapshot", out, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            workers.shutdownNow();
        }
    }

    /** Every request on one warm instance, one after another: its memory carries over. */
    private static Served onOneInstance(Engine classifier, Limits limits, int requests) {
        List<String> out = new ArrayList<>();
        long[] elapsed = new long[1];
        // A warm-up may call the engine's exports any number of times: here it is the whole service.
        try (Snapshot unused = classifier.snapshot(limits, instance -> {
            Warmup.engineInit().run(instance);
            long t0 = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                Request r = new Request(LINES[i % LINES.length]);
                Optional<Value> v = instance.call("engine_start", r.input(), r.output());
                out.add(r.answer(new ProcessResult.Returned(v)));
            }
            elapsed[0] = System.nanoTime() - t0;
        })) {
            return new Served("one warm instance, reused", out, Duration.ofNanos(elapsed[0]));
        }
    }

    /** Each request on a freshly instantiated and initialized process. */
    private static Served onFreshInstances(Engine classifier, int requests) {
        List<String> out = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            Request r = new Request(LINES[i % LINES.length]);
            try (Snapshot warm = classifier.snapshot()) {
                // The snapshot is this request's own instantiate + engine_init; it serves one request.
                out.add(r.answer(warm.spawn().start(r.input(), r.output()).await()));
            }
        }
        return new Served("instantiate + engine_init per request", out, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** One line in, its label out, each in a VMO of its own. */
    private record Request(Vmo in, Vmo out, int length) {
        Request(String line) {
            this(Vmo.create(OUT), Vmo.create(OUT), line.getBytes(StandardCharsets.UTF_8).length);
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8), 0);
        }

        Span input() {
            return Span.readOnly(in, 0, length + 1);
        }

        Span output() {
            return Span.writable(out, 0, OUT);
        }

        String answer(ProcessResult result) {
            if (!(result instanceof ProcessResult.Returned r) || r.value().orElseThrow().asLong() < 0) {
                throw new IllegalStateException("the classifier failed: " + result);
            }
            byte[] label = new byte[(int) r.value().orElseThrow().asLong()];
            out.read(label, 0);
            return new String(label, StandardCharsets.UTF_8).strip();
        }
    }
}
