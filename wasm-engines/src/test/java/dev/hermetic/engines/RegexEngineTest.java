package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegexEngineTest {

    static byte[] input(String pattern, String text) {
        return (pattern + "\0" + text).getBytes(UTF_8);
    }

    private static ChicoryEngine.FilterResult run(ChicoryEngine engine, String pattern, String text, int cap) {
        return engine.filter(input(pattern, text), cap);
    }

    private static List<List<Integer>> spans(ChicoryEngine.FilterResult result) {
        assertThat(result.status()).isNotNegative();
        ByteBuffer buffer = ByteBuffer.wrap(result.output()).order(ByteOrder.LITTLE_ENDIAN);
        List<List<Integer>> spans = new ArrayList<>();
        while (buffer.hasRemaining()) {
            spans.add(List.of(buffer.getInt(), buffer.getInt()));
        }
        return spans;
    }

    @Test
    void reportsEveryMatchAsByteSpans() {
        ChicoryEngine engine = ChicoryEngine.start("regex");
        assertThat(spans(run(engine, "[0-9]+", "a1 22 b333", 4096)))
                .containsExactly(List.of(1, 2), List.of(3, 5), List.of(7, 10));
        assertThat(spans(run(ChicoryEngine.start("regex"), "(?i)\\bé\\w+", "Été été x", 4096)))
                .containsExactly(List.of(0, 5), List.of(6, 11));
        assertThat(spans(run(ChicoryEngine.start("regex"), "z", "abc", 4096))).isEmpty();
    }

    @Test
    void badInputIsAStatusAndTheEngineKeepsWorking() {
        ChicoryEngine engine = ChicoryEngine.start("regex");
        assertThat(engine.filter("no separator".getBytes(UTF_8), 4096).status()).isEqualTo(-10);
        assertThat(run(engine, "(unclosed", "text", 4096).status()).isEqualTo(-10);
        assertThat(engine.filter(new byte[] {(byte) 0xff, 0, 'a'}, 4096).status()).isEqualTo(-10);
        assertThat(run(engine, "\\w{1000}{1000}", "x", 4096).status()).isEqualTo(-10);
        assertThat(run(engine, "a", "aaa", 16).status()).isEqualTo(-15);
        assertThat(spans(run(engine, "a", "aaa", 24))).hasSize(3);
    }

    @Test
    void literalPatternsAgreeWithAModel() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        ChicoryEngine engine = ChicoryEngine.start("regex");
        for (int round = 0; round < 100; round++) {
            String needle = randomWord(random, 1 + random.nextInt(3));
            String text = randomWord(random, random.nextInt(400));
            List<List<Integer>> expected = new ArrayList<>();
            for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
                expected.add(List.of(at, at + needle.length()));
            }
            assertThat(spans(run(engine, needle, text, 1 << 16)))
                    .as(Seeds.describe(seed)).isEqualTo(expected);
        }
    }

    private static String randomWord(Random random, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append((char) ('a' + random.nextInt(3)));
        }
        return word.toString();
    }
}
