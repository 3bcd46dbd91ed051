package dev.hermetic.host;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.host.abi.Abi;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Checks a parsed module against the engine ABI: vDSO imports only, the required exports, their types. */
final class EngineChecker {

    /** The one signature each vDSO function has. */
    private static final Map<String, FunctionType> VDSO_TYPES = Map.of(
            Abi.PROCESS_EXIT, FunctionType.of(List.of(ValType.I64), List.of()),
            Abi.HOOK_CALL, FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32,
                    ValType.I32, ValType.I32), List.of(ValType.I64)),
            Abi.HOOK_RESULT, FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64)));
    private static final FunctionType NO_ARGS = FunctionType.empty();
    private static final FunctionType RETURNS_I32 = FunctionType.returning(ValType.I32);

    private EngineChecker() {}

    public static EngineInfo inspect(WasmModule module, Vdso vdso) {
        List<String> imports = new ArrayList<>();
        List<String> exports = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        var importSection = module.importSection();
        for (int i = 0; i < importSection.importCount(); i++) {
            Import imp = importSection.getImport(i);
            String where = imp.module() + "." + imp.name();
            String signature = describe(module, imp);
            imports.add(where + ": " + signature);
            if (!imp.module().equals(Abi.VDSO_MODULE)
                    || !vdso.functions().contains(imp.name())
                    || imp.importType() != ExternalType.FUNCTION) {
                problems.add("import " + where + " (" + signature + ") is outside the vDSO "
                        + vdso.name().toLowerCase(Locale.ROOT));
            } else if (!functionType(module, imp).equals(VDSO_TYPES.get(imp.name()))) {
                problems.add("import " + where + " must be func " + typeString(VDSO_TYPES.get(imp.name()))
                        + ", not " + signature);
            }
        }
        var exportSection = module.exportSection();
        for (int i = 0; i < exportSection.exportCount(); i++) {
            Export e = exportSection.getExport(i);
            exports.add(e.name() + ": " + describe(module, e));
        }
        Optional<FunctionType> start = exportedFunction(module, Abi.ENGINE_START);
        if (start.isEmpty()) {
            problems.add("no exported function " + Abi.ENGINE_START);
        } else {
            FunctionType t = start.get();
            for (ValType p : t.params()) {
                if (!isNumber(p)) {
                    problems.add(Abi.ENGINE_START + " takes a " + p + "; only i32, i64, f32 and f64 cross the boundary");
                }
            }
            if (t.returns().size() > 1 || (t.returns().size() == 1 && !isNumber(t.returns().get(0)))) {
                problems.add(Abi.ENGINE_START + " must return nothing or one number, not " + t.returns());
            }
        }
        if (findExport(module, Abi.MEMORY).filter(e -> e.exportType() == ExternalType.MEMORY).isEmpty()) {
            problems.add("no exported memory named " + Abi.MEMORY);
        }
        requireType(module, Abi.ENGINE_INIT, NO_ARGS, problems);
        requireType(module, Abi.INITIALIZE, NO_ARGS, problems);
        requireType(module, Abi.SPAN_WINDOW, RETURNS_I32, problems);
        requireType(module, Abi.SPAN_WINDOW_SIZE, RETURNS_I32, problems);
        requireType(module, Abi.LOG, RETURNS_I32, problems);
        if (findExport(module, Abi.SPAN_WINDOW).isPresent() != findExport(module, Abi.SPAN_WINDOW_SIZE).isPresent()) {
            problems.add(Abi.SPAN_WINDOW + " and " + Abi.SPAN_WINDOW_SIZE + " come together");
        }
        return new EngineInfo(imports, exports, problems);
    }

    private static void requireType(WasmModule module, String name, FunctionType want, List<String> problems) {
        findExport(module, name).ifPresent(e -> {
            Optional<FunctionType> t = exportedFunction(module, name);
            if (t.isEmpty() || !t.get().equals(want)) {
                problems.add("export " + name + " must be a function " + typeString(want));
            }
        });
    }

    private static boolean isNumber(ValType t) {
        return t.equals(ValType.I32) || t.equals(ValType.I64) || t.equals(ValType.F32) || t.equals(ValType.F64);
    }

    static Optional<Export> findExport(WasmModule module, String name) {
        var section = module.exportSection();
        for (int i = 0; i < section.exportCount(); i++) {
            if (section.getExport(i).name().equals(name)) {
                return Optional.of(section.getExport(i));
            }
        }
        return Optional.empty();
    }

    /** The type of the exported function {@code name}, if there is one. */
    public static Optional<FunctionType> exportedFunction(WasmModule module, String name) {
        return findExport(module, name)
                .filter(e -> e.exportType() == ExternalType.FUNCTION)
                .map(e -> functionTypeAt(module, e.index()));
    }

    private static FunctionType functionTypeAt(WasmModule module, int index) {
        List<FunctionImport> functionImports = module.importSection().stream()
                .filter(i -> i.importType() == ExternalType.FUNCTION)
                .map(FunctionImport.class::cast)
                .toList();
        if (index < functionImports.size()) {
            return module.typeSection().getType(functionImports.get(index).typeIndex());
        }
        return module.functionSection().getFunctionType(index - functionImports.size(), module.typeSection());
    }

    private static FunctionType functionType(WasmModule module, Import imp) {
        return module.typeSection().getType(((FunctionImport) imp).typeIndex());
    }

    private static String describe(WasmModule module, Import imp) {
        if (imp.importType() == ExternalType.FUNCTION) {
            return "func " + typeString(functionType(module, imp));
        }
        return imp.importType().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(WasmModule module, Export e) {
        if (e.exportType() == ExternalType.FUNCTION) {
            return "func " + typeString(functionTypeAt(module, e.index()));
        }
        return e.exportType().name().toLowerCase(Locale.ROOT);
    }

    public static String typeString(FunctionType t) {
        return t.params().toString().toLowerCase(Locale.ROOT) + " -> " + t.returns().toString().toLowerCase(Locale.ROOT);
    }
}
