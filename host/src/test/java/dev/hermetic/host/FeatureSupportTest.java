package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import dev.hermetic.host.internal.wasm.ModuleFeatures;
import dev.hermetic.host.internal.wasm.ModuleGate;
import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.code.CodeDecoderTest;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Feature honesty: a module that uses a WebAssembly feature the host's mode does not run is
 * refused at load and inspect, naming the feature and where it is used; one that uses only
 * features the mode runs, runs. Each refusal is checked against plain Chicory too, so the table
 * in RuntimeSupport stays true when Chicory changes.
 */
class FeatureSupportTest {

    private static ProcessResult run(ExecutionMode mode, String fixture) throws InterruptedException {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            return host.load(Fixtures.wasm(fixture)).newProcess().start().await();
        }
    }

    private static void assertRefused(ExecutionMode mode, String fixture, String... phrases) {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            byte[] wasm = Fixtures.wasm(fixture);
            assertThatThrownBy(() -> host.load(wasm)).isInstanceOf(EngineRefusedException.class).hasMessageContainingAll(phrases);
            assertThatThrownBy(() -> host.inspect(wasm)).isInstanceOf(EngineRefusedException.class).hasMessageContainingAll(phrases);
        }
    }

    /** What plain Chicory does with the fixture in {@code mode}: the result or the failure. */
    private static String onChicory(ExecutionMode mode, String fixture) {
        try {
            var builder = Instance.builder(Parser.parse(Fixtures.wasm(fixture)));
            if (mode == ExecutionMode.COMPILED) {
                builder.withMachineFactory(MachineFactoryCompiler::compile);
            }
            return "returned " + builder.build().export("engine_start").apply()[0];
        } catch (RuntimeException | StackOverflowError e) {
            return e.toString();
        }
    }

    /** The gate, and the modes' support, pass every module the repository ships that uses no unsupported feature on purpose. */
    @Test
    void everyShippedModulePassesTheGate() {
        for (var e : CodeDecoderTest.modules().entrySet()) {
            if (e.getKey().startsWith("wat/feature-") || e.getKey().equals("wat/portable-globals")) {
                continue; // these use unsupported features on purpose
            }
            ModuleFeatures features = ModuleGate.check(e.getValue(), CodeDecoder.DEFAULT_MAX_LOCALS);
            for (ExecutionMode mode : ExecutionMode.values()) {
                assertThat(RuntimeSupport.refusals(features, mode)).as("%s in %s", e.getKey(), mode).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void simdInstructionsAreRefusedNamingTheInstructionAndFunction(ExecutionMode mode) {
        assertRefused(mode, "feature-simd", "uses SIMD (v128.const in function 0), which neither mode of this runtime executes");
        assertThat(onChicory(mode, "feature-simd")).contains(mode == ExecutionMode.COMPILED
                ? "Unhandled opcode: V128_CONST" : "Machine doesn't recognize Instruction");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void v128GlobalsWithoutSimdInstructionsStillLoad(ExecutionMode mode) throws InterruptedException {
        assertThat(run(mode, "feature-v128-global")).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(3))));
        // portable-globals keeps its v128 getters for V8: the host refuses it for their instructions
        assertRefused(mode, "portable-globals", "uses SIMD (i64x2.extract_lane in function ");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void legacyExceptionHandlingIsRefused(ExecutionMode mode) {
        assertRefused(mode, "feature-legacy-eh", "uses legacy exception handling", "try in function 0", "try_table");
        assertThat(onChicory(mode, "feature-legacy-eh")).contains("illegal opcode, op value 06");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void memory64IsRefused(ExecutionMode mode) {
        assertRefused(mode, "feature-memory64", "uses memory64 (64-bit indices (memory 0))");
        assertThat(onChicory(mode, "feature-memory64")).contains("invalid memory limit: 4");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void sharedMemoryAndAtomicsAreRefused(ExecutionMode mode) {
        assertRefused(mode, "feature-threads", "uses threads", "a shared memory (memory 0)");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void aSecondMemoryIsRefused(ExecutionMode mode) {
        assertRefused(mode, "feature-multi-memory", "uses multi-memory", "memory 1 (more than one memory)");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void everyWasm2ProposalButSimdRuns(ExecutionMode mode) throws InterruptedException {
        assertThat(run(mode, "feature-wasm2")).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(1))));
    }

    /**
     * The new exception-handling encoding, assembled by hand (wabt 1.0.32 knows only the legacy
     * one): engine_start throws tag 0 with 7 inside a try_table whose catch clause branches out
     * of the enclosing block with the payload, and returns it.
     */
    static byte[] tryTable() {
        int[] name = {'e', 'n', 'g', 'i', 'n', 'e', '_', 's', 't', 'a', 'r', 't'};
        int[] exports = {0x02, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x0c};
        int[] exportsTail = {0x00, 0x00};
        int[] export = new int[exports.length + name.length + exportsTail.length];
        System.arraycopy(exports, 0, export, 0, exports.length);
        System.arraycopy(name, 0, export, exports.length, name.length);
        System.arraycopy(exportsTail, 0, export, exports.length + name.length, exportsTail.length);
        return LoadGateTest.module(
                1, new int[] {0x02, 0x60, 0x00, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x00},
                3, new int[] {0x01, 0x00},
                5, new int[] {0x01, 0x00, 0x01},
                13, new int[] {0x01, 0x00, 0x01},
                7, export,
                10, new int[] {0x01, 0x12, 0x00,
                    0x02, 0x7f, // block (result i32)
                    0x1f, 0x7e, 0x01, 0x00, 0x00, 0x00, // try_table (result i64) (catch 0 0)
                    0x41, 0x07, 0x08, 0x00, // throw 0 (i32.const 7)
                    0x0b, 0x0f, // end, return
                    0x0b, 0xac, 0x0b}); // end, i64.extend_i32_s, end
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void tryTableAndThrowRun(ExecutionMode mode) throws InterruptedException {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            assertThat(host.load(tryTable()).newProcess().start().await())
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(7))));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void tailCallsRunInConstantStackOnlyInTheInterpreter(ExecutionMode mode) throws InterruptedException {
        if (mode == ExecutionMode.INTERPRETER) {
            assertThat(run(mode, "feature-tail-call")).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(100_000))));
        } else {
            assertRefused(mode, "feature-tail-call", "uses tail calls (return_call in function 0), which the compiled mode "
                    + "does not execute (the interpreter mode does)");
            assertThat(onChicory(mode, "feature-tail-call")).contains("call stack exhausted");
        }
    }
}
