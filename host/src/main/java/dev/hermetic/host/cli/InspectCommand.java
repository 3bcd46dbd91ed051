package dev.hermetic.host.cli;

import dev.hermetic.host.EngineInfo;
import dev.hermetic.host.Host;
import dev.hermetic.host.SplitReport;
import dev.hermetic.host.Vdso;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hermetic inspect ENGINE.wasm}: imports, exports, and whether it is a valid engine. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Lists an engine's imports and exports, the functions loading splits for the JVM's JIT, and says whether it is a valid engine (exit 0) or why not (exit 1).")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModuleOptions module;

    @Parameters(index = "0", paramLabel = "ENGINE.wasm", description = "The module to inspect.")
    Path engine;

    @Option(names = "--hooks", description = "Check against the vDSO that grants hook calls.")
    boolean hooks;

    @Override
    public Integer call() throws Exception {
        byte[] wasm = module.read(engine);
        EngineInfo info;
        try (Host host = module.host().withVdso(hooks ? Vdso.WITH_HOOKS : Vdso.EXIT_ONLY).build()) {
            info = host.inspect(wasm);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("imports:");
        info.imports().forEach(i -> out.println("  " + i));
        out.println("exports:");
        info.exports().forEach(e -> out.println("  " + e));
        SplitReport split = info.split();
        if (!split.functions().isEmpty() || split.problem() != null) {
            out.println("functions too large for the JVM's JIT (estimated JVM bytecode bytes):");
            for (SplitReport.Split s : split.functions()) {
                out.println("  " + s.name() + ": " + s.estimatedBytesBefore() + " -> " + s.estimatedBytesAfter()
                        + (s.pieces() > 0 ? ", split into " + s.pieces() + " pieces" : "")
                        + (s.problem() != null ? " (left too large: " + s.problem() + ")" : ""));
            }
            if (split.problem() != null) {
                out.println("  not split: " + split.problem());
            }
            out.println("split " + split.functionsSplit() + " functions into " + split.piecesMade() + " pieces");
        }
        if (info.valid()) {
            out.println("valid engine");
            return 0;
        }
        out.println("not a valid engine:");
        info.problems().forEach(p -> out.println("  " + p));
        return 1;
    }
}
