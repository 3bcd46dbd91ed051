package dev.hermetic.host.cli;

import dev.hermetic.host.Engine;
import dev.hermetic.host.ExecutionMode;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Vdso;
import dev.hermetic.host.Warmup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hermetic snapshot ENGINE.wasm --init engine_init -o warm.wasm}: warms an engine in a
 * hermetic process and writes it as a standalone pre-initialized module that any Wasm runtime
 * runs without the init.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Runs an engine's init hermetically and writes the warm instance as a pre-initialized .wasm.")
final class SnapshotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModuleOptions module;

    @Parameters(index = "0", paramLabel = "ENGINE.wasm", description = "The engine to warm.")
    Path engine;

    @Option(names = "--init", paramLabel = "EXPORT", defaultValue = "engine_init",
            description = "The exported function to run before the snapshot, with no arguments; `none` runs only "
                    + "_initialize (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where the .wasm goes.")
    Path output;

    @Option(names = "--timeout", paramLabel = "TIME", converter = Sizes.Time.class, defaultValue = "60s",
            description = "Wall-clock deadline of the warm-up (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = Sizes.ByteSize.class, defaultValue = "256M",
            description = "Most linear memory and committed bytes of the warm-up (default: ${DEFAULT-VALUE}).")
    long maxMemory;

    @Override
    public Integer call() throws Exception {
        byte[] wasm = module.read(engine);
        Limits limits = Limits.builder().withDeadline(timeout).withMaxMemoryBytes(maxMemory).build();
        Warmup warmup = init.equals("none") ? Warmup.none() : instance -> instance.call(init);
        // With the hooks vDSO an engine that imports hook calls can be warmed too; it is granted none.
        try (Host host = module.host().withExecutionMode(ExecutionMode.COMPILED).withVdso(Vdso.WITH_HOOKS).build()) {
            String name = engine.getFileName().toString().replaceFirst("\\.wasm$", "");
            Engine loaded = host.load(name, wasm);
            long t0 = System.nanoTime();
            byte[] portable;
            int pages;
            try (Snapshot snapshot = loaded.snapshot(limits, warmup)) {
                portable = snapshot.toPortableModule();
                pages = snapshot.memoryPages();
            }
            Files.write(output, portable);
            spec.commandLine().getOut().printf("wrote %s: %d bytes, %d memory pages, warmed with %s in %d ms%n",
                    output, portable.length, pages, init, (System.nanoTime() - t0) / 1_000_000);
            return 0;
        }
    }
}
