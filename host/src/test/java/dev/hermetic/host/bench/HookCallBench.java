package dev.hermetic.host.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.hooks.HookTable;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Hook calls per second from Wasm, through the vDSO, the gate and a hook that echoes a small
 * capdata ({@code {"body":"#0","slots":[]}}), against the same loop calling a plain Chicory
 * host function of the same signature; compiled mode, one run, printed as a table.
 *
 * <pre>java -cp "host/target/test-classes:host/target/classes:$(cat host/cp.txt)" dev.hermetic.host.bench.HookCallBench [calls]</pre>
 * (classpath as in {@link DeadlineLatency}).
 */
public final class HookCallBench {
    private HookCallBench() {}

    public static void main(String[] args) throws InterruptedException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        double[] hooks = new double[5];
        double[] plain = new double[5];
        HookTable table = HookTable.builder().withHook("echo", (caller, capdata) -> capdata).build();
        try (Host host = Host.builder().withHooks(table).build()) {
            var engine = host.load("hook-loops", Fixtures.wasm("hook-loops"));
            Limits limits = Limits.builder().withMaxHookCalls(calls).build();
            Instance baseline = plainInstance();
            for (int round = -2; round < hooks.length; round++) {
                EngineProcess p = engine.newProcess(limits, "echo").start(Value.i32(0));
                ProcessResult r = p.await();
                long made = ((ProcessResult.Returned) r).value().orElseThrow().bits() >>> 32;
                if (made != calls) {
                    throw new IllegalStateException("expected " + calls + " calls, got " + r);
                }
                double hookRate = calls / (p.duration().toNanos() / 1e9);
                long t = System.nanoTime();
                baseline.export("run").apply(calls);
                double plainRate = calls / ((System.nanoTime() - t) / 1e9);
                if (round >= 0) {
                    hooks[round] = hookRate;
                    plain[round] = plainRate;
                }
            }
        }
        double h = median(hooks);
        double p = median(plain);
        System.out.printf("%-56s %14s%n", "from Wasm, compiled, " + calls + " calls per run, median of 5", "calls/s");
        System.out.printf("%-56s %14.0f%n", "hook_call -> gate -> echo hook (capdata round trip)", h);
        System.out.printf("%-56s %14.0f%n", "plain host function, same signature", p);
        System.out.printf("%-56s %13.0fx%n", "plain / hook", p / h);
    }

    private static Instance plainInstance() {
        WasmModule module = Parser.parse(Fixtures.wasm("plain-calls"));
        FunctionType type = FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32,
                ValType.I32), List.of(ValType.I64));
        long[] answer = {24};
        ImportValues imports = ImportValues.builder()
                .addFunction(new HostFunction("env", "nop", type, (instance, args) -> answer)).build();
        return Instance.builder(module).withImportValues(imports)
                .withMachineFactory(MachineFactoryCompiler.compile(module)).build();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
