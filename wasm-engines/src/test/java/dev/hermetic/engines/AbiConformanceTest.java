package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every packaged engine (the deliberate WASI one aside) keeps the shape ABI.md promises. */
class AbiConformanceTest {

    private static List<String> conforming() {
        return Engines.names().stream().filter(name -> !name.equals("hostile-wasi-import")).toList();
    }

    @Test
    void importsAreExactlyVdsoProcessExitWithItsType() {
        for (String name : conforming()) {
            WasmModule module = ChicoryEngine.module(name);
            for (Import anImport : module.importSection().stream().toList()) {
                assertThat(anImport.module() + "." + anImport.name()).as(name).isEqualTo("vdso.process_exit");
                FunctionType type = module.typeSection().getType(((FunctionImport) anImport).typeIndex());
                assertThat(type).as(name).isEqualTo(FunctionType.of(List.of(ValType.I64), List.of()));
            }
        }
    }

    @Test
    void everyEngineExportsMemoryAndEngineStart() {
        for (String name : conforming()) {
            ChicoryEngine engine = ChicoryEngine.start(name);
            assertThat(engine.exports("memory")).as(name).isTrue();
            assertThat(engine.exports("engine_start")).as(name).isTrue();
        }
    }

    @Test
    void spanWindowsArePageAlignedWholePagesInsideTheInitialMemory() {
        int windows = 0;
        for (String name : conforming()) {
            ChicoryEngine engine = ChicoryEngine.start(name);
            assertThat(engine.exports("hermetic_span_window"))
                    .as(name).isEqualTo(engine.exports("hermetic_span_window_size"));
            if (!engine.exports("hermetic_span_window")) {
                continue;
            }
            windows++;
            long base = engine.call("hermetic_span_window")[0];
            long size = engine.call("hermetic_span_window_size")[0];
            assertThat(base % ChicoryEngine.PAGE).as(name).isZero();
            assertThat(size % ChicoryEngine.PAGE).as(name).isZero();
            assertThat(size).as(name).isPositive();
            assertThat(base + size).as(name).isLessThanOrEqualTo(engine.memory().pages() * 65536L);
            assertThat(engine.memory().readBytes((int) base, (int) size)).as(name).containsOnly(0);
        }
        assertThat(windows).isEqualTo(Workloads.FILTERS.size() + 1);
    }
}
