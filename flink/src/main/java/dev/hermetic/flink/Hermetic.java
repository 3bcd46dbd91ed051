package dev.hermetic.flink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Hermetic engines as Flink operators: each record runs on its own copy-on-write clone of one
 * warm snapshot per engine per task manager, and comes out as an {@link EngineResult}.
 *
 * <pre>{@code
 * EngineSpec spec = EngineSpec.of("json", Engines.bytes("json")).build();
 * SingleOutputStreamOperator<EngineResult> results = Hermetic.process(records, spec);
 * DataStream<FailedRecord> deadLetters = results.getSideOutput(Hermetic.FAILURES);
 * }</pre>
 */
public final class Hermetic {
    /** The records whose engine produced no output, with why; every failure is also in the main output. */
    public static final OutputTag<FailedRecord> FAILURES =
            new OutputTag<>("hermetic-failures", TypeInformation.of(FailedRecord.class));

    /** What every operator emits. */
    public static final TypeInformation<EngineResult> RESULT = TypeInformation.of(new TypeHint<EngineResult>() {});

    /** A record's type: its bytes. */
    static final TypeInformation<byte[]> BYTES = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;

    private Hermetic() {}

    /** Runs one record, meters it, and hands a failure with its input to {@code failures}. */
    static EngineResult runMetered(EnginePool.Lease lease, OperatorMetrics metrics, byte[] record,
            Consumer<FailedRecord> failures) {
        long t0 = System.nanoTime();
        EngineResult result = lease.run(record);
        metrics.record(result, System.nanoTime() - t0);
        if (result instanceof EngineResult.Failed failed) {
            failures.accept(new FailedRecord(record, failed));
        }
        return result;
    }

    /**
     * Each tenant's records on that tenant's engine, keyed by tenant so one tenant's records
     * stay on one subtask; failures also to {@link #FAILURES}.
     */
    public static SingleOutputStreamOperator<TenantResult> processTenants(DataStream<TenantRecord> records,
            Map<String, EngineSpec> specsByTenant) {
        return records.keyBy(TenantRecord::tenant)
                .process(new HermeticTenantFunction(specsByTenant), TypeInformation.of(TenantResult.class))
                .name("hermetic-tenants");
    }

    /** One process per record, on the task's thread; failures also to {@link #FAILURES}. */
    public static SingleOutputStreamOperator<EngineResult> process(DataStream<byte[]> records, EngineSpec spec) {
        return records.process(new HermeticProcessFunction(spec), RESULT).name("hermetic-" + spec.name());
    }

    /** {@link #process} over text records, each encoded as UTF-8. */
    public static SingleOutputStreamOperator<EngineResult> processText(DataStream<String> records, EngineSpec spec) {
        return process(records.map(s -> s.getBytes(StandardCharsets.UTF_8), BYTES)
                .name("utf8-" + spec.name()), spec);
    }

    /**
     * Records in bundles, one process per bundle ({@link HermeticBundleOperator}): for engines
     * whose per-process cost dwarfs a record's (the classifier), at the price of a bundle's delay.
     * A bundle is flushed at its size and time bounds, at the end of input, and before a
     * checkpoint barrier or watermark passes; failures also to {@link #FAILURES}.
     */
    public static SingleOutputStreamOperator<EngineResult> processBundled(DataStream<byte[]> records, EngineSpec spec,
            Bundling bundling) {
        return records.transform("hermetic-bundled-" + spec.name(), RESULT, new HermeticBundleOperator(spec, bundling));
    }

    /** {@link #processBundled} over text records, each encoded as UTF-8. */
    public static SingleOutputStreamOperator<EngineResult> processTextBundled(DataStream<String> records, EngineSpec spec,
            Bundling bundling) {
        return processBundled(records.map(s -> s.getBytes(StandardCharsets.UTF_8), BYTES)
                .name("utf8-" + spec.name()), spec, bundling);
    }

    /**
     * Up to {@code clonesInFlight} processes at once per operator instance, results in
     * completion order ({@link AsyncDataStream#unorderedWait}). A record not done by the spec's
     * deadline plus {@code margin} completes as {@code Failed(DEADLINE)}.
     */
    public static SingleOutputStreamOperator<EngineResult> processAsync(DataStream<byte[]> records, EngineSpec spec,
            int clonesInFlight, Duration margin) {
        long timeout = spec.deadline().plus(margin).toMillis();
        return AsyncDataStream.unorderedWait(records, new HermeticAsyncFunction(spec, clonesInFlight),
                        timeout, TimeUnit.MILLISECONDS, clonesInFlight)
                .returns(RESULT)
                .name("hermetic-async-" + spec.name());
    }
}
