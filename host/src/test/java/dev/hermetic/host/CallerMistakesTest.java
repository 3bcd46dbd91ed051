package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import dev.hermetic.vmo.Rights;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.ZxException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A caller's mistake is an exception from {@code start()}, before anything runs; an engine's
 * trap is {@code Trapped}; a host bug is {@code Failed}, never {@code Trapped(OTHER)}.
 */
class CallerMistakesTest {
    private static final ProcessResult FILLED = new ProcessResult.Returned(Optional.of(Value.i32(0)));

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void aSpanOverAClosedVmoIsRefusedAtStart(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            EngineProcess p = host.load(Fixtures.engine("hc-fill-span")).newProcess();
            Vmo out = Vmo.create(4096);
            Span span = Span.writable(out, 0, 4096);
            out.close();
            assertThatThrownBy(() -> p.start(span, Value.i32(7)))
                    .isInstanceOf(SpanRefusedException.class)
                    .hasMessageContaining("closed");
            // Nothing ran: the same process starts once it is given a usable span.
            Vmo fresh = Vmo.create(4096);
            assertThat(p.start(Span.writable(fresh, 0, 4096), Value.i32(7)).await()).isEqualTo(FILLED);
        }
    }

    @Test
    void aWritableSpanThroughAHandleWithoutWriteIsRefusedAtStart() throws Exception {
        try (Host host = Host.builder().build()) {
            Vmo out = Vmo.create(4096);
            Vmo readOnly = out.duplicate(Rights.READ | Rights.MAP);
            assertThatThrownBy(() -> host.load(Fixtures.engine("hc-fill-span")).newProcess()
                    .start(Span.writable(readOnly, 0, 4096), Value.i32(7)))
                    .isInstanceOf(SpanRefusedException.class)
                    .hasMessageContaining("WRITE");
            // Read-only through the same handle is fine.
            assertThat(host.load(Fixtures.engine("hc-sum-span")).newProcess()
                    .start(Span.readOnly(readOnly, 0, 4096)).await()).isInstanceOf(ProcessResult.Returned.class);
        }
    }

    @Test
    void aSpanThroughAHandleWithoutMapIsRefusedAtStart() throws Exception {
        try (Host host = Host.builder().build()) {
            Vmo noMap = Vmo.create(4096).duplicate(Rights.READ | Rights.WRITE);
            assertThatThrownBy(() -> host.load(Fixtures.engine("hc-sum-span")).newProcess()
                    .start(Span.readOnly(noMap, 0, 4096)))
                    .isInstanceOf(SpanRefusedException.class)
                    .hasMessageContaining("MAP");
        }
    }

    @Test
    void chicorysTrapsAreTrapsByTheirType() throws Exception {
        assertThat(Outcomes.classify(new TrapException("Trapped on unreachable instruction"), null))
                .isEqualTo(new ProcessResult.Trapped(TrapKind.UNREACHABLE, "Trapped on unreachable instruction"));
        assertThat(Outcomes.classify(new WasmRuntimeException("out of bounds memory access: at 7"), null))
                .isInstanceOfSatisfying(ProcessResult.Trapped.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS));
        assertThat(Outcomes.classify(new WasmRuntimeException("something new"), null))
                .isEqualTo(new ProcessResult.Trapped(TrapKind.OTHER, "something new"));
    }

    @Test
    void aHostExceptionIsAFailureEvenWhenItsMessageLooksLikeATrap() throws Exception {
        for (Throwable bug : new Throwable[] {
                new ZxException(Status.BAD_HANDLE, "the handle is closed"),
                new IllegalStateException("unreachable"),
                new NullPointerException(),
                new AssertionError("out of bounds memory access")}) {
            assertThat(Outcomes.classify(bug, null))
                    .as(bug.toString())
                    .isInstanceOfSatisfying(ProcessResult.Failed.class, f -> assertThat(f.error().cause()).isSameAs(bug));
        }
    }

    @Test
    void aFailedProcessIsCountedAsFailed() throws Exception {
        assertThat(new ProcessResult.Failed(new HostError("x", new IllegalStateException())).outcome()).isEqualTo("failed");
    }
}
