package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void processesAreCountedByOutcomeAndTimed() throws Exception {
        var registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withMeterRegistry(registry).build()) {
            Engine add = host.load("add", Fixtures.engine("hc-add"));
            for (int i = 0; i < 3; i++) {
                add.newProcess().start(Value.i32(i), Value.i32(1)).await();
            }
            host.load("oob", Fixtures.engine("hostile-oob-load")).newProcess().start().await();
            host.load("loop", Fixtures.engine("hostile-loop")).newProcess(
                    Limits.builder().withDeadline(Duration.ofMillis(50)).build()).start().await();
            host.load("exit", Fixtures.engine("hostile-deep-exit")).newProcess().start().await();

            assertThat(registry.get("hermetic.process.started").tag("engine", "add").counter().count()).isEqualTo(3);
            assertThat(registry.get("hermetic.process.ended").tags("engine", "add", "outcome", "returned")
                    .counter().count()).isEqualTo(3);
            assertThat(registry.get("hermetic.process.ended").tags("engine", "oob", "outcome", "trapped",
                    "detail", "out_of_bounds").counter().count()).isEqualTo(1);
            assertThat(registry.get("hermetic.process.ended").tags("engine", "loop", "outcome", "killed",
                    "detail", "deadline").counter().count()).isEqualTo(1);
            assertThat(registry.get("hermetic.process.ended").tags("engine", "exit", "outcome", "exited")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get("hermetic.process.duration").tags("engine", "add").timer().count()).isEqualTo(3);
            assertThat(registry.get("hermetic.process.kill.latency").tags("engine", "loop").timer().count()).isEqualTo(1);
            // Nothing runs now: no live process holds committed memory.
            assertThat(registry.get("hermetic.memory.committed").gauge().value()).isZero();
        }
    }

    @Test
    void aLiveProcessCountsItsCommittedBytes() throws Exception {
        var registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withMeterRegistry(registry).build()) {
            EngineProcess spinning = host.load(Fixtures.wasm("touch-then-spin"))
                    .newProcess(Limits.builder().withDeadline(Duration.ofMinutes(1)).build()).start();
            // The engine commits two pages, then spins; the gauge sees them while it lives.
            while (registry.get("hermetic.memory.committed").gauge().value() < 2 * 4096 && spinning.isAlive()) {
                Thread.onSpinWait();
            }
            assertThat(registry.get("hermetic.memory.committed").gauge().value()).isEqualTo(2 * 4096);
            spinning.kill();
            assertThat(spinning.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            assertThat(spinning.committedBytes()).isEqualTo(2 * 4096);
            assertThat(registry.get("hermetic.memory.committed").gauge().value()).isZero();
            assertThat(registry.get("hermetic.memory.cow.faults").counter().count())
                    .as("each committed page was one write fault").isEqualTo(2);
        }
    }

    @Test
    void withoutARegistryNothingIsKeptAndEverythingWorks() throws Exception {
        try (Host host = Host.builder().build()) {
            assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(2), Value.i32(2)).await())
                    .isEqualTo(new ProcessResult.Returned(java.util.Optional.of(Value.i32(4))));
        }
    }
}
