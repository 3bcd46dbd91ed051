package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.WasmException;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * setjmp/longjmp on Wasm exception handling (the C SDK's setjmp.h, built with clang-22), on
 * Chicory's compiler and its interpreter, against answers computed here. NodePeerTest checks
 * that V8 (Node 24) gives the same bytes.
 */
class SjljEngineTest {

    private static Function<String, ChicoryEngine> runtime(boolean compiled) {
        return compiled ? ChicoryEngine::start : ChicoryEngine::startInterpreted;
    }

    private static String run(boolean compiled, String input) {
        ChicoryEngine.FilterResult r = runtime(compiled).apply("sjlj").filter(input.getBytes(UTF_8), 4096);
        assertThat(r.status()).as(input).isNotNegative();
        return new String(r.output(), UTF_8);
    }

    /** What "loop N" reports: round i longjmps out of i+1 calls with value i; longjmp(0) gives 1. */
    static String loopAnswer(int rounds) {
        long total = 1; // round 0 longjmps with 0, which setjmp returns as 1
        long calls = 0;
        for (int i = 0; i < rounds; i++) {
            total += i == 0 ? 0 : i;
            calls += i + 1;
        }
        return "rounds " + rounds + "\ntotal " + total + "\ncalls " + calls + "\nsurvived " + rounds
                + "\nlongjmp-0-returns 1\n";
    }

    /**
     * What "nested N" reports: N protected calls at depths N-1 .. 0; the error (code 1000) is
     * raised at depth 0; the handler at depth k receives code 1000 + k, adds it and k, and
     * rethrows code + 1 outwards, so the outermost setjmp returns 1000 + N.
     */
    static String nestedAnswer(int depth) {
        long unwound = 0;
        for (int k = 0; k < depth; k++) {
            unwound += 1000 + 2L * k;
        }
        return "depth " + depth + "\nunwound " + unwound + "\nfinal-code " + (1000 + depth) + "\n";
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void longjmpLeavesNestedCallsAndSetjmpWorksInALoop(boolean compiled) {
        assertThat(run(compiled, "loop 1")).isEqualTo(loopAnswer(1));
        assertThat(run(compiled, "loop 10")).isEqualTo(loopAnswer(10));
        assertThat(run(compiled, "loop 300")).isEqualTo(loopAnswer(300));
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void protectedCallsInsideEachOtherUnwindOneLevelAtATime(boolean compiled) {
        assertThat(run(compiled, "nested 1")).isEqualTo(nestedAnswer(1));
        assertThat(run(compiled, "nested 2")).isEqualTo(nestedAnswer(2));
        assertThat(run(compiled, "nested 50")).isEqualTo(nestedAnswer(50));
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aLongjmpToAReturnedFrameIsAnUncaughtException(boolean compiled) {
        ChicoryEngine engine = runtime(compiled).apply("sjlj");
        assertThatThrownBy(() -> engine.filter("stale".getBytes(UTF_8), 4096)).isInstanceOf(WasmException.class);
        assertThat(engine.log()).isEqualTo("jumping to a returned frame\n");
    }
}
