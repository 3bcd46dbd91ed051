package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every packaged engine (the deliberate WASI one aside) keeps the shape ABI.md promises. */
class AbiConformanceTest {

    /** The engines that make hook calls; every other engine imports at most process_exit. */
    static final Set<String> HOOK_ENGINES = Set.of("kv-lookup", "hostile-hook-recursion");

    /** The vDSO imports and their types. */
    static final Map<String, FunctionType> VDSO = Map.of(
            "vdso.process_exit", FunctionType.of(List.of(ValType.I64), List.of()),
            "vdso.hook_call", HookVdso.HOOK_CALL,
            "vdso.hook_result", HookVdso.HOOK_RESULT);

    private static List<String> conforming() {
        return Engines.names().stream().filter(name -> !name.equals("hostile-wasi-import")).toList();
    }

    /** Each import of {@code name} with its type, by "module.name". */
    private static Map<String, FunctionType> imports(String name) {
        WasmModule module = ChicoryEngine.module(name);
        Map<String, FunctionType> imports = new TreeMap<>();
        for (Import anImport : module.importSection().stream().toList()) {
            assertThat(anImport).as(name).isInstanceOf(FunctionImport.class);
            imports.put(anImport.module() + "." + anImport.name(),
                    module.typeSection().getType(((FunctionImport) anImport).typeIndex()));
        }
        return imports;
    }

    @Test
    void importsAreExactlyVdsoProcessExitWithItsType() {
        for (String name : conforming()) {
            if (HOOK_ENGINES.contains(name)) {
                continue;
            }
            Map<String, FunctionType> imports = imports(name);
            assertThat(imports.keySet()).as(name).isSubsetOf("vdso.process_exit");
            imports.forEach((field, type) -> assertThat(type).as(name).isEqualTo(VDSO.get(field)));
        }
    }

    @Test
    void hookEnginesImportTheHookCallsAndNothingElseOutsideTheVdso() {
        assertThat(Engines.names()).containsAll(HOOK_ENGINES);
        for (String name : HOOK_ENGINES) {
            Map<String, FunctionType> imports = imports(name);
            assertThat(imports.keySet()).as(name).contains("vdso.hook_call").isSubsetOf(VDSO.keySet());
            imports.forEach((field, type) -> assertThat(type).as(name + " " + field).isEqualTo(VDSO.get(field)));
        }
        assertThat(imports("kv-lookup")).isEqualTo(VDSO);
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
        // The real filters, hostile-panic, kv-lookup, libc-probe, sjlj, lua and sqlite.
        assertThat(windows).isEqualTo(Workloads.FILTERS.size() + 6);
    }

    @Test
    void everyLogStartsEmptyWithAHeaderThatKeepsItsInvariants() {
        int logs = 0;
        for (String name : conforming()) {
            ChicoryEngine engine = ChicoryEngine.start(name);
            if (!engine.exports("hermetic_log")) {
                continue;
            }
            logs++;
            int header = (int) engine.call("hermetic_log")[0];
            long ring = Integer.toUnsignedLong(engine.memory().readInt(header));
            long capacity = Integer.toUnsignedLong(engine.memory().readInt(header + 4));
            assertThat(capacity).as(name).isEqualTo(64 * 1024);
            assertThat(ring % ChicoryEngine.PAGE).as("%s: the ring has pages of its own", name).isZero();
            assertThat(ring + capacity).as(name).isLessThanOrEqualTo(engine.memory().pages() * 65536L);
            assertThat(engine.memory().readLong(header + 8)).as(name).isZero();
        }
        // Every C engine on the SDK's libc (lua and sqlite among them) and every Rust engine.
        assertThat(logs).isEqualTo(Workloads.FILTERS.size() + 6);
    }
}
