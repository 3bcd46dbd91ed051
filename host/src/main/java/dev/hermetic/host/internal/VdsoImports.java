package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import dev.hermetic.host.Vdso;
import java.util.ArrayList;
import java.util.List;

/** Builds the host functions behind the vDSO imports a (checked) engine declares. */
public final class VdsoImports {
    /** ZX_ERR_NOT_SUPPORTED: what a hook call answers while no hook table is attached. */
    static final long NOT_SUPPORTED = -2;

    private VdsoImports() {}

    public static ImportValues forModule(WasmModule module) {
        List<HostFunction> functions = new ArrayList<>();
        module.importSection().stream()
                .filter(FunctionImport.class::isInstance)
                .map(FunctionImport.class::cast)
                .forEach(imp -> {
                    FunctionType type = module.typeSection().getType(imp.typeIndex());
                    if (imp.name().equals(Vdso.PROCESS_EXIT)) {
                        functions.add(new HostFunction(Vdso.MODULE, imp.name(), type, (instance, args) -> {
                            throw new ProcessExitSignal(args[0]);
                        }));
                    } else {
                        long[] answer = type.returns().isEmpty() ? null : new long[] {NOT_SUPPORTED};
                        functions.add(new HostFunction(Vdso.MODULE, imp.name(), type, (instance, args) -> answer));
                    }
                });
        return ImportValues.builder().withFunctions(new ArrayList<>(functions)).build();
    }
}
