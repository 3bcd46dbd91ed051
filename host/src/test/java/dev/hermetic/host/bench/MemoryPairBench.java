package dev.hermetic.host.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.memory.VmoMemoryFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * VMO-backed memory against Chicory's {@code ByteArrayMemory}, measured as a paired comparison:
 * one JVM, one instance of each (the engine compiled once per instance, so each has its own
 * monomorphic memory call sites), and many short rounds that alternate between the two. Each
 * round gives one ratio (VMO throughput / ByteArrayMemory throughput), so drift on a shared
 * machine (other tenants, frequency changes) hits both sides of a ratio alike; the table
 * reports the median ratio with its quartiles. Compiled mode; every filter engine by default.
 *
 * <pre>java -XX:-DontCompileHugeMethods -cp "host/target/test-classes:host/target/classes:$(cat host/cp.txt)" \
 *     dev.hermetic.host.bench.MemoryPairBench [rounds] [engine...]</pre>
 * (classpath as in {@link DeadlineLatency}).
 */
public final class MemoryPairBench {
    private static final int INPUT_BYTES = 1 << 20;
    private static final int OUTPUT_CAP = 4 << 20;
    /** Target length of one side of one round. */
    private static final long ROUND_NANOS = 100_000_000L;

    private MemoryPairBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        List<String> engines = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : Workloads.FILTERS;
        System.out.printf("%-12s %8s %12s %12s %10s %18s%n", "engine", "rounds", "vmo MB/s", "array MB/s",
                "ratio", "quartiles");
        for (String engine : engines) {
            // classifier runs at about 0.1 MB/s: a smaller input keeps its rounds short.
            byte[] input = Workloads.benchInput(engine, engine.equals("classifier") ? INPUT_BYTES / 32 : INPUT_BYTES);
            Side vmo = new Side(engine, VmoMemoryFactory.create(), input);
            Side array = new Side(engine, ByteArrayMemory::new, input);
            int calls = callsPerRound(vmo, array);
            for (int i = 0; i < 10; i++) {
                vmo.time(calls);
                array.time(calls);
            }
            double[] ratios = new double[rounds];
            long vmoNanos = 0;
            long arrayNanos = 0;
            for (int r = 0; r < rounds; r++) {
                // Alternate which side goes first, so neither always runs on a just-warmed cache.
                long a;
                long v;
                if (r % 2 == 0) {
                    v = vmo.time(calls);
                    a = array.time(calls);
                } else {
                    a = array.time(calls);
                    v = vmo.time(calls);
                }
                ratios[r] = (double) a / v;
                vmoNanos += v;
                arrayNanos += a;
            }
            Arrays.sort(ratios);
            double mb = (double) input.length * calls * rounds / 1e6;
            System.out.printf("%-12s %8d %12.1f %12.1f %10.3f %8.3f - %.3f%n", engine, rounds, mb / (vmoNanos / 1e9),
                    mb / (arrayNanos / 1e9), quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75));
        }
    }

    /** Enough calls that one side of a round takes about {@link #ROUND_NANOS}. */
    private static int callsPerRound(Side vmo, Side array) {
        for (int i = 0; i < 5; i++) {
            vmo.time(1);
            array.time(1);
        }
        long one = Math.max(1, Math.min(vmo.time(1), array.time(1)));
        return (int) Math.max(1, ROUND_NANOS / one);
    }

    private static boolean hasExport(WasmModule module, String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            if (module.exportSection().getExport(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    /** One instance of the engine with its own compiled code and its input in its span window. */
    private static final class Side {
        private final String engine;
        private final ExportFunction start;
        private final long[] args;

        Side(String engine, Function<MemoryLimits, Memory> memory, byte[] input) {
            this.engine = engine;
            WasmModule module = Parser.parse(Fixtures.engine(engine));
            // Filters end by returning; an engine that calls process_exit fails the bench.
            HostFunction processExit = new HostFunction("vdso", "process_exit",
                    FunctionType.of(List.of(ValType.I64), List.of()), (inst, exitArgs) -> {
                        throw new IllegalStateException(engine + " called process_exit(" + exitArgs[0] + ")");
                    });
            Instance instance = Instance.builder(module)
                    .withImportValues(ImportValues.builder().addFunction(processExit).build())
                    .withMachineFactory(MachineFactoryCompiler.compile(module))
                    .withMemoryFactory(memory)
                    .build();
            if (hasExport(module, "_initialize")) {
                instance.export("_initialize").apply();
            }
            if (hasExport(module, "engine_init")) {
                instance.export("engine_init").apply();
            }
            int window = (int) instance.export("hermetic_span_window").apply()[0];
            int windowBytes = (int) instance.export("hermetic_span_window_size").apply()[0];
            int outputAt = window + ((input.length + 4095) & ~4095);
            if (outputAt + OUTPUT_CAP > window + windowBytes) {
                throw new IllegalStateException(engine + ": span window too small for the bench input");
            }
            instance.memory().write(window, input);
            start = instance.export("engine_start");
            args = new long[] {window, input.length, outputAt, OUTPUT_CAP};
        }

        long time(int calls) {
            long t = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                long status = start.apply(args)[0];
                if (status < 0) {
                    throw new IllegalStateException(engine + " failed with status " + status);
                }
            }
            return System.nanoTime() - t;
        }
    }
}
