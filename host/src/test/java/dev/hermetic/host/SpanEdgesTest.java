package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.vmo.Vmo;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A span shows the engine exactly its range: the rest of a partial page reads as zeros (neither
 * the caller's bytes nor the engine's own window), writes there never reach the caller, and
 * writes inside the range do, at any alignment, however the process ends. {@code span-edges}
 * fills its span window with 0xCC before the spans are mapped.
 */
class SpanEdgesTest {
    private static final int CALLER = 0xAB;
    private static final int UNTOUCHED = 0x55;
    private static final int READ_AROUND = 0;
    private static final int READ_RANGE = 1;
    private static final int WRITE_AROUND_AND_RANGE = 2;
    private static final int WRITE_RANGE_THEN_TRAP = 3;

    private static Vmo filled(int size, int value) {
        Vmo vmo = Vmo.create(size);
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) value);
        vmo.write(bytes, 0);
        return vmo;
    }

    private static ProcessResult run(Host host, Span span, int op) throws InterruptedException {
        return host.load(Fixtures.wasm("span-edges")).newProcess().start(span, Value.i32(op)).await();
    }

    private static ProcessResult returned(long v) {
        return new ProcessResult.Returned(Optional.of(Value.i64(v)));
    }

    @ParameterizedTest(name = "[{0}, +{1})")
    @CsvSource({"0, 14", "0, 4095", "0, 4097", "100, 5000", "4000, 200", "4095, 1", "4096, 4096", "3000, 6000"})
    void aReadOnlySpanShowsOnlyItsRange(long offset, int length) throws Exception {
        for (ExecutionMode mode : ExecutionMode.values()) {
            try (Host host = Host.builder().withExecutionMode(mode).build()) {
                Vmo vmo = filled(16384, CALLER);
                assertThat(run(host, Span.readOnly(vmo, offset, length), READ_AROUND))
                        .as("bytes around the range, %s", mode).isEqualTo(returned(0));
                assertThat(run(host, Span.readOnly(vmo, offset, length), READ_RANGE))
                        .as("the range itself, %s", mode).isEqualTo(returned((long) length * CALLER));
                if (offset % 4096 != 0 || length % 4096 != 0) {
                    ProcessResult r = run(host, Span.readOnly(vmo, offset, length), WRITE_AROUND_AND_RANGE);
                    assertThat(r).isInstanceOfSatisfying(ProcessResult.Trapped.class,
                            t -> assertThat(t.kind()).isEqualTo(TrapKind.READ_ONLY_WRITE));
                }
                byte[] after = new byte[16384];
                vmo.read(after, 0);
                assertThat(after).containsOnly(CALLER);
            }
        }
    }

    @ParameterizedTest(name = "[{0}, +{1})")
    @CsvSource({"0, 14", "0, 100", "0, 4097", "100, 5000", "4000, 200", "4095, 1", "4096, 4096", "3000, 6000"})
    void aWritableSpanReachesTheCallerOnlyInsideItsRange(long offset, int length) throws Exception {
        for (ExecutionMode mode : ExecutionMode.values()) {
            try (Host host = Host.builder().withExecutionMode(mode).build()) {
                Vmo out = filled(16384, UNTOUCHED);
                assertThat(run(host, Span.writable(out, offset, length), READ_AROUND)).isEqualTo(returned(0));
                assertThat(run(host, Span.writable(out, offset, length), WRITE_AROUND_AND_RANGE)).isEqualTo(returned(0));
                assertWrittenExactly(out, offset, length);

                Vmo trapped = filled(16384, UNTOUCHED);
                assertThat(run(host, Span.writable(trapped, offset, length), WRITE_RANGE_THEN_TRAP))
                        .isInstanceOfSatisfying(ProcessResult.Trapped.class,
                                t -> assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE));
                assertWrittenExactly(trapped, offset, length);
            }
        }
    }

    private static void assertWrittenExactly(Vmo out, long offset, int length) {
        byte[] bytes = new byte[16384];
        out.read(bytes, 0);
        for (int i = 0; i < bytes.length; i++) {
            int want = i >= offset && i < offset + length ? 0x11 : UNTOUCHED;
            assertThat(bytes[i] & 0xFF).as("byte %d of the caller's VMO", i).isEqualTo(want);
        }
    }
}
