package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Engine;
import dev.hermetic.host.Host;
import dev.hermetic.host.FilterRequest;
import dev.hermetic.host.FilterResult;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Span;
import dev.hermetic.host.WarmProcess;
import dev.hermetic.host.Warmup;
import dev.hermetic.vmo.Vmo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A service that classifies log lines with the bundled {@code classifier} engine, whose
 * {@code engine_init} compiles 320 regexes (seconds on Chicory). It warms the engine once,
 * snapshots it, and serves every request on a fresh clone: no request sees another's memory,
 * and none pays for the init. For comparison it serves the same requests by reusing one warm
 * process ({@link WarmProcess}: fast, but every request shares its state with the ones before) and by
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
                byte[] sample = input(String.join("\n", LINES));
                try (Vmo in = Vmo.create(sample.length); Vmo labels = Vmo.create(OUT)) {
                    in.write(sample, 0);
                    instance.call("engine_start", Span.readOnly(in, 0, sample.length), Span.writable(labels, 0, OUT));
                }
            })) {
                out.printf("warmed and snapshotted classifier in %d ms: %d pages, %.1f MiB committed%n",
                        (System.nanoTime() - t0) / 1_000_000, zygote.memoryPages(), zygote.committedBytes() / 1048576.0);
                served.add(onClones(zygote, requests));
            }
            served.add(onOneInstance(classifier, limits, requests));
            served.add(onFreshInstances(classifier, limits, freshRequests));
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
                byte[] line = input(LINES[i % LINES.length]);
                answers.add(workers.submit(() -> answer(zygote.filter(FilterRequest.of(line).withOutputCapacity(OUT)))));
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

    /** Every request on one warm process, one after another: its memory carries over. */
    private static Served onOneInstance(Engine classifier, Limits limits, int requests) throws InterruptedException {
        List<String> out = new ArrayList<>();
        try (WarmProcess warm = classifier.warmProcess(limits)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                out.add(answer(warm.filter(FilterRequest.of(input(LINES[i % LINES.length])).withOutputCapacity(OUT))));
            }
            return new Served("one warm instance, reused", out, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** Each request on a freshly instantiated and initialized process. */
    private static Served onFreshInstances(Engine classifier, Limits limits, int requests) throws InterruptedException {
        List<String> out = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            try (WarmProcess fresh = classifier.warmProcess(limits)) {
                out.add(answer(fresh.filter(FilterRequest.of(input(LINES[i % LINES.length])).withOutputCapacity(OUT))));
            }
        }
        return new Served("instantiate + engine_init per request", out, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static byte[] input(String line) {
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String answer(FilterResult result) {
        return new String(result.output(), StandardCharsets.UTF_8).strip();
    }
}
