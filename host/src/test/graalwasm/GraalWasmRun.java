import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.ByteSequence;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Runs an engine on GraalWasm with the same minimal host as run-engine.mjs and run-engine.py:
 * vdso.process_exit only, the input copied into the engine's span window at its base, the output
 * at the next 4 KiB boundary.
 *
 * <pre>java GraalWasmRun.java bench ENGINE.wasm OUT_CAP IN MIN_MILLIS</pre>
 *
 * One instance; engine_start repeated in rounds of MIN_MILLIS until the rate is steady (Truffle's
 * compiler done), then for at least MIN_MILLIS measured. Prints "calls N nanos T sha256 HEX runtime NAME", HEX the digest of
 * the last call's output and NAME Truffle's runtime (it must be the optimizing one to count).
 */
public final class GraalWasmRun {
    private static final int PAGE = 4096;

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !args[0].equals("bench")) {
            System.err.println("usage: GraalWasmRun bench ENGINE.wasm OUT_CAP IN MIN_MILLIS");
            System.exit(2);
        }
        byte[] wasm = Files.readAllBytes(Path.of(args[1]));
        int outCap = Integer.parseInt(args[2]);
        byte[] input = Files.readAllBytes(Path.of(args[3]));
        long minNanos = Long.parseLong(args[4]) * 1_000_000L;
        // Compilation on the calling thread: a warm-up round ends with its code compiled, however
        // loaded the machine (background compiler threads can starve for seconds on two cores).
        try (Engine engine = Engine.newBuilder("wasm").allowExperimentalOptions(true)
                        .option("engine.BackgroundCompilation", "false").build();
                Context context = Context.newBuilder("wasm").engine(engine).build()) {
            Source source = Source.newBuilder("wasm", ByteSequence.create(wasm), "engine").build();
            ProxyExecutable processExit = a -> {
                throw new IllegalStateException("process_exit(" + a[0].asLong() + ")");
            };
            Value imports = context.asValue(ProxyObject.fromMap(Map.of("vdso", ProxyObject.fromMap(Map.of("process_exit", processExit)))));
            Value exports = context.eval(source).newInstance(imports).getMember("exports");
            if (exports.hasMember("_initialize")) {
                exports.getMember("_initialize").execute();
            }
            Value memory = exports.getMember("memory");
            int base = exports.getMember("hermetic_span_window").execute().asInt();
            long size = exports.getMember("hermetic_span_window_size").execute().asLong();
            int out = base + (input.length + PAGE - 1) / PAGE * PAGE;
            if (out - base + (long) outCap > size) {
                throw new IllegalArgumentException("input and output exceed the span window");
            }
            for (int i = 0; i < input.length; i++) {
                memory.writeBufferByte(base + i, input[i]);
            }
            Value start = exports.getMember("engine_start");
            long status = 0;
            // Steady state: warm in rounds of MIN_MILLIS until a round (the third or later) is within 5%
            // of the one before (or 20 rounds), so a loaded machine that starves Truffle's compiler threads
            // measures compiled code, not the interpreter.
            double previous = 0;
            for (int round = 0; round < 20; round++) {
                long n = 0;
                long roundStart = System.nanoTime();
                while (System.nanoTime() - roundStart < minNanos) {
                    status = run(start, base, input.length, out, outCap);
                    n++;
                }
                double rate = n / (double) (System.nanoTime() - roundStart);
                if (round >= 2 && Math.abs(rate - previous) <= 0.05 * previous) {
                    break;
                }
                previous = rate;
            }
            long calls = 0;
            long t0 = System.nanoTime();
            long elapsed = 0;
            while (elapsed < minNanos) {
                status = run(start, base, input.length, out, outCap);
                calls++;
                elapsed = System.nanoTime() - t0;
            }
            byte[] output = new byte[(int) status];
            memory.readBuffer(out, output, 0, output.length);
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(output));
            System.out.println("calls " + calls + " nanos " + elapsed + " sha256 " + digest + " runtime "
                    + engine.getImplementationName().replace(' ', '_'));
        }
    }

    private static long run(Value start, int base, int length, int out, int outCap) {
        long status = start.execute(base, length, out, outCap).asLong();
        if (status < 0) {
            throw new IllegalStateException("engine failed with status " + status);
        }
        return status;
    }
}
