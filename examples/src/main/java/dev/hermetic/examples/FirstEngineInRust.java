package dev.hermetic.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the first Rust engine, {@code examples/first-engine/rust}: it upper-cases UTF-8 text,
 * Unicode-aware. Rebuild it after a change with {@code examples/first-engine/build.sh}, or by
 * hand with {@code cargo build --release --target wasm32-unknown-unknown} in that folder.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.FirstEngineInRust -Dexec.args="straße über alles"</pre>
 */
public final class FirstEngineInRust {
    private FirstEngineInRust() {}

    public static void main(String[] args) throws InterruptedException {
        String text = args.length > 0 ? String.join(" ", args) : "hello from rust: straße";
        run(text, System.out);
    }

    /** The engine's output for {@code text}. */
    static String run(String text, PrintStream out) throws InterruptedException {
        return BundledFilter.run("upper", text.getBytes(StandardCharsets.UTF_8), out);
    }
}
