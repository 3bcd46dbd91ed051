package dev.hermetic.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The synchronous operator with bundling: records gather into a bundle that runs as one process
 * on one clone ({@link Bundling}'s codec joins them and splits the output), flushed when the
 * bundle reaches its record or byte bound, when its oldest record has waited the bundle's
 * delay, at the end of input, before a watermark and in {@link #prepareSnapshotPreBarrier}, so
 * every record that reached the operator before a checkpoint barrier has its result emitted
 * before the barrier: the operator holds no records in its state and needs none.
 *
 * <p>Each result keeps its record's timestamp. A record the codec does not accept runs alone
 * (the open bundle is flushed first, so results keep the input's order). A bundle that fails
 * (a status, trap, exit, deadline or memory kill) or whose output does not split into one
 * output per record runs again record by record, so one poison record fails alone and the
 * others get the answers they get alone; a bundle of records that each loop costs one deadline
 * more than running them alone did. A bundle killed by the task's cancellation is not rerun.
 * Failures also go to {@link Hermetic#FAILURES}. Runs on the task thread; processing-time
 * timers fire on it too, so nothing here is shared between threads.
 */
public final class HermeticBundleOperator extends AbstractStreamOperator<EngineResult>
        implements OneInputStreamOperator<byte[], EngineResult>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** Why a bundle was flushed; each has its counter, {@code flush.<cause>}. */
    enum Flush { SIZE, TIME, END_OF_INPUT, CHECKPOINT, WATERMARK, UNBUNDLED_RECORD }

    private final EngineSpec spec;
    private final Bundling bundling;
    private transient EnginePool.Lease lease;
    private transient OperatorMetrics metrics;
    private transient HostMeters hostMeters;
    /** The open bundle's records, timestamps and encoded size. */
    private transient List<byte[]> records;
    private transient List<Long> timestamps;
    private transient int bytes;
    /** The open bundle's delay timer; null when the bundle is empty. */
    private transient ScheduledFuture<?> timer;
    /** Counts bundles opened, so a timer of a bundle already flushed does nothing. */
    private transient long generation;
    /** Whether Flink may reuse input objects, so records held in a bundle must be copies. */
    private transient boolean copyRecords;

    public HermeticBundleOperator(EngineSpec spec, Bundling bundling) {
        if (spec.codec() != Codec.FILTER) {
            throw new IllegalArgumentException("bundles need the FILTER codec, not " + spec.codec());
        }
        this.spec = spec;
        this.bundling = bundling;
    }

    @Override
    public void open() throws Exception {
        super.open();
        records = new ArrayList<>();
        timestamps = new ArrayList<>();
        copyRecords = getExecutionConfig().isObjectReuseEnabled();
        long budget = TaskHeapShare.budgetBytes(getRuntimeContext().getTaskManagerRuntimeInfo().getConfiguration());
        lease = EnginePool.SHARED.acquire(spec, budget);
        metrics = new OperatorMetrics(getMetricGroup(), spec, lease.pool());
        hostMeters = HostMeters.mirror(lease.pool(), getMetricGroup());
    }

    @Override
    public void processElement(StreamRecord<byte[]> element) {
        byte[] record = copyRecords ? element.getValue().clone() : element.getValue();
        long timestamp = element.hasTimestamp() ? element.getTimestamp() : Long.MIN_VALUE;
        int size = bundling.codec().encodedSize(record);
        if (!bundling.codec().accepts(record) || size > bundling.maxBytes()) {
            flush(Flush.UNBUNDLED_RECORD);
            emit(Hermetic.runMetered(lease, metrics, record, failed -> side(failed, timestamp)), timestamp);
            return;
        }
        if (bytes + size > bundling.maxBytes()) {
            flush(Flush.SIZE);
        }
        if (records.isEmpty()) {
            long bundle = ++generation;
            long due = getProcessingTimeService().getCurrentProcessingTime() + bundling.maxDelay().toMillis();
            timer = getProcessingTimeService().registerTimer(due, t -> {
                if (generation == bundle) {
                    flush(Flush.TIME);
                }
            });
        }
        records.add(record);
        timestamps.add(timestamp);
        bytes += size;
        if (records.size() >= bundling.maxRecords() || bytes >= bundling.maxBytes()) {
            flush(Flush.SIZE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(Flush.WATERMARK);
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(Flush.CHECKPOINT);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush(Flush.END_OF_INPUT);
    }

    @Override
    public void finish() throws Exception {
        flush(Flush.END_OF_INPUT);
        super.finish();
    }

    /** Runs the open bundle, if any, and emits one result per record in the records' order. */
    private void flush(Flush cause) {
        if (records.isEmpty()) {
            return;
        }
        List<byte[]> bundle = records;
        List<Long> times = timestamps;
        records = new ArrayList<>();
        timestamps = new ArrayList<>();
        bytes = 0;
        generation++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        metrics.flushed(cause);
        long t0 = System.nanoTime();
        EngineResult joined = lease.run(bundling.codec().join(bundle));
        metrics.duration(System.nanoTime() - t0);
        List<byte[]> outputs = joined instanceof EngineResult.Ok ok ? bundling.codec().split(ok.output(), bundle.size()) : null;
        boolean cancelled = joined instanceof EngineResult.Failed f && f.kind() == FailureKind.KILLED;
        if (outputs == null && !cancelled) {
            // One poison record must not fail the others: each runs alone, as it would unbundled.
            metrics.bundleRetried();
            for (int i = 0; i < bundle.size(); i++) {
                long ts = times.get(i);
                emit(Hermetic.runMetered(lease, metrics, bundle.get(i), failed -> side(failed, ts)), ts);
            }
            return;
        }
        for (int i = 0; i < bundle.size(); i++) {
            EngineResult result = outputs != null ? new EngineResult.Ok(outputs.get(i)) : joined;
            metrics.outcome(result);
            if (result instanceof EngineResult.Failed failed) {
                side(new FailedRecord(bundle.get(i), failed), times.get(i));
            }
            emit(result, times.get(i));
        }
    }

    private void emit(EngineResult result, long timestamp) {
        output.collect(timestamp == Long.MIN_VALUE ? new StreamRecord<>(result) : new StreamRecord<>(result, timestamp));
    }

    private void side(FailedRecord failed, long timestamp) {
        output.collect(Hermetic.FAILURES,
                timestamp == Long.MIN_VALUE ? new StreamRecord<>(failed) : new StreamRecord<>(failed, timestamp));
    }

    @Override
    public void close() throws Exception {
        try {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (hostMeters != null) {
                hostMeters.close();
                hostMeters = null;
            }
            if (lease != null) {
                lease.close();
                lease = null;
            }
        } finally {
            super.close();
        }
    }
}
