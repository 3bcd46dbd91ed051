package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Engine;
import dev.hermetic.host.FilterRequest;
import dev.hermetic.host.FilterResult;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Runs an untrusted engine on a file: the bundled SHA-256 engine reads the file, mapped
 * read-only, and writes its digest. It can touch nothing but its input, its output and its memory.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.RunEngineOnFile -Dexec.args=README.md</pre>
 */
public final class RunEngineOnFile {
    private RunEngineOnFile() {}

    public static void main(String[] args) throws Exception {
        run(Path.of(args.length > 0 ? args[0] : "pom.xml"), System.out);
    }

    /** Hashes {@code file} in a hermetic process and prints what happened; returns the digest. */
    static byte[] run(Path file, PrintStream out) throws Exception {
        byte[] data = Files.readAllBytes(file);
        try (Host host = Host.builder().build()) {
            Engine sha256 = host.load("sha256", Engines.bytes("sha256"));
            FilterResult result = sha256.filter(FilterRequest.of(data).withOutputCapacity(32)
                    .withLimits(Limits.builder().withDeadline(Duration.ofSeconds(5)).build()));
            out.printf("input  %s, %d bytes, mapped read-only%n", file, data.length);
            out.printf("result %s%n", result);
            byte[] digest = result.output(); // throws FilterFailedException unless the engine returned output
            out.printf("digest %s%n", HexFormat.of().formatHex(digest));
            return digest;
        }
    }
}
