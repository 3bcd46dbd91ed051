package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.hooks.HookCaller;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.hooks.HookTable;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each hostile engine loads (except the WASI one) and does what its name says. */
class HostileEnginesTest {

    private static List<String> imports(String name) {
        return ChicoryEngine.module(name).importSection().stream()
                .map(i -> i.module() + "." + i.name()).toList();
    }

    @Test
    void everyEngineButTheWasiOneImportsFromVdsoOnly() {
        for (String name : Engines.names()) {
            List<String> modules = ChicoryEngine.module(name).importSection().stream()
                    .map(Import::module).distinct().toList();
            if (name.equals("hostile-wasi-import")) {
                assertThat(modules).containsExactlyInAnyOrder("wasi_snapshot_preview1", "env");
            } else {
                assertThat(modules).as(name).isSubsetOf("vdso");
            }
        }
        assertThat(imports("hostile-wasi-import"))
                .containsExactly("wasi_snapshot_preview1.fd_write", "env.clock_now");
    }

    @Test
    void wasiImportCannotBeInstantiatedWithTheVdsoAlone() {
        assertThatThrownBy(() -> ChicoryEngine.start("hostile-wasi-import"))
                .isInstanceOf(ChicoryException.class);
    }

    @Test
    void loopSpinsUntilInterrupted() {
        ChicoryEngine engine = ChicoryEngine.start("hostile-loop");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> engine.call("engine_start"))
                    .isInstanceOf(ChicoryInterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void memoryBombTakesEveryPageItIsAllowedThenExitsWithTheCount() {
        ChicoryEngine engine = ChicoryEngine.start("hostile-memory-bomb", new MemoryLimits(1, 40));
        assertThatThrownBy(() -> engine.call("engine_start"))
                .isInstanceOfSatisfying(ChicoryEngine.ProcessExit.class,
                        exit -> assertThat(exit.code).isEqualTo(39));
        assertThat(engine.memory().pages()).isEqualTo(40);
        assertThat(engine.memory().read(39 * 65536 + 4096)).isEqualTo((byte) 1);
    }

    @Test
    void recursionExhaustsTheStackAsAnExceptionAndTheHostCarriesOn() {
        assertThatThrownBy(() -> ChicoryEngine.start("hostile-recursion").call("engine_start"))
                .isInstanceOf(ChicoryException.class);
        assertThat(ChicoryEngine.start("hc-add").call("engine_start", 1, 2)[0]).isEqualTo(3);
    }

    @Test
    void outOfBoundsLoadAndStoreTrap() {
        assertThatThrownBy(() -> ChicoryEngine.start("hostile-oob-load").call("engine_start"))
                .isInstanceOf(WasmRuntimeException.class).hasMessageContaining("out of bounds");
        assertThatThrownBy(() -> ChicoryEngine.start("hostile-oob-store").call("engine_start"))
                .isInstanceOf(WasmRuntimeException.class).hasMessageContaining("out of bounds");
    }

    @Test
    void readonlyWriteWritesIntoTheSpanItIsGiven() {
        // Plain Chicory has no read-only pages: this shows the write the host must refuse.
        ChicoryEngine engine = ChicoryEngine.start("hostile-readonly-write");
        int span = engine.mapAfterEnd(4096);
        assertThat(engine.call("engine_start", span, 4096)[0]).isZero();
        assertThat(engine.memory().read(span)).isEqualTo((byte) 'X');
    }

    @Test
    void hugeFillTrapsWithoutTouchingMemoryWhileASmallFillWorks() {
        ChicoryEngine engine = ChicoryEngine.start("hostile-huge-fill");
        assertThatThrownBy(() -> engine.call("engine_start", 0xffff_ffffL))
                .isInstanceOf(WasmRuntimeException.class).hasMessageContaining("out of bounds");
        assertThat(engine.memory().readBytes(0, 65536)).containsOnly(0);
        assertThat(engine.call("engine_start", 65536)[0]).isZero();
        assertThat(engine.memory().readBytes(0, 65536)).containsOnly(0xaa);
    }

    @Test
    void rustPanicEndsWithExitCode101() {
        ChicoryEngine engine = ChicoryEngine.start("hostile-panic");
        assertThat(engine.call("hermetic_span_window_size")[0]).isEqualTo(16384);
        assertThatThrownBy(() -> engine.filter(new byte[] {1, 2, 3}, 4096))
                .isInstanceOfSatisfying(ChicoryEngine.ProcessExit.class,
                        exit -> assertThat(exit.code).isEqualTo(101));
    }

    @Test
    void deepExitEndsWithCodeSeven() {
        assertThatThrownBy(() -> ChicoryEngine.start("hostile-deep-exit").call("engine_start"))
                .isInstanceOfSatisfying(ChicoryEngine.ProcessExit.class,
                        exit -> assertThat(exit.code).isEqualTo(7));
    }

    @Test
    void hookRecursionExhaustsTheStackAsAnExceptionWhileCallingHooksAndTheHostCarriesOn() {
        AtomicLong echoes = new AtomicLong();
        HookTable table = HookTable.builder()
                .withHook("echo", (caller, args) -> {
                    echoes.incrementAndGet();
                    return args;
                })
                .build();
        try (HookGate gate = HookGate.builder(table, new HookCaller("p1", "hostile-hook-recursion"))
                .withGrants("echo").build()) {
            HookVdso vdso = new HookVdso(gate);
            assertThatThrownBy(() -> ChicoryEngine.start("hostile-hook-recursion", vdso).call("engine_start"))
                    .isInstanceOf(ChicoryException.class)
                    .hasRootCauseInstanceOf(StackOverflowError.class);
            // Thousands of levels deep, each one a hook call that ran the hook (the last calls
            // may have run out of stack in the vDSO or the gate before reaching it).
            assertThat(vdso.hookCalls()).isGreaterThan(1000);
            assertThat(echoes.get()).isBetween(vdso.hookCalls() - 3L, (long) vdso.hookCalls());
            assertThat(vdso.hookResults()).isZero();
        }
        // Without hooks (both calls answer NOT_SUPPORTED) it recurses out of stack all the same.
        assertThatThrownBy(() -> ChicoryEngine.start("hostile-hook-recursion").call("engine_start"))
                .isInstanceOf(ChicoryException.class);
        assertThat(ChicoryEngine.start("hc-add").call("engine_start", 1, 2)[0]).isEqualTo(3);
    }
}
