package dev.hermetic.host.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.memory.VmoMemoryFactory;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bundled {@code sha256} engine, compiled, hashing 15 MiB (its 16 MiB span window holds the
 * input and the digest) with VMO-backed memory and with Chicory's {@code ByteArrayMemory}: same
 * engine, same compiled code, same run. Score: hashes per second; MB/s = score * 15.73.
 *
 * <pre>mvn -B -q -pl host -am install -DskipTests
 * mvn -B -q -pl host dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt
 * java -cp "host/target/test-classes:host/target/classes:$(cat host/cp.txt)" org.openjdk.jmh.Main MemoryBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryBenchmark {
    static final int INPUT_BYTES = 15 << 20;

    @Param({"vmo", "byte-array"})
    public String memory;

    private ExportFunction start;
    private long[] args;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        WasmModule module = Parser.parse(Fixtures.engine("sha256"));
        Function<Instance, Machine> compiled = MachineFactoryCompiler.compile(module);
        Function<MemoryLimits, Memory> factory = memory.equals("vmo") ? VmoMemoryFactory.create() : ByteArrayMemory::new;
        Instance instance = Instance.builder(module).withMachineFactory(compiled).withMemoryFactory(factory).build();
        instance.export("_initialize").apply();
        int window = (int) instance.export("hermetic_span_window").apply()[0];
        byte[] input = new byte[INPUT_BYTES];
        new Random(1).nextBytes(input);
        instance.memory().write(window, input);
        start = instance.export("engine_start");
        args = new long[] {window, INPUT_BYTES, window + INPUT_BYTES, 32};
    }

    @Benchmark
    public long sha256() {
        long r = start.apply(args)[0];
        if (r != 32) {
            throw new IllegalStateException("sha256 returned " + r);
        }
        return r;
    }
}
