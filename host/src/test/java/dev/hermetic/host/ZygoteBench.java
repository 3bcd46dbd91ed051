package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.host.abi.Abi;
import dev.hermetic.host.internal.VdsoImports;
import dev.hermetic.vmo.Vmo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The zygote's targets, measured in one run on one engine (classifier by default: its
 * {@code engine_init} compiles 320 regexes). Prints two tables:
 *
 * <ol>
 *   <li>time to an instance ready for {@code engine_start}: fresh instantiate (compiled module
 *       cached, memory image mapped copy-on-write, {@code _initialize} run), fresh instantiate
 *       plus {@code engine_init}, and spawn from a snapshot; medians on the calling thread, and
 *       the ratios;
 *   <li>memory of N live clones that each ran {@code engine_start} once: the snapshot's committed
 *       bytes, the pages the clones wrote, and the JVM heap they hold.
 * </ol>
 *
 * It lives in this package because it times the steps before a process's thread starts.
 *
 * <pre>mvn -B -q install -DskipTests
 * mvn -B -q -pl host dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt
 * java -XX:-DontCompileHugeMethods -cp "host/target/test-classes:host/target/classes:$(cat host/cp.txt)" \
 *     dev.hermetic.host.ZygoteBench [engine] [clones]</pre>
 */
public final class ZygoteBench {
    /** The request every clone serves in the memory measurement, and the warm-up's sample. */
    private static final byte[] SAMPLE = "ERROR disk full on /dev/sda1\n".getBytes(StandardCharsets.UTF_8);

    private ZygoteBench() {}

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "classifier";
        int clones = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(5)).build();
        // The memory table stops itself at 3/4 of the heap; the host's default budget (half of it)
        // would refuse clones before that.
        long budget = Runtime.getRuntime().maxMemory() * 3 / 4;
        try (Host host = Host.builder().withDefaultLimits(limits).withMemoryBudget(budget).build()) {
            Engine engine = host.load(name, Fixtures.engine(name));
            boolean hasInit = EngineChecker.exportedFunction(engine.module(), Abi.ENGINE_INIT).isPresent();
            long t0 = System.nanoTime();
            // The warm-up is engine_init and, for a filter, one sample request: lazy state that
            // the first request builds (classifier's regex caches) is then in the snapshot too.
            Snapshot zygote = engine.snapshot(limits, w -> {
                Warmup.engineInit().run(w);
                if (engine.startParameters().size() == 4) {
                    Vmo in = Vmo.create(4096);
                    in.write(SAMPLE, 0);
                    w.call(Abi.ENGINE_START, Span.readOnly(in, 0, SAMPLE.length),
                            Span.writable(Vmo.create(4096), 0, 4096));
                }
            });
            long snapshotNanos = System.nanoTime() - t0;

            long[] plain = time(200, () -> plainChicoryInstance(engine));
            long[] fresh = time(200, () -> freshInstance(engine, limits, false));
            long[] freshInit = time(hasInit ? 3 : 200, () -> freshInstance(engine, limits, true));
            long[] spawn = time(2000, () -> clone(zygote, limits));
            System.out.printf("engine %s, compiled; snapshot taken in %.1f ms (warm-up included): %d pages in %d mapping(s)%n%n",
                    name, snapshotNanos / 1e6, zygote.memoryPages(), zygote.memory().regions().size());
            System.out.printf("%-44s %8s %14s %10s%n", "to an instance ready for engine_start", "runs", "median us", "vs spawn");
            row("plain Chicory instantiate (copies segments)", plain, spawn);
            row("fresh instantiate", fresh, spawn);
            row("fresh instantiate + engine_init", freshInit, spawn);
            row("spawn from snapshot", spawn, spawn);

            memory(engine, zygote, limits, clones);
            zygote.close();
        }
    }

    private static void row(String what, long[] nanos, long[] spawn) {
        System.out.printf("%-44s %8d %14.1f %9.1fx%n", what, nanos.length, median(nanos) / 1e3,
                (double) median(nanos) / median(spawn));
    }

    /** A fresh instance as a process gets one, with engine_init when asked; returns how to release it. */
    private static Runnable freshInstance(Engine engine, Limits limits, boolean init) {
        ProcessMemory memory = engine.host().newMemory(engine, null, limits);
        Instance instance = engine.instantiate(memory, new VdsoImports.Binding(null, null), Limits.UNLIMITED_FUEL, null);
        if (engine.hasInitialize()) {
            instance.export(Abi.INITIALIZE).apply();
        }
        if (init && EngineChecker.exportedFunction(engine.module(), Abi.ENGINE_INIT).isPresent()) {
            instance.export(Abi.ENGINE_INIT).apply();
        }
        return memory::release;
    }

    /** Chicory's own instantiation, ByteArrayMemory with the data segments copied in; the GC releases it. */
    private static Runnable plainChicoryInstance(Engine engine) {
        Instance instance = Instance.builder(engine.instanceModule())
                .withImportValues(engine.imports(null, null))
                .withMachineFactory(engine.machineFactory())
                .build();
        if (engine.hasInitialize()) {
            instance.export(Abi.INITIALIZE).apply();
        }
        return () -> {};
    }

    /** A clone's instance; returns how to release it. */
    private static Runnable clone(Snapshot zygote, Limits limits) {
        ProcessMemory memory = zygote.engine().host().newMemory(zygote.engine(), zygote, limits);
        zygote.engine().instantiate(memory, new VdsoImports.Binding(null, null), Limits.UNLIMITED_FUEL, zygote.state());
        return memory::release;
    }

    /** Builds {@code count} live clones (internals: a live clone after its request is not in the public API) and prints their memory. */
    static void memory(Engine engine, Snapshot zygote, Limits limits, int count) {
        System.gc();
        long heapBefore = usedHeap();
        List<Instance> live = new ArrayList<>(count);
        List<ProcessMemory> memories = new ArrayList<>(count);
        byte[] line = SAMPLE;
        Vmo input = Vmo.create(4096);
        input.write(line, 0);
        EngineProcess unused = engine.newProcess(limits);
        long heapCap = Runtime.getRuntime().maxMemory() * 3 / 4;
        for (int i = 0; i < count; i++) {
            if (i % 50 == 0 && usedHeap() > heapCap) {
                System.out.printf("(stopped at %d clones: the heap is 3/4 full)%n", i);
                break;
            }
            ProcessMemory memory = engine.host().newMemory(engine, zygote, limits);
            Instance instance = engine.instantiate(memory, new VdsoImports.Binding(null, null), Limits.UNLIMITED_FUEL, zygote.state());
            if (engine.startParameters().size() == 4) {
                Vmo output = Vmo.create(4096);
                unused.warmInstance(instance, memory).call(Abi.ENGINE_START,
                        Span.readOnly(input, 0, line.length), Span.writable(output, 0, 4096));
            }
            live.add(instance);
            memories.add(memory);
        }
        System.gc();
        long heapAfter = usedHeap();
        long written = memories.stream().mapToLong(ProcessMemory::committedBytes).sum();
        long snapshot = zygote.committedBytes();
        count = memories.size();
        System.out.printf("%n%d live clones, each after one engine_start%n", count);
        System.out.printf("%-44s %12.1f MiB%n", "snapshot's own committed pages (shared)", snapshot / 1048576.0);
        System.out.printf("%-44s %12.1f MiB (%.1f KiB per clone)%n", "pages the clones wrote (committed)",
                written / 1048576.0, written / 1024.0 / count);
        System.out.printf("%-44s %12.1f MiB%n", "committed in all", (snapshot + written) / 1048576.0);
        byte[] warm = zygote.memory().read();
        long nonZeroPages = 0;
        for (int at = 0; at < warm.length; at += Span.PAGE_SIZE) {
            for (int i = at; i < at + Span.PAGE_SIZE; i++) {
                if (warm[i] != 0) {
                    nonZeroPages++;
                    break;
                }
            }
        }
        System.out.printf("%-44s %12.1f MiB%n", "if every clone had its own copy of the warm pages",
                (double) nonZeroPages * Span.PAGE_SIZE * count / 1048576.0);
        System.out.printf("%-44s %12.1f MiB (%.1f KiB per clone)%n", "JVM heap held by the live clones",
                (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / count);
        if (Boolean.getBoolean("hermetic.bench.histogram")) {
            classHistogram(count);
        }
        memories.forEach(ProcessMemory::release);
        live.clear();
    }

    /** The heap's biggest classes while the clones live, per clone: where a clone's heap goes. */
    private static void classHistogram(int clones) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines().toList();
            p.waitFor();
            System.out.printf("%nbiggest classes on the heap, bytes per clone (jcmd GC.class_histogram):%n");
            for (String l : lines) {
                String[] f = l.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    long bytes = Long.parseLong(f[2]);
                    if (bytes / clones >= 512) {
                        System.out.printf("%10.1f KiB %10.1f objects  %s%n", bytes / 1024.0 / clones,
                                Long.parseLong(f[1]) / (double) clones, f[3]);
                    }
                }
            }
        } catch (java.io.IOException e) {
            System.out.println("(no class histogram: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Times {@code op} up to a ready instance; releasing its memory is not timed. */
    private static long[] time(int runs, java.util.function.Supplier<Runnable> op) {
        // Cheap operations warm up for a while first, so HotSpot has compiled their paths.
        for (int i = 0; i < (runs >= 100 ? 1000 : runs); i++) {
            op.get().run();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            Runnable release = op.get();
            nanos[i] = System.nanoTime() - t;
            release.run();
        }
        return nanos;
    }

    private static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
