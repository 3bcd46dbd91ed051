package dev.hermetic.flink;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/** A record of one tenant: which engine runs it is the tenant's. */
public record TenantRecord(String tenant, byte[] payload) implements Serializable {
    public TenantRecord {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantRecord other && tenant.equals(other.tenant) && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * tenant.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "TenantRecord[" + tenant + ", " + payload.length + " bytes]";
    }
}
