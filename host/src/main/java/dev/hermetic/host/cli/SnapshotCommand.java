package dev.hermetic.host.cli;

import dev.hermetic.host.Engine;
import dev.hermetic.host.ExecutionMode;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Vdso;
import dev.hermetic.host.Warmup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    @Mixin
    CacheOptions cache;

    @Parameters(index = "0", paramLabel = "ENGINE.wasm", description = "The engine to warm.")
    Path engine;

    @Option(names = "--init", paramLabel = "EXPORT", defaultValue = "engine_init",
            description = "The exported function to run before the snapshot, with no arguments; `none` runs only "
                    + "_initialize (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where the .wasm goes.")
    Path output;

    @Option(names = "--timeout", paramLabel = "TIME", converter = Sizes.Time.class, defaultValue = "5m",
            description = "Wall-clock deadline of the warm-up (default: ${DEFAULT-VALUE}; classifier's init took 18-54 s "
                    + "on a loaded 2-core machine).")
    Duration timeout;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = Sizes.ByteSize.class, defaultValue = "256M",
            description = "Most linear memory and committed bytes of the warm-up (default: ${DEFAULT-VALUE}).")
    long maxMemory;

    @Option(names = "--metered",
            description = "Write the fuel-metered module, its counter exported as hermetic_fuel, for runtimes without "
                    + "fuel of their own (default: the engine unmetered, for runtimes that meter, and for hermetic itself).")
    boolean metered;

    @Option(names = "--progress-every", paramLabel = "TIME", converter = Sizes.Time.class, defaultValue = "5s",
            description = "How often a long load or warm-up says how far it got, on stderr (default: ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Override
    public Integer call() throws Exception {
        byte[] wasm = module.read(engine);
        Limits limits = Limits.builder().withDeadline(timeout).withMaxMemoryBytes(maxMemory).build();
        Warmup warmup = init.equals("none") ? Warmup.none() : instance -> instance.call(init);
        String name = engine.getFileName().toString().replaceFirst("\\.wasm$", "");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // With the hooks vDSO an engine that imports hook calls can be warmed too; it is granted none.
        try (Host host = cache.apply(module.host()).withExecutionMode(ExecutionMode.COMPILED).withVdso(Vdso.WITH_HOOKS)
                .withMeterRegistry(registry).build();
                Progress progress = new Progress(spec.commandLine().getErr(), progressEvery, registry)) {
            long t0 = System.nanoTime();
            progress.phase("loading " + name);
            Engine loaded = host.load(name, wasm);
            long t1 = System.nanoTime();
            progress.phase("warming " + name + " with " + init);
            byte[] portable;
            int pages;
            long warmupFuel;
            try (Snapshot snapshot = loaded.snapshot(limits, warmup)) {
                progress.phase("writing " + output);
                portable = snapshot.toPortableModule(metered);
                pages = snapshot.memoryPages();
                warmupFuel = snapshot.warmupFuel();
            }
            progress.phase(null);
            Files.write(output, portable);
            spec.commandLine().getOut().printf("wrote %s: %d bytes, %d memory pages, %s, loaded in %d ms, warmed with %s in %d ms"
                    + " (%d fuel)%n", output, portable.length, pages, metered ? "metered" : "unmetered", (t1 - t0) / 1_000_000,
                    init, (System.nanoTime() - t1) / 1_000_000, warmupFuel);
            return 0;
        }
    }

    /**
     * Prints, every {@code every}, the phase under way, the time since the command started and
     * the bytes the warming process has committed, so a long init is seen to progress.
     */
    private static final class Progress implements AutoCloseable {
        /** Where progress lines go: stderr, so stdout stays the result. */
        private final PrintWriter err;
        /** Reads {@code hermetic.memory.committed}: bytes committed by live processes. */
        private final SimpleMeterRegistry registry;
        /** When the command started; progress times count from here. */
        private final long startNanos = System.nanoTime();
        /** Fires the progress lines; one daemon thread. */
        private final ScheduledExecutorService timer;
        /** What is under way, or null when nothing is to be reported. */
        private volatile String phase;

        Progress(PrintWriter err, Duration every, SimpleMeterRegistry registry) {
            this.err = err;
            this.registry = registry;
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "hermetic-snapshot-progress");
                t.setDaemon(true);
                return t;
            });
            long millis = every.toMillis();
            timer.scheduleAtFixedRate(this::report, millis, millis, TimeUnit.MILLISECONDS);
        }

        void phase(String phase) {
            this.phase = phase;
        }

        private void report() {
            String now = phase;
            if (now == null) {
                return;
            }
            double committed = registry.get("hermetic.memory.committed").gauge().value();
            err.printf("hermetic: %s: %.1f s, %.1f MiB committed%n", now,
                    (System.nanoTime() - startNanos) / 1e9, committed / (1 << 20));
            err.flush();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
