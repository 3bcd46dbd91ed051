package dev.hermetic.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs each record on its own clone of the spec's warm engine, on the task's thread, and emits
 * its {@link EngineResult}. A failure is emitted too, and also to {@link Hermetic#FAILURES} with
 * the input, so a deterministic engine failure never fails the task (no restart loop). A
 * cancelled task interrupts the thread waiting on a clone, and the clone is killed.
 */
public final class HermeticProcessFunction extends ProcessFunction<byte[], EngineResult> {
    private static final long serialVersionUID = 1L;

    /** The engine and how to run it; shipped in the job graph. */
    private final EngineSpec spec;
    /** This instance's hold on the JVM's warm engine; set in open, released in close. */
    private transient EnginePool.Lease lease;
    /** This instance's meters; set in open. */
    private transient OperatorMetrics metrics;
    /** The host's meters in this instance's group; set in open, closed in close. */
    private transient HostMeters hostMeters;

    public HermeticProcessFunction(EngineSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext context) {
        lease = EnginePool.SHARED.acquire(spec, TaskHeapShare.budgetBytes(getRuntimeContext()));
        metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup(), spec, lease.pool());
        hostMeters = HostMeters.mirror(lease.pool(), getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(byte[] record, Context context, Collector<EngineResult> out) {
        out.collect(Hermetic.runMetered(lease, metrics, record, failed -> context.output(Hermetic.FAILURES, failed)));
    }

    @Override
    public void close() {
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
