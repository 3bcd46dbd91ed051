package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.vmo.Vmo;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fuchsia's hermetic-compute tests, in Wasm form, in both execution modes. */
class FuchsiaTestListTest {

    private static ProcessResult.Returned returned(Value v) {
        return new ProcessResult.Returned(Optional.of(v));
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void seventeenPlusTwentyThree(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            assertThat(add.newProcess().start(Value.i32(17), Value.i32(23)).await()).isEqualTo(returned(Value.i32(40)));
            long seed = Fixtures.seed();
            Random random = new Random(seed);
            for (int i = 0; i < 50; i++) {
                int a = random.nextInt();
                int b = random.nextInt();
                assertThat(add.newProcess().start(Value.i32(a), Value.i32(b)).await())
                        .as("seed %d: %d + %d", seed, a, b)
                        .isEqualTo(returned(Value.i32(a + b)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void manyArgumentsArriveInOrder(ExecutionMode mode) throws Exception {
        // hc-many-args: (i32 i64 i32 i64 i32 i32 i64 i64 i32 i64 i32 i64) -> h = h * 31 + arg, in order.
        boolean[] wide = {false, true, false, true, false, false, true, true, false, true, false, true};
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load(Fixtures.engine("hc-many-args"));
            for (int round = 0; round < 20; round++) {
                Arg[] args = new Arg[12];
                long h = 0;
                for (int i = 0; i < 12; i++) {
                    long v = wide[i] ? random.nextLong() : random.nextInt();
                    args[i] = wide[i] ? Value.i64(v) : Value.i32((int) v);
                    h = h * 31 + v;
                }
                assertThat(engine.newProcess().start(args).await()).as("seed %d", seed).isEqualTo(returned(Value.i64(h)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void floats(ExecutionMode mode) throws Exception {
        // hc-floats: (f32 a, f64 b, f32 c, f64 d) -> the bits of (double) a * b + (double) c * d.
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            ProcessResult r = host.load(Fixtures.engine("hc-floats")).newProcess()
                    .start(Value.f32(1.25f), Value.f64(-3.0), Value.f32(0.5f), Value.f64(1e10)).await();
            assertThat(r).isEqualTo(returned(Value.i64(Double.doubleToRawLongBits(1.25 * -3.0 + 0.5 * 1e10))));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void readOnlySpanIsSummed(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            byte[] data = new byte[10_000];
            new Random(7).nextBytes(data);
            long sum = 0;
            for (byte b : data) {
                sum += b & 0xff;
            }
            Vmo input = Vmo.create(16384);
            input.write(data, 0);
            ProcessResult r = host.load(Fixtures.engine("hc-sum-span")).newProcess()
                    .start(Span.readOnly(input, 4096, 5000)).await();
            long tail = 0;
            for (int i = 4096; i < 9096 && i < data.length; i++) {
                tail += data[i] & 0xff;
            }
            assertThat(r).isEqualTo(returned(Value.i64(tail)));
            assertThat(host.load(Fixtures.engine("hc-sum-span")).newProcess().start(Span.readOnly(input, 0, data.length)).await())
                    .isEqualTo(returned(Value.i64(sum)));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void writableSpanIsFilled(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Vmo output = Vmo.create(3 * 4096);
            ProcessResult r = host.load(Fixtures.engine("hc-fill-span")).newProcess()
                    .start(Span.writable(output, 4096, 5000), Value.i32(0x5a)).await();
            assertThat(r).isEqualTo(returned(Value.i32(0)));
            byte[] all = new byte[3 * 4096];
            output.read(all, 0);
            for (int i = 0; i < all.length; i++) {
                assertThat(all[i]).as("byte %d", i).isEqualTo(i >= 4096 && i < 9096 ? (byte) 0x5a : 0);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void tooDeepRecursionIsKilledWhileAShallowerOneWorks(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            // hc-recurse keeps 256-byte frames on its 64 KiB shadow stack in linear memory.
            Engine recurse = host.load(Fixtures.engine("hc-recurse"));
            assertThat(recurse.newProcess().start(Value.i32(100)).await()).isEqualTo(returned(Value.i32(100)));
            ProcessResult deep = recurse.newProcess().start(Value.i32(100_000)).await();
            assertThat(deep).isInstanceOfSatisfying(ProcessResult.Trapped.class,
                    t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS));
            assertThat(recurse.newProcess().start(Value.i32(50)).await()).isEqualTo(returned(Value.i32(50)));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void tooSmallAThreadStackIsStackExhaustionWhileAShallowerCallWorks(ExecutionMode mode) throws Exception {
        Limits smallStack = Limits.builder().withStackBytes(256 << 10).build();
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine recurse = host.load(Fixtures.wasm("recurse"));
            // How much JVM stack a Wasm frame takes varies with the mode and the JIT: keep a wide margin.
            assertThat(recurse.newProcess(smallStack).start(Value.i32(50)).await()).isEqualTo(returned(Value.i32(50)));
            assertThat(recurse.newProcess(smallStack).start(Value.i32(5_000_000)).await())
                    .isEqualTo(new ProcessResult.Trapped(TrapKind.STACK_EXHAUSTED, "call stack exhausted"));
            assertThat(recurse.newProcess(smallStack).start(Value.i32(40)).await()).isEqualTo(returned(Value.i32(40)));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void argumentsThatDoNotFitTheSignatureAreRefusedBeforeAnythingRuns(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            EngineProcess p = add.newProcess();
            assertThatThrownBy(() -> p.start(Value.i32(1))).isInstanceOf(ArgumentMismatchException.class);
            assertThatThrownBy(() -> p.start(Value.i32(1), Value.i64(2)))
                    .isInstanceOf(ArgumentMismatchException.class)
                    .hasMessageContaining("[I32, I32]");
            assertThatThrownBy(() -> p.start(Span.readOnly(Vmo.create(4096), 0, 1), Value.i32(1)))
                    .isInstanceOf(ArgumentMismatchException.class);
            assertThat(p.isAlive()).isFalse();
            assertThatThrownBy(p::await).isInstanceOf(ProcessStateException.class);
            // The same process may still start once with the right arguments, and only once.
            assertThat(p.start(Value.i32(2), Value.i32(3)).await()).isEqualTo(returned(Value.i32(5)));
            assertThatThrownBy(() -> p.start(Value.i32(2), Value.i32(3))).isInstanceOf(ProcessStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void anEmptySpanIsAValidSpan(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Vmo empty = Vmo.create(4096);
            assertThat(host.load(Fixtures.engine("hc-sum-span")).newProcess().start(Span.readOnly(empty, 0, 0)).await())
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(0))));
        }
    }

    @org.junit.jupiter.api.Test
    void aSpanMustLieInsideItsVmo() throws Exception {
        Vmo vmo = Vmo.create(8192);
        assertThat(Span.readOnly(vmo, 4096, 4096).mappedBytes()).isEqualTo(4096);
        assertThatThrownBy(() -> Span.readOnly(vmo, 4096, 4097))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs past the end of its 8192-byte VMO");
        assertThatThrownBy(() -> Span.writable(vmo, 12288, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Span.readOnly(vmo, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        // A range inside one page occupies that page; one crossing a boundary occupies both.
        assertThat(Span.readOnly(vmo, 2048, 1).mappedBytes()).isEqualTo(4096);
        assertThat(Span.readOnly(vmo, 2048, 4096).mappedBytes()).isEqualTo(8192);
        assertThat(Span.readOnly(vmo, 2048, 0).mappedBytes()).isZero();
    }
}
