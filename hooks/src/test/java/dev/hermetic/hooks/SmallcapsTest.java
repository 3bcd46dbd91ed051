package dev.hermetic.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmallcapsTest {
    @Test
    void encodesEveryKindAsEndoDoes() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("z", Undefined.INSTANCE);
        record.put("#x", -0.0);
        record.put("10", new BigInteger("-7"));
        record.put("2", BigInteger.TEN);
        record.put("a", List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5e-7, 1e21));
        CapData data = Smallcaps.encode(record);
        assertThat(data.body()).isEqualTo(
                "#{\"2\":\"+10\",\"10\":\"-7\",\"!#x\":0,\"a\":[\"#NaN\",\"#Infinity\",\"#-Infinity\",1.5e-7,1e+21],\"z\":\"#undefined\"}");
        assertThat(data.slots()).isEmpty();
    }

    @Test
    void printsNumbersAsJavaScriptDoes() {
        double[] values = {0.1 + 0.2, 1e21, 1e20, 1.5e-7, 123e-20, 5e-324, Double.MAX_VALUE, 100, 0.000001, 1e-7,
            123456789012345680000.0, -1.5, 2.5e-300, 9007199254740993.0, 1.0 / 3,
            // Exactly 841090427771483648: rounding Java's 17 digits (…48365) again gives …837, not …836.
            8.4109042777148365e17};
        String[] javascript = {"0.30000000000000004", "1e+21", "100000000000000000000", "1.5e-7", "1.23e-18",
            "5e-324", "1.7976931348623157e+308", "100", "0.000001", "1e-7", "123456789012345680000", "-1.5",
            "2.5e-300", "9007199254740992", "0.3333333333333333", "841090427771483600"};
        for (int i = 0; i < values.length; i++) {
            assertThat(Smallcaps.encode(values[i]).body()).isEqualTo("#" + javascript[i]);
        }
    }

    @Test
    void remotableShowsItsInterfaceOnFirstUseOnly() {
        Remotable counter = new Remotable("ko12", "Alleged: counter");
        CapData data = Smallcaps.encode(List.of(counter, new PromiseRef("kp3"), counter,
                new Tagged("copySet", List.of()), new PassableError("TypeError", "#bad"), PassableSymbol.ASYNC_ITERATOR));
        assertThat(data.body()).isEqualTo("#[\"$0.Alleged: counter\",\"&1\",\"$0\",{\"#tag\":\"copySet\",\"payload\":[]},"
                + "{\"#error\":\"!#bad\",\"name\":\"TypeError\"},\"%@@asyncIterator\"]");
        assertThat(data.slots()).containsExactly("ko12", "kp3");
        assertThat(data.value()).isEqualTo(List.of(counter, new PromiseRef("kp3"), counter,
                new Tagged("copySet", List.of()), new PassableError("TypeError", "#bad"), PassableSymbol.ASYNC_ITERATOR));
    }

    @Test
    void escapesSpecialStringsAndControlCharacters() {
        assertThat(Smallcaps.encode("!hi").body()).isEqualTo("#\"!!hi\"");
        assertThat(Smallcaps.encode("-").body()).isEqualTo("#\"!-\"");
        assertThat(Smallcaps.encode(".").body()).isEqualTo("#\".\"");
        assertThat(Smallcaps.encode("\u0001\n\ud800\u2028").body()).isEqualTo("#\"\\u0001\\n\\ud800\u2028\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "{}", "#", "#{", "#[1,]", "#{\"a\":1,\"a\":2}", "#\"$1\"", "#\"&1\"", "#\"$x\"", "#\"$01\"",
        "#\"#nope\"", "#\"+\"", "#\"+1x\"", "#\"*\"", "#{\"#tag\":1,\"payload\":2}", "#{\"#tag\":\"t\"}",
        "#{\"#error\":1,\"name\":\"E\"}", "#{\"#other\":1}", "#{\"+1\":2}", "#{\"!b\":1,\"b\":2}", "#\"%@@nope\"",
        "#1 2", "#NaN"
    })
    void malformedBodiesAreInvalidArgs(String body) {
        assertThatThrownBy(() -> Smallcaps.decode(new CapData(body, List.of("ko1"))))
                .isInstanceOfSatisfying(HookException.class, e -> assertThat(e.status()).isEqualTo(HookStatus.INVALID_ARGS));
        assertThat(Smallcaps.decode(new CapData("#\"$0.Alleged: ok\"", List.of("ko1"))))
                .isEqualTo(new Remotable("ko1", "Alleged: ok"));
    }

    @Test
    void hostileNestingIsRefusedBothWays() {
        String deep = "#" + "[".repeat(Smallcaps.MAX_DEPTH + 2) + "]".repeat(Smallcaps.MAX_DEPTH + 2);
        assertThatThrownBy(() -> Smallcaps.decode(new CapData(deep, List.of()))).isInstanceOf(HookException.class);
        Object nested = List.of();
        for (int i = 0; i < Smallcaps.MAX_DEPTH + 2; i++) {
            nested = List.of(nested);
        }
        Object tooDeep = nested;
        assertThatThrownBy(() -> Smallcaps.encode(tooDeep)).isInstanceOf(HookException.class);
        assertThatThrownBy(() -> Smallcaps.encode(42)).isInstanceOf(HookException.class);
    }

    @Test
    void randomValuesRoundTrip() {
        long seed = PassableGenerator.seed();
        PassableGenerator generator = new PassableGenerator(new Random(seed));
        for (int i = 0; i < 3000; i++) {
            Object value = generator.value(5);
            CapData data = Smallcaps.encode(value);
            CapData viaWire = CapData.fromJsonBytes(data.toJsonBytes());
            assertThat(viaWire).as("seed %d (-Dhooks.seed=%d), value %d", seed, seed, i).isEqualTo(data);
            assertThat(viaWire.value()).as("seed %d (-Dhooks.seed=%d), value %d: %s", seed, seed, i, data.body())
                    .isEqualTo(withoutNegativeZero(value));
        }
    }

    /** Smallcaps sends -0 as 0. */
    private static Object withoutNegativeZero(Object value) {
        if (value instanceof Double d && d == 0) {
            return 0.0;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(x -> copy.add(withoutNegativeZero(x)));
            return copy;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, x) -> copy.put(k, withoutNegativeZero(x)));
            return copy;
        }
        if (value instanceof Tagged t) {
            return new Tagged(t.tag(), withoutNegativeZero(t.payload()));
        }
        return value;
    }
}
