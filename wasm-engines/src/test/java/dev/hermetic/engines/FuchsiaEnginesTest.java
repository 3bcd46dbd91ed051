package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.Value;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Fuchsia hermetic-compute test list, on the freestanding hc-* engines. */
class FuchsiaEnginesTest {

    @Test
    void addsSeventeenAndTwentyThree() {
        assertThat(ChicoryEngine.start("hc-add").call("engine_start", 17, 23)[0]).isEqualTo(40);
    }

    @Test
    void manyArgumentsReachTheEngineInPosition() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        ChicoryEngine engine = ChicoryEngine.start("hc-many-args");
        for (int round = 0; round < 200; round++) {
            long[] args = new long[12];
            for (int i = 0; i < 12; i++) {
                args[i] = isI32(i) ? random.nextInt() : random.nextLong();
            }
            long expected = checksum(args);
            assertThat(engine.call("engine_start", wasmArgs(args))[0])
                    .as(Seeds.describe(seed)).isEqualTo(expected);
            long[] swapped = args.clone();
            swapped[0] = args[2];
            swapped[2] = args[0];
            if (args[0] != args[2]) {
                assertThat(engine.call("engine_start", wasmArgs(swapped))[0])
                        .as(Seeds.describe(seed)).isNotEqualTo(expected);
            }
        }
    }

    /** Parameters 0, 2, 4, 5, 8 and 10 are i32; the rest i64. */
    private static boolean isI32(int index) {
        return index == 0 || index == 2 || index == 4 || index == 5 || index == 8 || index == 10;
    }

    private static long[] wasmArgs(long[] args) {
        long[] wasm = new long[12];
        for (int i = 0; i < 12; i++) {
            wasm[i] = isI32(i) ? args[i] & 0xffff_ffffL : args[i];
        }
        return wasm;
    }

    private static long checksum(long[] args) {
        long h = 0;
        for (long arg : args) {
            h = h * 31 + arg;
        }
        return h;
    }

    @Test
    void floatsArriveExactly() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        ChicoryEngine engine = ChicoryEngine.start("hc-floats");
        assertThat(engine.call("engine_start", Value.floatToLong(1.5f),
                Double.doubleToRawLongBits(2.25), Value.floatToLong(-0.5f),
                Double.doubleToRawLongBits(4.0))[0])
                .isEqualTo(Double.doubleToRawLongBits(1.375));
        for (int round = 0; round < 200; round++) {
            float a = (float) random.nextGaussian() * 1000;
            double b = random.nextGaussian() * 1e6;
            float c = Float.intBitsToFloat(random.nextInt());
            double d = random.nextDouble();
            long expected = Double.doubleToRawLongBits((double) a * b + (double) c * d);
            long got = engine.call("engine_start", Value.floatToLong(a),
                    Double.doubleToRawLongBits(b), Value.floatToLong(c),
                    Double.doubleToRawLongBits(d))[0];
            if (Double.isNaN(Double.longBitsToDouble(expected))) {
                assertThat(Double.longBitsToDouble(got)).as(Seeds.describe(seed)).isNaN();
            } else {
                assertThat(got).as(Seeds.describe(seed)).isEqualTo(expected);
            }
        }
    }

    @Test
    void sumsAReadOnlySpanMappedAfterMemory() {
        long seed = Seeds.seed();
        byte[] bytes = new byte[100_000];
        new Random(seed).nextBytes(bytes);
        long expected = 0;
        for (byte b : bytes) {
            expected += b & 0xff;
        }
        ChicoryEngine engine = ChicoryEngine.start("hc-sum-span");
        int ptr = engine.mapAfterEnd(bytes.length);
        engine.memory().write(ptr, bytes);
        assertThat(engine.call("engine_start", ptr, bytes.length)[0])
                .as(Seeds.describe(seed)).isEqualTo(expected);
    }

    @Test
    void fillsAWritableSpanAndNothingElse() {
        ChicoryEngine engine = ChicoryEngine.start("hc-fill-span");
        int ptr = engine.mapAfterEnd(3 * 4096);
        assertThat(engine.call("engine_start", ptr + 4096, 5000, 0x5a)[0]).isZero();
        byte[] around = engine.memory().readBytes(ptr, 3 * 4096);
        for (int i = 0; i < around.length; i++) {
            boolean inside = i >= 4096 && i < 4096 + 5000;
            assertThat(around[i]).as("byte %d", i).isEqualTo(inside ? (byte) 0x5a : 0);
        }
    }

    @Test
    void recursesToTheGivenDepthAndDiesWhenTheStackIsTooSmall() {
        assertThat(ChicoryEngine.start("hc-recurse").call("engine_start", 100)[0]).isEqualTo(100);
        assertThatThrownBy(() -> ChicoryEngine.start("hc-recurse").call("engine_start", 100_000))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("out of bounds");
        assertThat(ChicoryEngine.start("hc-recurse").call("engine_start", 200)[0]).isEqualTo(200);
    }
}
