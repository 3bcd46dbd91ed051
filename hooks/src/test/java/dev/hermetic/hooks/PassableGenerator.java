package dev.hermetic.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded random passable values, and a neutral JSON description of them that the node peer
 * script reads and writes (strings as UTF-16 code units, so lone surrogates survive).
 */
final class PassableGenerator {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Strings chosen to hit every escaping and ordering rule. */
    private static final String[] STRINGS = {
        "", "a", "b", "payload", "name", "!", "!!x", "\"", "#", "#tag", "#error", "#undefined", "$0", "$1.Alleged: x",
        "%", "%@@asyncIterator", "&0", "'", "(", ")", "*", "+", "+1", ",", "-", "-1", ".", "/", "0", "1", "2", "10",
        "01", "4294967294", "4294967295", "9007199254740993", " ", "\u0000", "\u001f", "\n", "\t", "\\", "\u007f",
        "\u00e9", "\u2028", "\ud83d\ude00", "\ud83d", "\ude00", "@@x", "~", "Z", "z"
    };
    private static final String[] ERROR_NAMES = {
        "Error", "TypeError", "RangeError", "EvalError", "ReferenceError", "SyntaxError", "URIError"
    };
    private static final double[] NUMBERS = {
        0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1e21, 1e20, 123456789012345680000.0, 1e-6, 1e-7, 1.5e-7, 5e-324,
        Double.MAX_VALUE, Double.MIN_NORMAL, 9007199254740992.0, 9007199254740993.0, 4294967295.0, 1.0 / 3,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 100.0, 1e300, -2.5e-300
    };
    private static final int REMOTABLE_SLOTS = 4;
    private static final int PROMISE_SLOTS = 3;

    private final Random random;

    PassableGenerator(Random random) {
        this.random = random;
    }

    Object value(int depth) {
        int kind = random.nextInt(depth <= 0 ? 11 : 15);
        switch (kind) {
            case 0: return null;
            case 1: return Undefined.INSTANCE;
            case 2: return random.nextBoolean();
            case 3: return number();
            case 4: return bigint();
            case 5: case 6: return string();
            case 7: return symbol();
            case 8: return new PassableError(ERROR_NAMES[random.nextInt(ERROR_NAMES.length)], string());
            case 9: {
                int n = random.nextInt(REMOTABLE_SLOTS) + 1;
                return new Remotable("ko" + n, "Alleged: thing" + n);
            }
            case 10: return new PromiseRef("kp" + (random.nextInt(PROMISE_SLOTS) + 1));
            case 11: case 12: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(value(depth - 1));
                }
                return list;
            }
            case 13: {
                Map<String, Object> record = new TreeMap<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    record.put(string(), value(depth - 1));
                }
                return record;
            }
            default: return new Tagged(string(), value(depth - 1));
        }
    }

    private double number() {
        switch (random.nextInt(4)) {
            case 0: return NUMBERS[random.nextInt(NUMBERS.length)];
            case 1: return random.nextInt(2001) - 1000;
            case 2: return Double.longBitsToDouble(random.nextLong());
            default: return (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(60) - 30);
        }
    }

    private BigInteger bigint() {
        BigInteger n = new BigInteger(random.nextInt(200), random);
        return random.nextBoolean() ? n.negate() : n;
    }

    String string() {
        if (random.nextInt(4) > 0) {
            return STRINGS[random.nextInt(STRINGS.length)];
        }
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            s.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : (char) (0x20 + random.nextInt(0x5f)));
        }
        return s.toString();
    }

    private PassableSymbol symbol() {
        switch (random.nextInt(3)) {
            case 0: return PassableSymbol.ASYNC_ITERATOR;
            case 1: return PassableSymbol.registered(random.nextBoolean() ? "@@x" : "");
            default: return PassableSymbol.registered(STRINGS[random.nextInt(STRINGS.length)]);
        }
    }

    static JsonNode describe(Object v) {
        ObjectNode d = JSON.createObjectNode();
        if (v == null) {
            d.put("t", "null");
        } else if (v == Undefined.INSTANCE) {
            d.put("t", "undefined");
        } else if (v instanceof Boolean b) {
            d.put("t", "bool").put("v", b);
        } else if (v instanceof Double x) {
            d.put("t", "number").put("v", x.equals(-0.0) ? "-0" : x.isNaN() ? "NaN"
                    : x.isInfinite() ? (x > 0 ? "Infinity" : "-Infinity") : Double.toString(x));
        } else if (v instanceof BigInteger n) {
            d.put("t", "bigint").put("v", n.toString());
        } else if (v instanceof String s) {
            d.put("t", "string").set("u", units(s));
        } else if (v instanceof PassableSymbol sym) {
            d.put("t", "symbol").set("u", units(sym.name()));
        } else if (v instanceof List<?> list) {
            ArrayNode a = d.put("t", "array").putArray("v");
            list.forEach(x -> a.add(describe(x)));
        } else if (v instanceof Map<?, ?> map) {
            ArrayNode a = d.put("t", "record").putArray("v");
            map.forEach((k, x) -> a.addArray().add(units((String) k)).add(describe(x)));
        } else if (v instanceof Tagged t) {
            d.put("t", "tagged").set("tag", units(t.tag()));
            d.set("payload", describe(t.payload()));
        } else if (v instanceof PassableError e) {
            d.put("t", "error").put("name", e.name()).set("message", units(e.message()));
        } else if (v instanceof Remotable r) {
            d.put("t", "remotable").put("slot", r.slot()).put("iface", r.iface());
        } else if (v instanceof PromiseRef p) {
            d.put("t", "promise").put("slot", p.slot());
        } else {
            throw new IllegalArgumentException(String.valueOf(v));
        }
        return d;
    }

    static Object fromDescription(JsonNode d) {
        switch (d.get("t").asText()) {
            case "null": return null;
            case "undefined": return Undefined.INSTANCE;
            case "bool": return d.get("v").asBoolean();
            case "number": {
                String v = d.get("v").asText();
                return v.equals("NaN") ? Double.NaN : v.equals("Infinity") ? Double.POSITIVE_INFINITY
                        : v.equals("-Infinity") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v);
            }
            case "bigint": return new BigInteger(d.get("v").asText());
            case "string": return text(d.get("u"));
            case "symbol": return new PassableSymbol(text(d.get("u")));
            case "array": {
                List<Object> list = new ArrayList<>();
                d.get("v").forEach(x -> list.add(fromDescription(x)));
                return list;
            }
            case "record": {
                Map<String, Object> map = new LinkedHashMap<>();
                d.get("v").forEach(e -> map.put(text(e.get(0)), fromDescription(e.get(1))));
                return map;
            }
            case "tagged": return new Tagged(text(d.get("tag")), fromDescription(d.get("payload")));
            case "error": return new PassableError(d.get("name").asText(), text(d.get("message")));
            case "remotable": return new Remotable(d.get("slot").asText(),
                    d.get("iface").isNull() ? null : d.get("iface").asText());
            case "promise": return new PromiseRef(d.get("slot").asText());
            default: throw new IllegalArgumentException(d.toString());
        }
    }

    private static ArrayNode units(String s) {
        ArrayNode a = JSON.createArrayNode();
        s.chars().forEach(a::add);
        return a;
    }

    private static String text(JsonNode units) {
        StringBuilder s = new StringBuilder();
        units.forEach(u -> s.append((char) u.asInt()));
        return s.toString();
    }

    /** The seed from {@code -Dhooks.seed}, or a fresh one; tests print it with every failure. */
    static long seed() {
        String fixed = System.getProperty("hooks.seed");
        return fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
    }
}
