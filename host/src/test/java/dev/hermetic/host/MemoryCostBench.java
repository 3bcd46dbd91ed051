package dev.hermetic.host;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import dev.hermetic.engines.EngineBench;
import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.abi.Abi;
import dev.hermetic.host.internal.VmoMemory;
import dev.hermetic.host.internal.wasm.split.FunctionSplitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * What Hermetic's compute path costs against plain Chicory, cost by cost, in one JVM. Each
 * bundled filter engine runs as: (A) plain Chicory, compiled, its {@code ByteArrayMemory};
 * (B) the same with the host's function splitting applied to the module; (C) the unsplit
 * module on a {@link VmoMemory} (the page-table memory alone, no host around it); (D) split
 * and on a {@code VmoMemory}; and (H) Hermetic through its public API (a {@link WarmProcess}:
 * split, VMO memory, spans mapped per call, a thread hand-off per call). A to D are measured
 * through internals, as their names say. MB/s of input, one warm instance calling
 * {@code engine_start} on 256 KiB again and again; each configuration warmed to a steady rate,
 * then measured in interleaved rounds so the machine's load falls on each alike; the median
 * round is printed, with each as a fraction of A.
 *
 * <pre>mvn -B -q -pl host -Pbench test-compile exec:exec -Dbench.main=dev.hermetic.host.MemoryCostBench [-Dbench.args="1000 5 json sha256"]</pre>
 *
 * Arguments: milliseconds per round (default 1000), rounds (default 5), engines (default all
 * filters). {@code -Dmemcost.only=N} (0-4, A-H) runs one configuration alone until killed,
 * printing each round, for a profiler.
 */
public final class MemoryCostBench {
    private static final int IN_BYTES = 256 * 1024;
    private static final int OUT_CAP = 4 << 20;

    private MemoryCostBench() {}

    public static void main(String[] args) throws Exception {
        int millis = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> engines = args.length > 2 ? List.of(args).subList(2, args.length) : Workloads.FILTERS;
        System.out.printf(Locale.ROOT, "MB/s of input, %d KiB per call, median of %d interleaved rounds of %d ms%n",
                IN_BYTES / 1024, rounds, millis);
        System.out.printf(Locale.ROOT, "| %-10s | %9s | %9s | %9s | %9s | %9s | %6s | %6s | %6s | %6s |%n", "engine",
                "A Chicory", "B +split", "C +VMO", "D +both", "Hermetic", "B/A", "C/A", "D/A", "H/A");
        System.out.println("|------------|----------:|----------:|----------:|----------:|----------:|-------:|-------:|-------:|-------:|");
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(30)).withMaxMemoryBytes(1L << 30).build();
        try (Host host = Host.builder().withDefaultLimits(limits).build()) {
            for (String name : engines) {
                byte[] wasm = Engines.bytes(name);
                byte[] input = Workloads.benchInput(name, IN_BYTES);
                byte[] split = FunctionSplitter.split(wasm).wasm();
                Plain plain = new Plain(wasm, false, input);
                Plain splitPlain = new Plain(split, false, input);
                Plain vmo = new Plain(wasm, true, input);
                Plain splitVmo = new Plain(split, true, input);
                double[][] rates = new double[5][rounds];
                try (HermeticRate hermetic = new HermeticRate(host.load(name, wasm), input)) {
                    List<DoubleSupplier> configs = List.of(
                            () -> plain.rate(millis), () -> splitPlain.rate(millis), () -> vmo.rate(millis),
                            () -> splitVmo.rate(millis), () -> hermetic.rate(millis));
                    String only = System.getProperty("memcost.only");
                    if (only != null) {
                        // one configuration alone, for a profiler: warmed, then rounds until killed
                        DoubleSupplier c = configs.get(Integer.parseInt(only));
                        while (true) {
                            System.out.printf(Locale.ROOT, "%s %.2f%n", name, c.getAsDouble());
                        }
                    }
                    for (DoubleSupplier c : configs) {
                        warm(c);
                    }
                    for (int r = 0; r < rounds; r++) {
                        for (int c = 0; c < configs.size(); c++) {
                            rates[c][r] = configs.get(c).getAsDouble();
                        }
                    }
                }
                double a = median(rates[0]);
                double b = median(rates[1]);
                double c = median(rates[2]);
                double d = median(rates[3]);
                double e = median(rates[4]);
                System.out.printf(Locale.ROOT, "| %-10s | %9.2f | %9.2f | %9.2f | %9.2f | %9.2f | %6.2f | %6.2f | %6.2f | %6.2f |%n",
                        name, a, b, c, d, e, b / a, c / a, d / a, e / a);
            }
        }
    }

    /** Until two successive rounds are within 5%, at most 20: a starved JIT thread would otherwise be measured. */
    private static void warm(DoubleSupplier rate) {
        double previous = 0;
        for (int round = 0; round < 20; round++) {
            double r = rate.getAsDouble();
            if (round >= 2 && Math.abs(r - previous) <= 0.05 * previous) {
                return;
            }
            previous = r;
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double megabytesPerSecond(int bytes, int millis, Runnable call) {
        long calls = 0;
        long start = System.nanoTime();
        long elapsed = 0;
        while (elapsed < millis * 1_000_000L) {
            call.run();
            calls++;
            elapsed = System.nanoTime() - start;
        }
        return (double) bytes * calls / elapsed * 1e3;
    }

    /** One plain Chicory instance, compiled, the input copied into the engine's span window once. */
    private static final class Plain {
        private final Instance instance;
        private final long[] args;
        private final int bytes;

        Plain(byte[] wasm, boolean vmoMemory, byte[] input) {
            WasmModule module = Parser.parse(wasm);
            Instance.Builder b = Instance.builder(module)
                    .withImportValues(imports(module))
                    .withMachineFactory(MachineFactoryCompiler.compile(module))
                    .withStart(false);
            b.withMemoryFactory(vmoMemory ? VmoMemory.factory() : ByteArrayMemory::new);
            instance = b.build();
            if (exports(module, "_initialize")) {
                instance.export("_initialize").apply();
            }
            if (exports(module, Abi.ENGINE_INIT)) {
                instance.export(Abi.ENGINE_INIT).apply();
            }
            int base = (int) instance.export("hermetic_span_window").apply()[0];
            int size = (int) instance.export("hermetic_span_window_size").apply()[0];
            int out = base + (input.length + 4095) / 4096 * 4096;
            if (out - base + (long) OUT_CAP > size) {
                throw new IllegalStateException("input and output exceed the span window");
            }
            instance.memory().write(base, input);
            args = new long[] {base, input.length, out, OUT_CAP};
            bytes = input.length;
        }

        double rate(int millis) {
            return megabytesPerSecond(bytes, millis, () -> {
                if (instance.export(Abi.ENGINE_START).apply(args)[0] < 0) {
                    throw new IllegalStateException("engine_start failed");
                }
            });
        }

        private static boolean exports(WasmModule module, String name) {
            var exports = module.exportSection();
            for (int i = 0; i < exports.exportCount(); i++) {
                if (exports.getExport(i).name().equals(name)) {
                    return true;
                }
            }
            return false;
        }

        private static ImportValues imports(WasmModule module) {
            List<com.dylibso.chicory.runtime.ImportFunction> functions = new ArrayList<>();
            for (var imp : module.importSection().stream().filter(FunctionImport.class::isInstance)
                    .map(FunctionImport.class::cast).toList()) {
                var type = module.typeSection().getType(imp.typeIndex());
                functions.add(new HostFunction(imp.module(), imp.name(), type, imp.name().equals(Abi.PROCESS_EXIT)
                        ? (inst, a) -> {
                            throw new IllegalStateException("process_exit(" + a[0] + ")");
                        }
                        : (inst, a) -> new long[] {-2}));
            }
            return ImportValues.builder().withFunctions(functions).build();
        }
    }

    /** Hermetic as a user runs it: one warm process, spans mapped, {@code engine_start} again and again. */
    private static final class HermeticRate implements AutoCloseable {
        private final WarmProcess warm;
        private final Span in;
        private final Span out;
        private final int bytes;

        HermeticRate(Engine engine, byte[] input) throws InterruptedException {
            dev.hermetic.vmo.Vmo inVmo = dev.hermetic.vmo.Vmo.create(input.length);
            inVmo.write(input, 0);
            in = Span.readOnly(inVmo, 0, input.length);
            out = Span.writable(dev.hermetic.vmo.Vmo.create(OUT_CAP), 0, OUT_CAP);
            warm = engine.warmProcess();
            bytes = input.length;
        }

        double rate(int millis) {
            return megabytesPerSecond(bytes, millis, () -> {
                try {
                    if (((ProcessResult.Returned) warm.call(in, out)).value().orElseThrow().asLong() < 0) {
                        throw new IllegalStateException("engine_start failed");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @Override
        public void close() {
            warm.close();
        }
    }
}
