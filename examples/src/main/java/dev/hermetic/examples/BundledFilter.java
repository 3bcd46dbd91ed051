package dev.hermetic.examples;

import dev.hermetic.host.Engine;
import dev.hermetic.host.FilterResult;
import dev.hermetic.host.Host;
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
    static String run(String name, byte[] input, PrintStream out) throws InterruptedException {
        try (Host host = Host.builder().build()) {
            Engine engine = host.load(name, wasm(name));
            out.printf("loaded %s: %d bytes, imports %s%n", name, wasm(name).length, engine.info().imports());
            FilterResult result = engine.filter(input);
            out.printf("Returned: %s%n", result);
            String text = new String(result.output(), StandardCharsets.UTF_8);
            out.printf("output: %s%n", text.strip());
            return text;
        }
    }
}
