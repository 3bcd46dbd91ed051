package dev.hermetic.engines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The known-answer cases of the ported engines: scripts committed under
 * {@code src/test/resources/dev/hermetic/engines/known-answers/<engine>/}, each with the output
 * the native program built from the same Debian source gave on it (recorded by
 * {@code build.sh}, checked by {@code build.sh --check}). The case names are in that folder's
 * {@code cases.list}.
 */
public final class KnownAnswers {

    /** The engines that have known answers. */
    public static final List<String> ENGINES = List.of("sqlite", "lua");

    private KnownAnswers() {}

    /**
     * One script and what the native program printed for it.
     *
     * @param engine the engine the case is for
     * @param name the case's file name without extension
     * @param input the engine's whole input: the SQL text, or the Lua script then NUL then its data
     * @param expected the native program's output, in the engine's output format
     */
    public record Case(String engine, String name, byte[] input, byte[] expected) {
        @Override
        public String toString() {
            return engine + "/" + name;
        }
    }

    /** Every case of {@code engine}, in name order. */
    public static List<Case> of(String engine) {
        String cases = new String(resource(engine + "/cases.list"), StandardCharsets.UTF_8);
        return cases.lines().map(name -> load(engine, name)).toList();
    }

    private static Case load(String engine, String name) {
        byte[] input = switch (engine) {
            case "sqlite" -> resource(engine + "/" + name + ".sql");
            case "lua" -> luaInput(resource(engine + "/" + name + ".lua"), optionalResource(engine + "/" + name + ".data"));
            default -> throw new IllegalArgumentException("no known answers for " + engine);
        };
        return new Case(engine, name, input, resource(engine + "/" + name + ".out"));
    }

    /** The lua engine's input layout: the script, then, when there is data, a NUL byte and the data. */
    public static byte[] luaInput(byte[] script, byte[] data) {
        if (data == null || data.length == 0) {
            return script;
        }
        byte[] input = new byte[script.length + 1 + data.length];
        System.arraycopy(script, 0, input, 0, script.length);
        System.arraycopy(data, 0, input, script.length + 1, data.length);
        return input;
    }

    private static byte[] resource(String path) {
        byte[] bytes = optionalResource(path);
        if (bytes == null) {
            throw new IllegalArgumentException("no known-answer resource " + path + "; run wasm-engines/build.sh");
        }
        return bytes;
    }

    private static byte[] optionalResource(String path) {
        try (InputStream in = KnownAnswers.class.getResourceAsStream("known-answers/" + path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
