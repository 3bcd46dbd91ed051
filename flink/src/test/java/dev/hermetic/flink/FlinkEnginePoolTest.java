package dev.hermetic.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Host;
import dev.hermetic.host.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlinkEnginePoolTest {

    private static EngineSpec json() {
        return EngineSpec.of("json", Engines.bytes("json")).build();
    }

    @Test
    void leasesOfOneEngineShareOneWarmSnapshotAndTheLastCloseReleasesIt() {
        EnginePool pool = new EnginePool(2);
        EngineSpec spec = json();
        EnginePool.Lease a = pool.acquire(spec);
        EnginePool.Lease b = pool.acquire(EngineSpec.of("json-again", Engines.bytes("json")).build());
        assertThat(pool.size()).isEqualTo(1);
        assertThat(pool.leases(spec.sha256())).isEqualTo(2);
        assertThat(a.run("[ 1 , 2 ]".getBytes(StandardCharsets.UTF_8))).isEqualTo(new EngineResult.Ok("[1,2]".getBytes(StandardCharsets.UTF_8)));
        a.close();
        a.close(); // a second close is no second release
        assertThat(pool.leases(spec.sha256())).isEqualTo(1);
        assertThat(b.run("{}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(EngineResult.Ok.class);
        b.close();
        assertThat(pool.size()).isZero();
    }

    @Test
    void aFullPoolRefusesAnotherEngineAndKeepsServingItsOwn() {
        EnginePool pool = new EnginePool(1);
        try (EnginePool.Lease lease = pool.acquire(json())) {
            assertThatThrownBy(() -> pool.acquire(EngineSpec.of("sha256", Engines.bytes("sha256")).build()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 engines");
            assertThat(lease.run("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(EngineResult.Ok.class);
        }
        assertThat(pool.size()).isZero();
    }

    @Test
    void aPreInitializedSpecCarriesNoInitAndSurvivesJavaSerialization() throws Exception {
        EngineSpec spec;
        // json rather than classifier: the classifier's init takes tens of seconds on this machine.
        try (Host host = Host.builder().build(); Snapshot warm = host.load("json", Engines.bytes("json")).snapshot()) {
            spec = EngineSpec.preInitialized("json", warm).withOutputCapacity(4096).build();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        EngineSpec shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (EngineSpec) in.readObject();
        }
        assertThat(shipped.sha256()).isEqualTo(spec.sha256());
        assertThat(shipped.isPreInitialized()).isTrue();
        assertThat(shipped.compressedBytes()).isLessThan(shipped.module().length);
        try (Host host = Host.builder().build()) {
            assertThat(host.inspect(shipped.module()).exports()).doesNotContain("engine_init", "_initialize");
        }
        EnginePool pool = new EnginePool(1);
        try (EnginePool.Lease lease = pool.acquire(shipped)) {
            assertThat(lease.run("{ \"b\": 1, \"a\": [true] }".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(new EngineResult.Ok("{\"a\":[true],\"b\":1}".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
