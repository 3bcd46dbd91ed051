package dev.hermetic.flink;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Runs records on clones of the spec's warm engine from a pool of {@code capacity} threads, for
 * {@link org.apache.flink.streaming.api.datastream.AsyncDataStream#unorderedWait}: as many clones
 * in flight as the async operator's capacity. The operator's outer timeout completes a record
 * as {@code Failed(DEADLINE)} rather than failing the task. Failures are results here; the
 * async operator has no side outputs.
 */
public final class HermeticAsyncFunction extends RichAsyncFunction<byte[], EngineResult> {
    private static final long serialVersionUID = 1L;

    /** The engine and how to run it; shipped in the job graph (the distributed cache is refused to async functions). */
    private final EngineSpec spec;
    /** Threads waiting on clones, one per record in flight; positive. */
    private final int capacity;
    /** This instance's hold on the JVM's warm engine; set in open, released in close. */
    private transient EnginePool.Lease lease;
    /** Where clones are awaited; set in open, shut down (interrupting, so in-flight clones are killed) in close. */
    private transient ExecutorService executor;
    /** This instance's meters; set in open. */
    private transient OperatorMetrics metrics;
    /** The host's meters in this instance's group; set in open, closed in close. */
    private transient HostMeters hostMeters;

    public HermeticAsyncFunction(EngineSpec spec, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.spec = spec;
        this.capacity = capacity;
    }

    @Override
    public void open(OpenContext context) {
        lease = EnginePool.SHARED.acquire(spec, TaskHeapShare.budgetBytes(getRuntimeContext()));
        metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup(), spec, lease.pool());
        hostMeters = HostMeters.mirror(lease.pool(), getRuntimeContext().getMetricGroup());
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(capacity, r -> {
            Thread t = new Thread(r, "hermetic-async-" + spec.name() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void asyncInvoke(byte[] record, ResultFuture<EngineResult> resultFuture) {
        executor.execute(() -> {
            long t0 = System.nanoTime();
            try {
                EngineResult result = lease.run(record);
                synchronized (metrics) {
                    metrics.record(result, System.nanoTime() - t0);
                }
                resultFuture.complete(List.of(result));
            } catch (RuntimeException e) {
                resultFuture.completeExceptionally(e);
            }
        });
    }

    @Override
    public void timeout(byte[] record, ResultFuture<EngineResult> resultFuture) {
        EngineResult result = new EngineResult.Failed(FailureKind.DEADLINE, "outer timeout of the async operator");
        synchronized (metrics) {
            metrics.record(result, 0);
        }
        resultFuture.complete(List.of(result));
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                // An interrupted wait kills its clone; give the kills time to land before the host closes.
                executor.awaitTermination(spec.deadline().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
        if (hostMeters != null) {
            hostMeters.close();
            hostMeters = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
