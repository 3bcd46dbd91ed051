package dev.hermetic.examples;

import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.Host;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Span;
import dev.hermetic.vmo.Vmo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs one of this module's own engines (built by first-engine/build.sh) as a filter. */
final class BundledFilter {
    private BundledFilter() {}

    /** The committed .wasm of {@code name}, from this module's resources. */
    static byte[] wasm(String name) {
        try (InputStream in = BundledFilter.class.getResourceAsStream(name + ".wasm")) {
            if (in == null) {
                throw new IllegalStateException("no " + name + ".wasm: run examples/first-engine/build.sh");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs engine {@code name} on {@code input}, prints what happened, returns the output as text. */
    static String run(String name, byte[] input, PrintStream out) {
        int capacity = Math.max(4096, input.length * 3);
        try (Host host = Host.builder().build();
                Vmo in = Vmo.create(Math.max(1, input.length));
                Vmo output = Vmo.create(capacity)) {
            in.write(input, 0);
            Engine engine = host.load(name, wasm(name));
            out.printf("loaded %s: %d bytes, imports %s%n", name, wasm(name).length, engine.info().imports());
            EngineProcess process = engine.newProcess()
                    .start(Span.readOnly(in, 0, input.length), Span.writable(output, 0, capacity));
            ProcessResult result = process.await();
            out.printf("%s after %d ms%n", result, process.duration().toMillis());
            if (!(result instanceof ProcessResult.Returned r) || r.value().orElseThrow().asLong() < 0) {
                throw new IllegalStateException(name + " failed: " + result);
            }
            byte[] bytes = new byte[(int) r.value().orElseThrow().asLong()];
            output.read(bytes, 0);
            String text = new String(bytes, StandardCharsets.UTF_8);
            out.printf("output: %s%n", text.strip());
            return text;
        }
    }
}
