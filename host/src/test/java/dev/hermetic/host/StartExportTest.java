package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ABI never calls an exported _start: fresh processes, clones and warm processes alike. */
class StartExportTest {

    @Test
    void anExportedStartNeverRuns() throws Exception {
        ProcessResult untouched = new ProcessResult.Returned(Optional.of(Value.i32(7)));
        try (Host host = Host.builder().build()) {
            Engine engine = host.load(Fixtures.wasm("exports-start"));
            assertThat(engine.newProcess().start().await()).isEqualTo(untouched);
            try (Snapshot zygote = engine.snapshot()) {
                assertThat(zygote.spawn().start().await()).isEqualTo(untouched);
            }
            try (WarmProcess warm = engine.warmProcess()) {
                assertThat(warm.call()).isEqualTo(untouched);
            }
        }
    }
}
