package dev.hermetic.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.engines.Engines;
import dev.hermetic.vmo.Vmo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** C engines on wasi-libc through the host: the SDK's WASI layer and setjmp/longjmp. */
class LibcOnHostTest {
    private static final List<ValueType> FILTER = List.of(ValueType.I32, ValueType.I32, ValueType.I32, ValueType.I32);

    static Stream<String> libcEngines() {
        try (Host host = Host.builder().build()) {
            List<String> names = Engines.names().stream()
                    .filter(name -> !name.startsWith("hostile-"))
                    .filter(name -> host.inspect(Engines.bytes(name)).exports().stream()
                            .anyMatch(e -> e.startsWith("_initialize:")))
                    .toList();
            assertThat(names).as("the bundled libc engines").contains("libc-probe", "sha256", "csv-stats", "sjlj", "sqlite", "lua");
            return names.stream();
        }
    }

    /** How a filter process ended, what it output (when it returned a length) and its log. */
    private record Run(ProcessResult result, String output, String log) {}

    private static Run filter(Host host, String engine, String input) throws InterruptedException {
        byte[] bytes = input.getBytes(UTF_8);
        Vmo in = Vmo.create(Math.max(bytes.length, 1));
        in.write(bytes, 0);
        Vmo out = Vmo.create(4096);
        EngineProcess p = host.load(engine, Engines.bytes(engine)).newProcess()
                .start(Span.readOnly(in, 0, bytes.length), Span.writable(out, 0, 4096));
        ProcessResult r = p.await();
        byte[] text = new byte[0];
        if (r instanceof ProcessResult.Returned returned && returned.value().orElseThrow().asLong() >= 0) {
            text = new byte[(int) returned.value().orElseThrow().asLong()];
            out.read(text, 0);
        }
        return new Run(r, new String(text, UTF_8), p.log().text());
    }

    /**
     * Every bundled engine built on wasi-libc (it exports {@code _initialize}) gets through libc's
     * constructors and reaches {@code engine_start}: with the WASI layer answering like an empty
     * system, neither the preopen scan that fopen links nor the environment that getenv links
     * ends the process (wasi-libc calls {@code _Exit(71)} on an unexpected answer).
     */
    @ParameterizedTest
    @MethodSource("libcEngines")
    void reachesEngineStart(String name) throws InterruptedException {
        try (Host host = Host.builder().build()) {
            Engine engine = host.load(name, Engines.bytes(name));
            assertThat(engine.startParameters()).as("%s follows the filter convention", name).isEqualTo(FILTER);
            ProcessResult r = engine.newProcess()
                    .start(Span.readOnly(Vmo.create(1), 0, 0), Span.writable(Vmo.create(4096), 0, 4096)).await();
            // engine_start ran and returned; a status (even a negative one) is its own answer.
            assertThat(r).as(name).isInstanceOf(ProcessResult.Returned.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void mallocPastThePageLimitIsNullAndTheHeapStillWorks(ExecutionMode mode) throws InterruptedException {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            assertThat(filter(host, "libc-probe", "oom").output()).isEqualTo("malloc-1GiB NULL\nmalloc-after block\n");
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void setjmpAndLongjmpGiveTheSameAnswersInEveryMode(ExecutionMode mode) throws InterruptedException {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            assertThat(filter(host, "sjlj", "loop 100").output()).isEqualTo(
                    "rounds 100\ntotal 4951\ncalls 5050\nsurvived 100\nlongjmp-0-returns 1\n");
            assertThat(filter(host, "sjlj", "nested 20").output()).isEqualTo(
                    "depth 20\nunwound 20380\nfinal-code 1020\n");
            Run stale = filter(host, "sjlj", "stale");
            assertThat(stale.result()).isEqualTo(
                    new ProcessResult.Trapped(TrapKind.UNCAUGHT_EXCEPTION, "uncaught exception with tag 0"));
            assertThat(stale.log()).isEqualTo("jumping to a returned frame\n");
        }
    }
}
