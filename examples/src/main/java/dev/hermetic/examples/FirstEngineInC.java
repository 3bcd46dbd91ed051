package dev.hermetic.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the first C engine, {@code examples/first-engine/c/wordcount.c}: it counts the lines,
 * words and bytes of a file. Rebuild it after a change with {@code examples/first-engine/build.sh}
 * (the commands are at the top of that script; the toolchain is clang-16 with lld).
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.FirstEngineInC -Dexec.args=$PWD/README.md</pre>
 */
public final class FirstEngineInC {
    private FirstEngineInC() {}

    public static void main(String[] args) throws Exception {
        byte[] input = args.length > 0 ? Files.readAllBytes(Path.of(args[0]))
                : "hello hermetic\nfrom C\n".getBytes(StandardCharsets.UTF_8);
        run(input, System.out);
    }

    /** The engine's answer for {@code input}: {@code lines=L words=W bytes=B}. */
    static String run(byte[] input, PrintStream out) throws InterruptedException {
        return BundledFilter.run("wordcount", input, out);
    }
}
