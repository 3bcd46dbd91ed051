package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.internal.wasm.split.FunctionSplitter;
import dev.hermetic.vmo.Vmo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled filter engine gives the same status and output split as unsplit, in both
 * execution modes: split as the host does by default, and split at a tiny limit so that most of
 * its functions are cut into pieces.
 */
class FunctionSplitEquivalenceTest {

    static final int OUT_CAP = 1 << 20;

    /** Limits small enough that nearly every function with a block is split. */
    static final int TINY_LIMIT = 300;
    static final int TINY_PIECE = 120;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String engine : Workloads.FILTERS) {
            for (ExecutionMode mode : ExecutionMode.values()) {
                // classifier's warm-up takes minutes in Chicory's interpreter; regex runs the same crate there.
                if (engine.equals("classifier") && mode == ExecutionMode.INTERPRETER && !Boolean.getBoolean("hermetic.slow")) {
                    continue;
                }
                cases.add(Arguments.of(engine, mode));
            }
        }
        return cases.stream();
    }

    /** Inputs that reach the engines' large functions; smaller ones for the slow interpreter. */
    static List<byte[]> inputs(String engine, ExecutionMode mode) {
        if (mode == ExecutionMode.INTERPRETER) {
            return List.of(Workloads.benchInput(engine, 300), "x,\"y\n{[(\\".getBytes(StandardCharsets.UTF_8));
        }
        return List.of(Workloads.benchInput(engine, 20_000), Workloads.benchInput(engine, 700), new byte[0],
                "x,\"y\n{[(\\".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void splitAndUnsplitAgree(String engine, ExecutionMode mode) throws InterruptedException {
        byte[] wasm = Engines.bytes(engine);
        FunctionSplitter.Result byDefault = FunctionSplitter.split(wasm);
        FunctionSplitter.Result tiny = FunctionSplitter.split(wasm, TINY_LIMIT, TINY_PIECE);
        assertThat(tiny.piecesMade()).as("pieces at the tiny limit").isGreaterThan(byDefault.piecesMade());
        // Unsplit, the largest functions may run in the JVM's interpreter: give them time.
        Limits slow = Limits.builder().withDeadline(java.time.Duration.ofMinutes(5)).build();
        try (Host host = Host.builder().withExecutionMode(mode).withFunctionSplitting(false).withDefaultLimits(slow)
                .build()) {
            Engine original = host.load(engine, wasm);
            // An engine with nothing too large comes back unchanged: the same bytes, the same engine.
            Engine split = byDefault.wasm() == wasm ? original : host.load(engine + "-split", byDefault.wasm());
            Engine cut = host.load(engine + "-tiny", tiny.wasm());
            for (byte[] input : inputs(engine, mode)) {
                Outcome expected = run(original, input);
                assertThat(run(split, input)).as("%s split by default, %d input bytes", engine, input.length)
                        .isEqualTo(expected);
                assertThat(run(cut, input)).as("%s split at the tiny limit, %d input bytes", engine, input.length)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void theHostSplitsAtLoadAndSaysSo() throws InterruptedException {
        try (Host host = Host.builder().build()) {
            Engine engine = host.load("deflate", Engines.bytes("deflate"));
            SplitReport report = engine.info().split();
            assertThat(report.functionsSplit()).isPositive();
            assertThat(report.piecesMade()).isGreaterThanOrEqualTo(report.functionsSplit());
            assertThat(report.functionsLeftTooLarge()).isZero();
            assertThat(host.inspect(Engines.bytes("deflate")).split()).isEqualTo(report);
            byte[] input = Workloads.benchInput("deflate", 10_000);
            try (Host unsplit = Host.builder().withFunctionSplitting(false).build()) {
                Engine reference = unsplit.load("deflate", Engines.bytes("deflate"));
                assertThat(reference.info().split()).isEqualTo(SplitReport.NONE);
                assertThat(run(engine, input)).isEqualTo(run(reference, input));
            }
        }
    }

    /**
     * How a run ended and what it wrote: the status and the output for a return, else the kind
     * of ending.
     */
    record Outcome(String ending, byte[] output) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && ending.equals(other.ending) && Arrays.equals(output, other.output);
        }

        @Override
        public int hashCode() {
            return ending.hashCode();
        }

        @Override
        public String toString() {
            return ending + " with " + output.length + " output bytes";
        }
    }

    static Outcome run(Engine engine, byte[] input) throws InterruptedException {
        Vmo in = Vmo.create(Math.max(1, input.length));
        in.write(input, 0);
        Vmo out = Vmo.create(OUT_CAP);
        ProcessResult r = engine.newProcess()
                .start(Span.readOnly(in, 0, input.length), Span.writable(out, 0, OUT_CAP))
                .await();
        if (r instanceof ProcessResult.Returned returned) {
            long status = returned.value().orElseThrow().asLong();
            byte[] output = new byte[(int) Math.max(0, Math.min(status, OUT_CAP))];
            out.read(output, 0);
            return new Outcome("status " + status, output);
        }
        if (r instanceof ProcessResult.Trapped t) {
            return new Outcome("trapped " + t.kind(), new byte[0]);
        }
        return new Outcome(r.toString(), new byte[0]);
    }
}
