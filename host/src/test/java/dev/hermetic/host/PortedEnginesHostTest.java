package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.engines.KnownAnswers;
import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ported engines (sqlite, lua) through the host, with its default limits: a fresh process
 * per known-answer case, and clones of a zygote warmed by engine_init, give the native
 * program's output byte for byte.
 */
class PortedEnginesHostTest {

    static final int OUT_CAP = 1 << 20;

    /** Compiling a 1 MB engine takes seconds on a loaded machine: one host, each engine loaded once. */
    static Host host;

    @BeforeAll
    static void startHost() {
        host = Host.builder().build();
    }

    @AfterAll
    static void closeHost() {
        host.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "lua"})
    void freshProcessesAndZygoteClonesGiveTheNativeOutput(String name) throws InterruptedException {
        Engine engine = host.load(name, Fixtures.engine(name));
        List<KnownAnswers.Case> cases = KnownAnswers.of(name);
        // A long deadline for the first run only: it also pays for the JIT warming up.
        Limits patient = Limits.builder().withDeadline(Duration.ofMinutes(2)).build();
        try (Snapshot zygote = engine.snapshot(patient, Warmup.engineInit())) {
            for (KnownAnswers.Case known : cases) {
                assertThat(run(engine.newProcess(patient), known.input())).as("fresh %s", known).isEqualTo(known.expected());
                assertThat(run(zygote.spawn(patient), known.input())).as("clone %s", known).isEqualTo(known.expected());
            }
        }
    }

    private static byte[] run(EngineProcess process, byte[] input) throws InterruptedException {
        try (process; Vmo in = Vmo.create(Math.max(1, input.length)); Vmo out = Vmo.create(OUT_CAP)) {
            in.write(input, 0);
            ProcessResult result = process.start(Span.readOnly(in, 0, input.length), Span.writable(out, 0, OUT_CAP)).await();
            assertThat(result).isInstanceOf(ProcessResult.Returned.class);
            long written = ((ProcessResult.Returned) result).value().orElseThrow().asLong();
            assertThat(written).as("%s", result).isBetween(0L, (long) OUT_CAP);
            byte[] output = new byte[(int) written];
            out.read(output, 0);
            return output;
        }
    }
}
