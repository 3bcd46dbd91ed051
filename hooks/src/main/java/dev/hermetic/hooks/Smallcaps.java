package dev.hermetic.hooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.hermetic.hooks.internal.JsJson;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Endo's smallcaps encoding, both directions, byte for byte as {@code @endo/marshal} does it
 * with {@code serializeBodyFormat: 'smallcaps'} and {@code errorTagging: 'off'}.
 *
 * <p>Passable values in Java: {@code null}; {@link Undefined#INSTANCE}; {@link Boolean};
 * {@link Double} (the only number type; -0 encodes as 0); {@link BigInteger}; {@link String};
 * {@link PassableSymbol}; {@link List} (copyArray); {@link Map} with {@link String} keys
 * (copyRecord; decoded as an immutable sorted map); {@link Tagged}; {@link PassableError};
 * {@link Remotable} and {@link PromiseRef} (by reference: their slot strings become the
 * capdata's slots, one slot per distinct reference, in order of first use).
 */
public final class Smallcaps {
    /** Deeper values are refused both ways, so hostile nesting cannot exhaust the stack. */
    public static final int MAX_DEPTH = 512;

    /** Strict parsing: duplicate keys are an error rather than last-one-wins. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Smallcaps() {}

    /**
     * Encodes a passable value.
     *
     * @throws HookException INVALID_ARGS for a value that is not passable
     */
    public static CapData encode(Object value) {
        Encoder encoder = new Encoder();
        StringBuilder body = new StringBuilder("#");
        encoder.write(body, value, 0);
        return new CapData(body.toString(), encoder.slots);
    }

    /**
     * Decodes a smallcaps body. A remotable's interface is the one the body gives for its slot
     * (an encoder gives it once, at the first use in key order, which need not be first in the
     * text: JavaScript prints array-index keys first), so every use decodes to an equal value.
     *
     * @throws HookException INVALID_ARGS for a malformed body or a slot index out of range
     */
    public static Object decode(CapData data) {
        String body = data.body();
        if (!body.startsWith("#")) {
            throw invalid("smallcaps body must start with #");
        }
        String json = body.substring(1);
        try {
            // Scanned before the main parser opens, so both reuse the same recycled buffers.
            Map<Integer, String> interfaces = interfaces(json, data.slots());
            return decodeBody(json, data.slots(), interfaces);
        } catch (IOException e) {
            throw new HookException(HookStatus.INVALID_ARGS, "malformed smallcaps JSON: " + e.getMessage(), e);
        }
    }

    private static Object decodeBody(String json, List<String> slots, Map<Integer, String> interfaces)
            throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            Decoder decoder = new Decoder(p, slots, interfaces);
            Object value = decoder.read(p.nextToken(), 0);
            if (p.nextToken() != null) {
                throw invalid("trailing content in smallcaps body");
            }
            return value;
        }
    }

    /** Slot index to the interface the body gives it, from every {@code "$N.iface"} string. */
    private static Map<Integer, String> interfaces(String json, List<String> slots) throws IOException {
        Map<Integer, String> interfaces = new HashMap<>();
        if (json.indexOf('$') < 0) {
            return interfaces;
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token == JsonToken.VALUE_STRING) {
                    String s = p.getText();
                    int dot = s.indexOf('.');
                    if (s.startsWith("$") && dot > 0) {
                        interfaces.putIfAbsent(slotIndex(s.substring(1, dot), slots), s.substring(dot + 1));
                    }
                }
            }
        }
        return interfaces;
    }

    private static int slotIndex(String digits, List<String> slots) {
        if (digits.isEmpty() || digits.length() > 9 || !allDigits(digits)
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            throw invalid("malformed slot index " + digits);
        }
        int index = Integer.parseInt(digits);
        if (index >= slots.size()) {
            throw invalid("slot index " + index + " out of range (" + slots.size() + " slots)");
        }
        return index;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Strings starting with one of {@code !"#$%&'()*+,-} are special and get a {@code !}. */
    static boolean startsSpecial(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        return '!' <= c && c <= '-';
    }

    private static HookException invalid(String message) {
        return new HookException(HookStatus.INVALID_ARGS, message);
    }

    private static final class Encoder {
        /** Slot strings in order of first use; index = position. */
        final List<String> slots = new ArrayList<>();
        /** Slot string to its index in {@link #slots}. */
        final Map<String, Integer> slotIndex = new HashMap<>();

        void write(StringBuilder out, Object value, int depth) {
            if (depth > MAX_DEPTH) {
                throw invalid("value nested deeper than " + MAX_DEPTH);
            }
            if (value == null) {
                out.append("null");
            } else if (value instanceof Boolean b) {
                out.append(b.booleanValue());
            } else if (value instanceof String s) {
                writeString(out, s);
            } else if (value instanceof Double d) {
                writeNumber(out, d);
            } else if (value instanceof BigInteger n) {
                out.append('"').append(n.signum() < 0 ? "" : "+").append(n).append('"');
            } else if (value == Undefined.INSTANCE) {
                out.append("\"#undefined\"");
            } else if (value instanceof PassableSymbol sym) {
                JsJson.appendString(out, "%" + sym.name());
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(out, list.get(i), depth + 1);
                }
                out.append(']');
            } else if (value instanceof Map<?, ?> map) {
                writeRecord(out, map, depth);
            } else if (value instanceof Tagged t) {
                out.append("{\"#tag\":");
                writeString(out, t.tag());
                out.append(",\"payload\":");
                write(out, t.payload(), depth + 1);
                out.append('}');
            } else if (value instanceof PassableError e) {
                out.append("{\"#error\":");
                writeString(out, e.message());
                out.append(",\"name\":");
                writeString(out, e.name());
                out.append('}');
            } else if (value instanceof Remotable r) {
                Integer known = slotIndex.get(r.slot());
                int index = slotFor(r.slot());
                String text = known == null && r.iface() != null ? "$" + index + "." + r.iface() : "$" + index;
                JsJson.appendString(out, text);
            } else if (value instanceof PromiseRef pr) {
                out.append("\"&").append(slotFor(pr.slot())).append('"');
            } else {
                throw invalid("not passable: " + value.getClass().getName());
            }
        }

        private int slotFor(String slot) {
            return slotIndex.computeIfAbsent(slot, s -> {
                slots.add(s);
                return slots.size() - 1;
            });
        }

        private static void writeString(StringBuilder out, String s) {
            JsJson.appendString(out, startsSpecial(s) ? "!" + s : s);
        }

        private static void writeNumber(StringBuilder out, double d) {
            if (Double.isNaN(d)) {
                out.append("\"#NaN\"");
            } else if (d == Double.POSITIVE_INFINITY) {
                out.append("\"#Infinity\"");
            } else if (d == Double.NEGATIVE_INFINITY) {
                out.append("\"#-Infinity\"");
            } else {
                JsJson.appendNumber(out, d);
            }
        }

        /**
         * Values are encoded in key order (UTF-16 code units, as JavaScript sorts), which
         * decides where a remotable first shows its interface; JSON.stringify then prints
         * array-index keys first in numeric order, as every JavaScript object does.
         */
        private void writeRecord(StringBuilder out, Map<?, ?> map, int depth) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw invalid("record keys must be strings");
                }
                sorted.put(key, entry.getValue());
            }
            List<String[]> indexEntries = new ArrayList<>();
            List<String[]> otherEntries = new ArrayList<>();
            for (Map.Entry<String, Object> entry : sorted.entrySet()) {
                StringBuilder member = new StringBuilder();
                writeString(member, entry.getKey());
                member.append(':');
                write(member, entry.getValue(), depth + 1);
                String key = entry.getKey();
                (isArrayIndex(key) ? indexEntries : otherEntries).add(new String[] {key, member.toString()});
            }
            indexEntries.sort((x, y) -> Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0])));
            out.append('{');
            boolean first = true;
            for (List<String[]> group : List.of(indexEntries, otherEntries)) {
                for (String[] entry : group) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(entry[1]);
                }
            }
            out.append('}');
        }

        /** A canonical decimal integer below 2^32 - 1: what JavaScript treats as an array index. */
        private static boolean isArrayIndex(String key) {
            int n = key.length();
            if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                char c = key.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return Long.parseLong(key) < 0xFFFF_FFFFL;
        }
    }

    private static final class Decoder {
        /** The parser positioned inside the body. */
        final JsonParser parser;
        /** The capdata's slots; every index in the body must be below its size. */
        final List<String> slots;
        /** Slot index to the interface the body gives it; absent when it gives none. */
        final Map<Integer, String> interfaces;

        Decoder(JsonParser parser, List<String> slots, Map<Integer, String> interfaces) {
            this.parser = parser;
            this.slots = slots;
            this.interfaces = interfaces;
        }

        Object read(JsonToken token, int depth) throws IOException {
            if (token == null) {
                throw invalid("empty smallcaps body");
            }
            if (depth > MAX_DEPTH) {
                throw invalid("body nested deeper than " + MAX_DEPTH);
            }
            switch (token) {
                case VALUE_NULL:
                    return null;
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return parser.getDoubleValue();
                case VALUE_STRING:
                    return decodeString(parser.getText());
                case START_ARRAY: {
                    List<Object> list = new ArrayList<>();
                    JsonToken next;
                    while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                        list.add(read(next, depth + 1));
                    }
                    return Collections.unmodifiableList(list);
                }
                case START_OBJECT:
                    return readObject(depth);
                default:
                    throw invalid("unexpected JSON token " + token);
            }
        }

        private Object readObject(int depth) throws IOException {
            Map<String, Object> encoded = new HashMap<>();
            JsonToken next;
            while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                encoded.put(name, read(parser.nextToken(), depth + 1));
            }
            if (encoded.containsKey("#tag")) {
                Object tag = encoded.remove("#tag");
                if (!(tag instanceof String tagString)) {
                    throw invalid("the value of #tag must be a string");
                }
                if (!encoded.containsKey("payload") || encoded.size() != 1) {
                    throw invalid("a #tag record has exactly #tag and payload");
                }
                return new Tagged(tagString, encoded.get("payload"));
            }
            if (encoded.containsKey("#error")) {
                Object message = encoded.remove("#error");
                Object name = encoded.remove("name");
                encoded.remove("errorId");
                if (!(message instanceof String m) || !(name instanceof String n) || !encoded.isEmpty()) {
                    throw invalid("an #error record has a string #error, a string name and optionally errorId");
                }
                return new PassableError(n, m);
            }
            TreeMap<String, Object> record = new TreeMap<>();
            for (Map.Entry<String, Object> entry : encoded.entrySet()) {
                String key = entry.getKey();
                if (key.startsWith("#")) {
                    throw invalid("unrecognized record type " + key);
                }
                if (!(decodeString(key) instanceof String name)) {
                    throw invalid("record key must decode to a string: " + key);
                }
                if (record.put(name, entry.getValue()) != null) {
                    throw invalid("two record keys decode to " + name);
                }
            }
            return Collections.unmodifiableSortedMap(record);
        }

        private Object decodeString(String s) {
            if (!startsSpecial(s)) {
                return s;
            }
            switch (s.charAt(0)) {
                case '!':
                    return s.substring(1);
                case '%':
                    return new PassableSymbol(s.substring(1));
                case '#':
                    switch (s) {
                        case "#undefined":
                            return Undefined.INSTANCE;
                        case "#NaN":
                            return Double.NaN;
                        case "#Infinity":
                            return Double.POSITIVE_INFINITY;
                        case "#-Infinity":
                            return Double.NEGATIVE_INFINITY;
                        default:
                            throw invalid("unknown constant " + s);
                    }
                case '+':
                case '-':
                    return decodeBigInt(s);
                case '$': {
                    int dot = s.indexOf('.');
                    int index = slotIndex(dot < 0 ? s.substring(1) : s.substring(1, dot), slots);
                    return new Remotable(slots.get(index), interfaces.get(index));
                }
                case '&':
                    return new PromiseRef(slots.get(slotIndex(s.substring(1), slots)));
                default:
                    throw invalid("special character reserved: " + s);
            }
        }

        private static BigInteger decodeBigInt(String s) {
            String digits = s.substring(1);
            if (digits.isEmpty() || digits.length() > 10_000 || !allDigits(digits)) {
                throw invalid("malformed bigint " + (s.length() > 40 ? s.substring(0, 40) + "..." : s));
            }
            BigInteger magnitude = new BigInteger(digits);
            return s.charAt(0) == '-' ? magnitude.negate() : magnitude;
        }
    }
}
