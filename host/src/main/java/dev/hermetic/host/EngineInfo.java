package dev.hermetic.host;

import java.util.List;

/**
 * What a module imports and exports, and whether it is an acceptable engine.
 *
 * @param imports each import as {@code module.name: kind signature}
 * @param exports each export as {@code name: kind signature}
 * @param problems why the module is not an acceptable engine; empty when it is
 * @param split what loading does (or did) to the functions too large for the JVM's JIT
 */
public record EngineInfo(List<String> imports, List<String> exports, List<String> problems, SplitReport split) {

    public EngineInfo {
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        problems = List.copyOf(problems);
        split = java.util.Objects.requireNonNull(split, "split");
    }

    /** The info with nothing split. */
    public EngineInfo(List<String> imports, List<String> exports, List<String> problems) {
        this(imports, exports, problems, SplitReport.NONE);
    }

    /** This info with {@code split} as what loading splits. */
    public EngineInfo withSplit(SplitReport split) {
        return new EngineInfo(imports, exports, problems, split);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
