package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Span;
import dev.hermetic.vmo.Vmo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Runs an untrusted engine on a file: the bundled SHA-256 engine reads the file through a
 * read-only span and writes its digest into a writable one. The engine can touch nothing but
 * those two spans and its own memory.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.RunEngineOnFile -Dexec.args=README.md</pre>
 */
public final class RunEngineOnFile {
    private RunEngineOnFile() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "pom.xml");
        run(file, System.out);
    }

    /** Hashes {@code file} in a hermetic process and prints what happened; returns the digest. */
    static byte[] run(Path file, PrintStream out) throws Exception {
        byte[] data = Files.readAllBytes(file);
        try (Host host = Host.builder().build();
                Vmo input = Vmo.create(Math.max(1, data.length));
                Vmo output = Vmo.create(32)) {
            input.write(data, 0);
            Engine sha256 = host.load("sha256", Engines.bytes("sha256"));
            EngineProcess process = sha256
                    .newProcess(Limits.builder().withDeadline(Duration.ofSeconds(5)).build())
                    .start(Span.readOnly(input, 0, data.length), Span.writable(output, 0, 32));
            ProcessResult result = process.await();
            out.printf("engine %s (sha256 of its bytes %s...)%n", sha256.name(), sha256.sha256().substring(0, 16));
            out.printf("input  %s, %d bytes, mapped read-only%n", file, data.length);
            out.printf("result %s after %d ms%n", result, process.duration().toMillis());
            if (!(result instanceof ProcessResult.Returned r) || r.value().orElseThrow().asLong() != 32) {
                throw new IllegalStateException("the engine did not produce a digest: " + result);
            }
            byte[] digest = new byte[32];
            output.read(digest, 0);
            out.printf("digest %s%n", HexFormat.of().formatHex(digest));
            return digest;
        }
    }
}
