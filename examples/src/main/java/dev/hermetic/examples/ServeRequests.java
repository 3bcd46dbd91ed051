package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.FilterResult;
import dev.hermetic.host.Host;
import dev.hermetic.host.HostBusyException;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's shape: N worker threads take requests off one queue and serve each on a fresh,
 * isolated clone of one warm {@code json} snapshot. The workers are the server's own threads,
 * made with an 8 MiB stack and stated to the host ({@code withCallerStackBytes}), so each
 * request runs on the worker that took it, with no hand-off to an engine thread; the
 * snapshot's pooled instances make a spawn build nothing. Admission control bounds the
 * processes, so overload is a {@link HostBusyException} to answer with a 503, not a pile-up.
 * Prints requests/s and the p50 and p99 latency.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.ServeRequests -Dexec.args="4 20000"</pre>
 */
public final class ServeRequests {
    private static final long WORKER_STACK = Limits.DEFAULT_STACK_BYTES;
    private static final String[] DOCUMENTS = {
        "{\"a\":[1,2,3],\"b\":{\"c\":\"d\"}}",
        "{\"user\":\"alice\",\"roles\":[\"admin\",\"ops\"],\"age\":41}",
        "[true,false,null,1.5e3,\"\\u00e9\"]",
        "{\"z\":{\"y\":{\"x\":{\"w\":[]}}}}",
    };

    private ServeRequests() {}

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        run(workers, requests, System.out);
    }

    /**
     * What the server did.
     *
     * @param answers each request's output, by request number (null for a refused one)
     * @param refused requests the host refused as busy
     */
    public record Report(List<String> answers, int refused, double perSecond, double p50Micros, double p99Micros) {}

    /** Serves {@code requests} requests (the documents in turn) from {@code workers} threads and prints the figures. */
    static Report run(int workers, int requests, PrintStream out) throws Exception {
        String[] answers = new String[requests];
        long[] nanos = new long[requests];
        AtomicInteger refused = new AtomicInteger();
        try (Host host = Host.builder()
                .withCallerStackBytes(WORKER_STACK)
                .withMaxConcurrentProcesses(workers, workers)
                .build();
                Snapshot zygote = host.load("json", Engines.bytes("json")).snapshot()) {
            BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(requests + workers);
            for (int i = 0; i < requests; i++) {
                queue.add(i);
            }
            for (int i = 0; i < workers; i++) {
                queue.add(-1); // one stop sign per worker
            }
            List<Thread> threads = new ArrayList<>();
            Throwable[] failure = new Throwable[1];
            long t0 = System.nanoTime();
            for (int w = 0; w < workers; w++) {
                Thread t = new Thread(null, () -> {
                    try {
                        for (int id; (id = queue.take()) >= 0; ) {
                            byte[] document = DOCUMENTS[id % DOCUMENTS.length].getBytes(StandardCharsets.UTF_8);
                            long start = System.nanoTime();
                            try {
                                FilterResult r = zygote.filter(document);
                                answers[id] = r instanceof FilterResult.Output o
                                        ? new String(o.bytes(), StandardCharsets.UTF_8) : r.toString();
                            } catch (HostBusyException e) {
                                refused.incrementAndGet(); // a real server answers 503 here
                            }
                            nanos[id] = System.nanoTime() - start;
                        }
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                }, "worker-" + w, WORKER_STACK);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            long elapsed = System.nanoTime() - t0;
            if (failure[0] != null) {
                throw new IllegalStateException("a worker failed", failure[0]);
            }
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            Report report = new Report(Arrays.asList(answers), refused.get(), requests * 1e9 / elapsed,
                    sorted[requests / 2] / 1e3, sorted[Math.min(requests - 1, (int) (requests * 0.99))] / 1e3);
            out.printf("%d workers served %d requests on fresh clones of json: %.0f requests/s, p50 %.1f us, p99 %.1f us,"
                    + " %d refused%n", workers, requests, report.perSecond(), report.p50Micros(), report.p99Micros(),
                    report.refused());
            return report;
        }
    }
}
