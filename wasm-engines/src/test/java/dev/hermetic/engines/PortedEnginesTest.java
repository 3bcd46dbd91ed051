package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engines ported from Debian's sources (sqlite, lua) on plain Chicory give, byte for byte,
 * what the native sqlite3 shell and lua interpreter built from the same source printed for the
 * same scripts ({@link KnownAnswers}); each call is independent of the ones before it, with
 * or without engine_init.
 */
class PortedEnginesTest {

    static final int OUT_CAP = 1 << 20;

    static Stream<KnownAnswers.Case> cases() {
        return KnownAnswers.ENGINES.stream().flatMap(engine -> KnownAnswers.of(engine).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void givesTheNativeProgramsOutput(KnownAnswers.Case known) {
        ChicoryEngine.FilterResult result = ChicoryEngine.start(known.engine()).filter(known.input(), OUT_CAP);
        assertThat(result.status()).as(known.toString()).isEqualTo(known.expected().length);
        assertThat(new String(result.output(), UTF_8)).isEqualTo(new String(known.expected(), UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "lua"})
    void everyCallStartsFromAFreshStateWithOrWithoutInit(String engine) {
        List<KnownAnswers.Case> cases = KnownAnswers.of(engine);
        ChicoryEngine process = ChicoryEngine.start(engine);
        process.call("engine_init");
        // Each script twice in one process: tables, globals and errors of a call never reach the next.
        for (int round = 0; round < 2; round++) {
            for (KnownAnswers.Case known : cases) {
                ChicoryEngine.FilterResult result = process.filter(known.input(), OUT_CAP);
                assertThat(result.output()).as("%s, round %d", known, round).isEqualTo(known.expected());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "lua"})
    void outputThatDoesNotFitIsBufferTooSmall(String engine) {
        String program = engine.equals("sqlite")
                ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i FROM n;"
                : "for i = 1, 1000 do print(i) end";
        ChicoryEngine process = ChicoryEngine.start(engine);
        assertThat(process.filter(program.getBytes(UTF_8), 100).status()).isEqualTo(-15);
        // The overflow leaves no trace: the next call with room gives the whole answer.
        ChicoryEngine.FilterResult roomy = process.filter(program.getBytes(UTF_8), 8192);
        assertThat(roomy.status()).isEqualTo(3893);
        assertThat(new String(roomy.output(), UTF_8)).startsWith("1\n2\n").endsWith("\n999\n1000\n");
    }

    @Test
    void sqliteRefusesSqlWithANulByte() {
        ChicoryEngine process = ChicoryEngine.start("sqlite");
        assertThat(process.filter("SELECT 1;\0SELECT 2;".getBytes(UTF_8), OUT_CAP).status()).isEqualTo(-10);
        assertThat(process.filter("SELECT 1;".getBytes(UTF_8), OUT_CAP).output()).isEqualTo("1\n".getBytes(UTF_8));
    }

    @Test
    void sqliteHasNoFilesTimeOrRandomness() {
        String sql = "ATTACH 'other.db' AS other;";
        ChicoryEngine process = ChicoryEngine.start("sqlite");
        assertThat(new String(process.filter(sql.getBytes(UTF_8), OUT_CAP).output(), UTF_8))
                .isEqualTo("Error: unable to open database: other.db (14)\n");
        // The clock stands at the Unix epoch; randomness is seeded the same in every process.
        byte[] clock = "SELECT datetime('now'), random(), hex(randomblob(4));".getBytes(UTF_8);
        String first = new String(process.filter(clock, OUT_CAP).output(), UTF_8);
        assertThat(first).startsWith("1970-01-01 00:00:00|");
        assertThat(ChicoryEngine.start("sqlite").filter(clock, OUT_CAP).output()).isEqualTo(first.getBytes(UTF_8));
    }

    @Test
    void luaReadsItsDataAfterTheNulByteAndReachesNoFiles() {
        byte[] input = KnownAnswers.luaInput(
                "print(io.read('a'))\nprint(io.open, io.popen, os, package, debug, require)\nprint(pcall(io.lines, 'f'))"
                        .getBytes(UTF_8),
                "the data".getBytes(UTF_8));
        String output = new String(ChicoryEngine.start("lua").filter(input, OUT_CAP).output(), UTF_8);
        assertThat(output).isEqualTo("the data\nnil\tnil\tnil\tnil\tnil\tnil\n"
                + "false\tcannot open file 'f' (Capabilities insufficient)\n");
    }
}
