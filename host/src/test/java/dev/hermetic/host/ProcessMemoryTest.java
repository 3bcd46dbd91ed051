package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What VMO-backed process memory promises beyond Wasm: a shared copy-on-write image, direct spans, the commit quota. */
class ProcessMemoryTest {

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void everyProcessStartsFromThePristineImageWhateverOthersWrote(ExecutionMode mode) throws Exception {
        long hermetic = ByteBuffer.wrap("hermetic".getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ProcessResult expected = new ProcessResult.Returned(Optional.of(Value.i64(hermetic + 0x2a)));
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load(Fixtures.wasm("data-image"));
            // Each process reads the data segments, then overwrites them in its own memory.
            List<EngineProcess> parallel = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                parallel.add(engine.newProcess().start());
            }
            for (EngineProcess p : parallel) {
                assertThat(p.await()).isEqualTo(expected);
            }
            assertThat(engine.newProcess().start().await()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void initializeRunsBeforeEngineStart(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            assertThat(host.load(Fixtures.wasm("init-counter")).newProcess().start().await())
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(42))));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void committingMoreThanTheQuotaIsAMemoryLimitKill(ExecutionMode mode) throws Exception {
        Limits tight = Limits.builder().withMaxMemoryPages(1024).withMaxCommittedBytes(1 << 20).build();
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            EngineProcess bomb = host.load(Fixtures.engine("hostile-memory-bomb")).newProcess(tight).start();
            assertThat(bomb.await()).isEqualTo(new ProcessResult.Killed(KillReason.MEMORY_LIMIT));
            assertThat(bomb.committedBytes()).isLessThanOrEqualTo(1 << 20);
            assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23)).await())
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
        }
    }
}
