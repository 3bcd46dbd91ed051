package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonEngineTest {

    private static ChicoryEngine.FilterResult run(ChicoryEngine engine, String json) {
        return engine.filter(json.getBytes(UTF_8), 1 << 20);
    }

    private static String canonical(String json) {
        ChicoryEngine.FilterResult result = run(ChicoryEngine.start("json"), json);
        assertThat(result.status()).as(json).isNotNegative();
        return new String(result.output(), UTF_8);
    }

    @Test
    void canonicalizesWhitespaceKeyOrderAndEscapes() {
        assertThat(canonical(" { \"b\" : [1, 2.5, -0.25e1, true, null], \"a\": {\"z\":\"\\u0041\\n\", \"y\":{}} } "))
                .isEqualTo("{\"a\":{\"y\":{},\"z\":\"A\\n\"},\"b\":[1,2.5,-2.5,true,null]}");
        assertThat(canonical("{\"k\":1,\"k\":2}")).isEqualTo("{\"k\":2}");
        assertThat(canonical("\"\\ud83d\\ude00\"")).isEqualTo("\"\uD83D\uDE00\"");
    }

    @Test
    void malformedJsonIsAStatusNotAPanicAndTheEngineKeepsWorking() {
        ChicoryEngine engine = ChicoryEngine.start("json");
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"\\x\"", "01",
                "[1] 2", "[".repeat(100_000), "\"\\udc00\""}) {
            assertThat(run(engine, bad).status()).as(bad.length() > 20 ? "deep nesting" : bad).isEqualTo(-42);
        }
        assertThat(engine.filter(new byte[] {'"', (byte) 0xc3, '"'}, 100).status()).isEqualTo(-42);
        assertThat(engine.filter("[1,2,3]".getBytes(UTF_8), 6).status()).isEqualTo(-15);
        assertThat(new String(run(engine, "[ 1 ]").output(), UTF_8)).isEqualTo("[1]");
    }

    @Test
    void randomDocumentsCanonicalizeToTheirSortedCompactForm() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            Object value = randomValue(random, 4);
            String pretty = write(value, random, true);
            String expected = write(value, random, false);
            assertThat(canonical(pretty)).as(Seeds.describe(seed)).isEqualTo(expected);
            assertThat(canonical(expected)).as(Seeds.describe(seed)).isEqualTo(expected);
        }
    }

    private static Object randomValue(Random random, int depth) {
        switch (depth == 0 ? random.nextInt(4) : random.nextInt(6)) {
            case 0:
                return (long) random.nextInt();
            case 1:
                return "s" + random.nextInt(1000) + (random.nextBoolean() ? "\"q" : "");
            case 2:
                return random.nextBoolean();
            case 3:
                return null;
            case 4: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(randomValue(random, depth - 1));
                }
                return list;
            }
            default: {
                TreeMap<String, Object> map = new TreeMap<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    map.put("k" + random.nextInt(100), randomValue(random, depth - 1));
                }
                return map;
            }
        }
    }

    /** Compact with sorted keys, or (shuffled) with random whitespace and key order. */
    @SuppressWarnings("unchecked")
    private static String write(Object value, Random random, boolean shuffled) {
        String space = shuffled ? " \n\t".substring(0, random.nextInt(4)) : "";
        if (value instanceof String s) {
            return "\"" + s.replace("\"", "\\\"") + "\"";
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(space + write(item, random, shuffled) + space);
            }
            return "[" + String.join(",", items) + "]";
        }
        if (value instanceof TreeMap<?, ?> map) {
            List<String> members = new ArrayList<>();
            ((TreeMap<String, Object>) map).forEach((key, item) ->
                    members.add(space + "\"" + key + "\"" + space + ":" + write(item, random, shuffled)));
            if (shuffled) {
                Collections.shuffle(members, random);
            }
            return "{" + String.join(",", members) + "}";
        }
        return String.valueOf(value);
    }
}
