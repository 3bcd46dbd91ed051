package dev.hermetic.host.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One spec script as {@code wast2json} writes it: a list of commands and their module files. */
record WastScript(String name, Path dir, List<Command> commands) {

    /** A typed value of an argument or an expected result, as wast2json spells it. */
    record Literal(String type, String value) {
        boolean isCanonicalNan() {
            return "nan:canonical".equals(value);
        }

        boolean isArithmeticNan() {
            return "nan:arithmetic".equals(value);
        }

        /** The raw bits Chicory passes for this value (floats as their bit pattern). */
        long bits() {
            if ("null".equals(value)) {
                return com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE;
            }
            return Long.parseUnsignedLong(value);
        }
    }

    /** An {@code invoke} of an export function or a {@code get} of an exported global. */
    record Action(String type, String module, String field, List<Literal> args) {}

    /**
     * One command. {@code filename} is set for module commands, {@code action} for invocations,
     * {@code text} for the expected failure message, {@code moduleType} is "binary" or "text".
     */
    record Command(
            String type,
            int line,
            String name,
            String filename,
            String as,
            Action action,
            List<Literal> expected,
            String text,
            String moduleType) {
        String where(String script) {
            return script + ".wast:" + line;
        }
    }

    static WastScript parse(String name, Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<Command> commands = new ArrayList<>();
        for (JsonNode c : root.get("commands")) {
            commands.add(
                    new Command(
                            c.get("type").asText(),
                            c.path("line").asInt(),
                            text(c, "name"),
                            text(c, "filename"),
                            text(c, "as"),
                            c.has("action") ? action(c.get("action")) : null,
                            values(c.get("expected")),
                            text(c, "text"),
                            text(c, "module_type")));
        }
        return new WastScript(name, json.getParent(), List.copyOf(commands));
    }

    private static Action action(JsonNode a) {
        return new Action(
                a.get("type").asText(), text(a, "module"), a.get("field").asText(), values(a.get("args")));
    }

    private static List<Literal> values(JsonNode list) {
        List<Literal> values = new ArrayList<>();
        if (list != null) {
            for (JsonNode v : list) {
                values.add(new Literal(v.get("type").asText(), text(v, "value")));
            }
        }
        return List.copyOf(values);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
