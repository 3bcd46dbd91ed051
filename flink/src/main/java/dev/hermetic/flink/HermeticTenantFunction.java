package dev.hermetic.flink;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs each tenant's records on that tenant's engine, over a stream keyed by tenant. A subtask
 * leases a tenant's engine from the JVM's pool on the tenant's first record and holds it until
 * close, so the pool's bound caps the distinct engines a task manager runs. A record of a
 * tenant with no engine is {@code Failed(REFUSED)}, not a task failure.
 */
public final class HermeticTenantFunction extends KeyedProcessFunction<String, TenantRecord, TenantResult> {
    private static final long serialVersionUID = 1L;

    /** Each tenant's engine; shipped in the job graph. */
    private final Map<String, EngineSpec> specs;
    /** The leases this subtask took, by tenant; filled on first use, closed in close. */
    private transient Map<String, EnginePool.Lease> leases;
    /** Meters by engine name: tenants sharing an engine name share its meters. */
    private transient Map<String, OperatorMetrics> metrics;
    /** The pool host's meters in this instance's group; set in open, closed in close. */
    private transient HostMeters hostMeters;

    public HermeticTenantFunction(Map<String, EngineSpec> specsByTenant) {
        this.specs = new HashMap<>(specsByTenant);
    }

    @Override
    public void open(OpenContext context) {
        leases = new HashMap<>();
        metrics = new HashMap<>();
        hostMeters = HostMeters.mirror(EnginePool.SHARED, getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(TenantRecord record, Context context, Collector<TenantResult> out) {
        EngineSpec spec = specs.get(record.tenant());
        if (spec == null) {
            EngineResult.Failed refused = new EngineResult.Failed(FailureKind.REFUSED, "no engine for tenant " + record.tenant());
            out.collect(new TenantResult(record.tenant(), refused));
            context.output(Hermetic.FAILURES, new FailedRecord(record.payload(), refused));
            return;
        }
        EnginePool.Lease lease = leases.computeIfAbsent(record.tenant(), t -> EnginePool.SHARED.acquire(spec, TaskHeapShare.budgetBytes(getRuntimeContext())));
        OperatorMetrics meters = metrics.computeIfAbsent(spec.name(),
                n -> new OperatorMetrics(getRuntimeContext().getMetricGroup(), spec, EnginePool.SHARED));
        EngineResult result = Hermetic.runMetered(lease, meters, record.payload(),
                failed -> context.output(Hermetic.FAILURES, failed));
        out.collect(new TenantResult(record.tenant(), result));
    }

    @Override
    public void close() {
        if (hostMeters != null) {
            hostMeters.close();
            hostMeters = null;
        }
        if (leases != null) {
            leases.values().forEach(EnginePool.Lease::close);
            leases = null;
        }
    }
}
