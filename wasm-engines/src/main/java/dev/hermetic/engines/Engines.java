package dev.hermetic.engines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The engines built by {@code wasm-engines/build.sh}, packaged as resources
 * {@code dev/hermetic/engines/<name>.wasm}. Names are a contract: see the module's README.
 */
public final class Engines {

    private static final String PREFIX = "/dev/hermetic/engines/";

    /** Every packaged engine name, sorted; read once from the build's index. */
    private static final List<String> NAMES = readNames();

    private Engines() {}

    /** The names of every packaged engine, sorted. */
    public static List<String> names() {
        return NAMES;
    }

    /** The bytes of engine {@code name}'s {@code .wasm} module. */
    public static byte[] bytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read engine " + name, e);
        }
    }

    /** A fresh stream over engine {@code name}'s {@code .wasm} module; the caller closes it. */
    public static InputStream open(String name) {
        if (!NAMES.contains(name)) {
            throw new UnknownEngineException(name, NAMES);
        }
        InputStream in = Engines.class.getResourceAsStream(PREFIX + name + ".wasm");
        if (in == null) {
            throw new UncheckedIOException(
                    new IOException("engine " + name + " is listed but its resource is missing"));
        }
        return in;
    }

    private static List<String> readNames() {
        InputStream in = Engines.class.getResourceAsStream(PREFIX + "engines.list");
        if (in == null) {
            return List.of();
        }
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(line -> !line.isBlank()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the engine index", e);
        }
    }
}
