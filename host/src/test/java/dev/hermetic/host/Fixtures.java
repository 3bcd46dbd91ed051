package dev.hermetic.host;

import dev.hermetic.engines.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Test engines: the bundled engines of {@code hermetic-engines}, and small WAT modules compiled
 * into {@code src/test/resources/wat/} for the cases those do not cover.
 */
public final class Fixtures {
    private Fixtures() {}

    /** A bundled engine from {@code wasm-engines}. */
    public static byte[] engine(String name) {
        return Engines.bytes(name);
    }

    /** A WAT fixture of this module's tests. */
    public static byte[] wasm(String name) {
        return resource("/wat/" + name + ".wasm");
    }

    private static byte[] resource(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A seeded random for property tests: {@code -Dhermetic.seed=N} replays a run. */
    public static long seed() {
        return Long.getLong("hermetic.seed", System.nanoTime());
    }
}
