package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineLoadingTest {

    @Test
    void loadingTheSameBytesTwiceReturnsTheCachedEngine() throws Exception {
        var registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withMeterRegistry(registry).build()) {
            Engine first = host.load(Fixtures.engine("hc-add"));
            Engine second = host.load(first.name(), Fixtures.engine("hc-add").clone()); // another name is refused: NamesAndGrantsTest
            assertThat(second).isSameAs(first);
            assertThat(first.sha256()).hasSize(64);
            assertThat(registry.get("hermetic.engine.cache").tag("result", "hit").counter().count()).isEqualTo(1);
            assertThat(registry.get("hermetic.engine.cache").tag("result", "miss").counter().count()).isEqualTo(1);
            assertThat(host.load(Fixtures.engine("hc-floats"))).isNotSameAs(first);
        }
    }

    @Test
    void anImportOutsideTheVdsoRefusesTheEngineNamingEveryOffender() throws Exception {
        try (Host host = Host.builder().build()) {
            assertThatThrownBy(() -> host.load(Fixtures.engine("hostile-wasi-import")))
                    .isInstanceOfSatisfying(EngineRefusedException.class, e -> assertThat(e.problems())
                            .hasSize(2)
                            .anySatisfy(p -> assertThat(p).contains("wasi_snapshot_preview1.fd_write"))
                            .anySatisfy(p -> assertThat(p).contains("env.clock_now")));
            // The host keeps working.
            assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(1), Value.i32(2)).await())
                    .isEqualTo(new ProcessResult.Returned(java.util.Optional.of(Value.i32(3))));
        }
    }

    @Test
    void hookImportsNeedTheHooksVariant() throws Exception {
        byte[] wasm = Fixtures.wasm("hook-proxy");
        try (Host exitOnly = Host.builder().build(); Host hooks = Host.builder().withVdso(Vdso.WITH_HOOKS).build()) {
            assertThatThrownBy(() -> exitOnly.load(wasm))
                    .isInstanceOfSatisfying(EngineRefusedException.class, e -> assertThat(e.problems())
                            .hasSize(2)
                            .anySatisfy(p -> assertThat(p).contains("vdso.hook_call"))
                            .anySatisfy(p -> assertThat(p).contains("vdso.hook_result")));
            // The hooks variant without a hook table: every name is unknown, ZX_ERR_NOT_FOUND.
            Value[] echo = {Value.i32(0), Value.i32(0), Value.i32(4), Value.i32(16), Value.i32(24), Value.i32(64), Value.i32(64)};
            assertThat(hooks.load(wasm).newProcess().start(echo).await())
                    .isEqualTo(new ProcessResult.Returned(java.util.Optional.of(Value.i64(-25))));
        }
    }

    @Test
    void aModuleWithoutEngineStartIsRefusedAndInspectSaysWhy() throws Exception {
        try (Host host = Host.builder().build()) {
            EngineInfo info = host.inspect(Fixtures.wasm("no-start"));
            assertThat(info.valid()).isFalse();
            assertThat(info.problems()).containsExactly("no exported function engine_start");
            assertThat(info.exports()).contains("engine_init: func [] -> []", "memory: memory");
            assertThatThrownBy(() -> host.load(Fixtures.wasm("no-start"))).isInstanceOf(EngineRefusedException.class);
            EngineInfo filter = host.inspect(Fixtures.wasm("filter-copy"));
            assertThat(filter.valid()).isTrue();
            assertThat(filter.imports()).containsExactly("vdso.process_exit: func [i64] -> []");
        }
    }

    @Test
    void mutatedModulesLoadOrFailWithATypedErrorAndNeverBreakTheHost() throws Exception {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        byte[] original = Fixtures.wasm("filter-copy");
        try (Host host = Host.builder().withExecutionMode(ExecutionMode.INTERPRETER).build()) {
            for (int round = 0; round < 300; round++) {
                byte[] mutated = original.clone();
                int edits = 1 + random.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    mutated = java.util.Arrays.copyOf(mutated, random.nextInt(mutated.length));
                }
                try {
                    host.load(mutated);
                } catch (HermeticException expected) {
                    assertThat(expected.getMessage()).as("seed %d round %d", seed, round).isNotBlank();
                } catch (RuntimeException | Error other) {
                    fail("seed " + seed + " round " + round + ": untyped " + other, other);
                }
            }
            assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23)).await())
                    .isEqualTo(new ProcessResult.Returned(java.util.Optional.of(Value.i32(40))));
        }
    }
}
