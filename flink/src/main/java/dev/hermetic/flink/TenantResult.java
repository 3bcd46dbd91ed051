package dev.hermetic.flink;

import java.io.Serializable;
import java.util.Objects;

/** What a tenant's record produced on the tenant's engine. */
public record TenantResult(String tenant, EngineResult result) implements Serializable {
    public TenantResult {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(result, "result");
    }
}
