package dev.hermetic.host;

import java.util.List;

/**
 * What a module imports and exports, and whether it is an acceptable engine.
 *
 * @param imports each import as {@code module.name: kind signature}
 * @param exports each export as {@code name: kind signature}
 * @param problems why the module is not an acceptable engine; empty when it is
 */
public record EngineInfo(List<String> imports, List<String> exports, List<String> problems) {

    public EngineInfo {
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
