package dev.hermetic.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hermetic.host.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI, run in-process. */
class HermeticCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run hermetic(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = HermeticCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path fixture(String name) throws IOException {
        return Files.write(dir.resolve(name + ".wasm"), Fixtures.wasm(name));
    }

    private Path bundled(String name) throws IOException {
        return Files.write(dir.resolve(name + ".wasm"), Fixtures.engine(name));
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void runWritesTheEngineOutput() throws IOException {
        Path out = dir.resolve("out.txt");
        Run r = hermetic("run", fixture("filter-copy").toString(), "--in", file("in.txt", "hello, engine").toString(),
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo("HELLO, ENGINE");
        assertThat(r.out()).contains("wrote 13 bytes");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void runsTheBundledSha256EngineOnAFile() throws IOException {
        Path out = dir.resolve("digest");
        Run r = hermetic("run", bundled("sha256").toString(), "--in", file("abc.txt", "abc").toString(),
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(java.util.HexFormat.of().formatHex(Files.readAllBytes(out)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void runPrintsTheEnginesLogToStderrBeforeItsVerdict() throws IOException {
        Path out = dir.resolve("out.txt");
        Run r = hermetic("run", bundled("libc-probe").toString(), "--in", file("in.txt", "exit").toString(),
                "--out", out.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo(String.format("fatal: the reason, on stderr%nto stdout, then unflushed until exit%n"
                + "hermetic: the engine exited with code 3%n"));
        assertThat(r.out()).isEmpty();
    }

    @Test
    void runInterpretedWithJsonPrintsOneObject() throws IOException {
        Path out = dir.resolve("out.txt");
        Run r = hermetic("run", fixture("filter-copy").toString(), "--in", file("in.txt", "abc").toString(),
                "--out", out.toString(), "--interpreter", "--json", "--timeout", "5s", "--max-memory", "8M");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("outcome").asText()).isEqualTo("returned");
        assertThat(json.get("outputBytes").asLong()).isEqualTo(3);
        assertThat(Files.readString(out)).isEqualTo("ABC");
    }

    @Test
    void theEnginesExitCodePassesThrough() throws IOException {
        Path out = dir.resolve("out.txt");
        Run r = hermetic("run", fixture("filter-copy").toString(), "--in", file("in.txt", "!boom").toString(),
                "--out", out.toString(), "--json");
        assertThat(r.code()).isEqualTo(3);
        assertThat(new ObjectMapper().readTree(r.out()).get("code").asLong()).isEqualTo(3);
        assertThat(r.err()).contains("exited with code 3");
        assertThat(out).doesNotExist();
    }

    @Test
    void aNegativeStatusAndAKillAreFailures() throws IOException {
        Run small = hermetic("run", fixture("filter-copy").toString(), "--in", file("in.txt", "x".repeat(5000)).toString(),
                "--out", dir.resolve("o").toString(), "--out-capacity", "100");
        assertThat(small.code()).isEqualTo(1);
        assertThat(small.err()).contains("status -15");
        Run loop = hermetic("run", fixture("hostile-loop-filter").toString(), "--in", file("in2.txt", "x").toString(),
                "--out", dir.resolve("o2").toString(), "--timeout", "100ms", "--json");
        assertThat(loop.code()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(loop.out()).get("reason").asText()).isEqualTo("DEADLINE");
    }

    @Test
    void fuelIsPrintedInJsonAndABudgetKillsAtTheSameCount() throws IOException {
        Path out = dir.resolve("digest");
        Path in = file("abc.txt", "abc".repeat(1000));
        Run r = hermetic("run", bundled("sha256").toString(), "--in", in.toString(), "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        long fuel = new ObjectMapper().readTree(r.out()).get("fuel").asLong();
        assertThat(fuel).isPositive();
        Run again = hermetic("run", bundled("sha256").toString(), "--in", in.toString(), "--out", out.toString(), "--json",
                "--interpreter");
        assertThat(new ObjectMapper().readTree(again.out()).get("fuel").asLong()).isEqualTo(fuel);
        Path x = file("x.txt", "x");
        Run loop = hermetic("run", fixture("hostile-loop-filter").toString(), "--in", x.toString(), "--out",
                dir.resolve("o").toString(), "--fuel", "1000000", "--json");
        assertThat(loop.code()).isEqualTo(1);
        JsonNode killed = new ObjectMapper().readTree(loop.out());
        assertThat(killed.get("reason").asText()).isEqualTo("FUEL_EXHAUSTED");
        Run loopAgain = hermetic("run", fixture("hostile-loop-filter").toString(), "--in", x.toString(), "--out",
                dir.resolve("o").toString(), "--fuel", "1000000", "--json");
        assertThat(new ObjectMapper().readTree(loopAgain.out()).get("fuel").asLong()).isEqualTo(killed.get("fuel").asLong())
                .isGreaterThanOrEqualTo(1_000_000L);
        Run bad = hermetic("run", fixture("hostile-loop-filter").toString(), "--in", x.toString(), "--out",
                dir.resolve("o").toString(), "--fuel", "0");
        assertThat(bad.code()).isEqualTo(2);
    }

    @Test
    void snapshotWritesMeteredOnlyWhenAsked() throws IOException {
        Path plain = dir.resolve("plain.wasm");
        Path metered = dir.resolve("metered.wasm");
        Run p = hermetic("snapshot", bundled("json").toString(), "--init", "none", "-o", plain.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains("unmetered");
        Run m = hermetic("snapshot", bundled("json").toString(), "--init", "none", "--metered", "-o", metered.toString());
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(m.out()).contains(" metered");
        assertThat(new String(Files.readAllBytes(plain), StandardCharsets.ISO_8859_1)).doesNotContain("hermetic_fuel");
        assertThat(new String(Files.readAllBytes(metered), StandardCharsets.ISO_8859_1)).contains("hermetic_fuel");
    }

    @Test
    void anyEngineRunsOnTypedArguments() throws IOException {
        Run add = hermetic("run", bundled("hc-add").toString(), "--", "17", "23");
        assertThat(add.code()).as(add.err()).isEqualTo(40);
        assertThat(add.out()).contains("returned 40");
        Run wrongCount = hermetic("run", bundled("hc-add").toString(), "--", "17");
        assertThat(wrongCount.code()).isEqualTo(2);
        assertThat(wrongCount.err()).contains("engine_start takes [I32, I32] but 1 argument was given");
        Run notANumber = hermetic("run", bundled("hc-add").toString(), "--", "17", "x");
        assertThat(notANumber.code()).isEqualTo(2);
        assertThat(notANumber.err()).contains("'x' is not I32");
        // "--" alone: an engine_start of no parameters, run with none
        Run none = hermetic("run", bundled("hc-add").toString(), "--");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("engine_start takes [I32, I32] but 0 arguments were given");
        Run deepExit = hermetic("run", bundled("hostile-deep-exit").toString(), "--json", "--");
        assertThat(deepExit.code()).as(deepExit.err()).isEqualTo(7); // it calls process_exit(7) deep in recursion
        assertThat(new ObjectMapper().readTree(deepExit.out()).get("outcome").asText()).isEqualTo("exited");
    }

    @Test
    void aRefusedEngineAndBadUsageAreReportedOnStderr() throws IOException {
        Run refused = hermetic("run", bundled("hostile-wasi-import").toString(), "--in", file("in.txt", "x").toString(),
                "--out", dir.resolve("o").toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("wasi_snapshot_preview1.fd_write");
        assertThat(refused.out()).isEmpty();
        Run usage = hermetic("run", "x.wasm");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--in");
        Run badSize = hermetic("run", "x.wasm", "--in", "a", "--out", "b", "--max-memory", "lots");
        assertThat(badSize.code()).isEqualTo(2);
        Run missing = hermetic("run", dir.resolve("absent.wasm").toString(), "--in", "a", "--out", "b");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("absent.wasm");
    }

    @Test
    void inspectListsImportsAndExportsAndSaysWhyNot() throws IOException {
        Run ok = hermetic("inspect", fixture("filter-copy").toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("vdso.process_exit: func [i64] -> []", "engine_start: func [i32, i32, i32, i32] -> [i64]",
                "valid engine");
        Run bad = hermetic("inspect", bundled("hostile-wasi-import").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("not a valid engine", "wasi_snapshot_preview1.fd_write", "env.clock_now");
        Path garbage = Files.write(dir.resolve("garbage.wasm"), "not wasm".getBytes(StandardCharsets.UTF_8));
        Run malformed = hermetic("inspect", garbage.toString());
        assertThat(malformed.code()).isEqualTo(1);
        assertThat(malformed.err()).contains("not a valid WebAssembly module");
    }

    @Test
    void inspectAndRunRefuseHugeCountsAndModulesOverTheMaximumSize() throws IOException {
        Path huge = Files.write(dir.resolve("huge-name.wasm"), dev.hermetic.host.LoadGateTest.hugeExportName());
        Run inspect = hermetic("inspect", huge.toString());
        assertThat(inspect.code()).isEqualTo(1);
        assertThat(inspect.err()).contains("export section at offset 14", "2147483632");
        Run run = hermetic("run", huge.toString(), "--in", file("in.txt", "x").toString(), "--out", dir.resolve("o").toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("export section at offset 14");
        Path engine = bundled("sha256");
        Run tooLarge = hermetic("inspect", "--max-module-size", "1K", engine.toString());
        assertThat(tooLarge.code()).isEqualTo(1);
        assertThat(tooLarge.err()).contains("over the maximum module size of 1024 bytes");
        assertThat(hermetic("inspect", "--max-module-size", "1M", engine.toString()).code()).isZero();
    }

    @Test
    void inspectAndRunRefuseAModuleThatUsesAFeatureTheRuntimeDoesNotRun() throws IOException {
        Run inspect = hermetic("inspect", fixture("feature-simd").toString());
        assertThat(inspect.code()).isEqualTo(1);
        assertThat(inspect.err()).contains("uses SIMD (v128.const in function 0), which neither mode of this runtime executes");
        Run run = hermetic("run", fixture("feature-simd").toString(), "--interpreter", "--in", file("in.txt", "x").toString(),
                "--out", dir.resolve("o").toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("uses SIMD");
    }

    @Test
    void snapshotWritesAPreInitializedModuleThatRunsWithoutItsInit() throws IOException, InterruptedException {
        Path warm = dir.resolve("warm.wasm");
        Run r = hermetic("snapshot", fixture("zygote-state").toString(), "--init", "engine_init", "-o", warm.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + warm, "2 memory pages");
        try (dev.hermetic.host.Host host = dev.hermetic.host.Host.builder().build()) {
            dev.hermetic.host.Engine engine = host.load(Files.readAllBytes(warm));
            assertThat(engine.info().exports()).noneMatch(e -> e.startsWith("engine_init"));
            long report = ((dev.hermetic.host.ProcessResult.Returned) engine.newProcess()
                    .start(dev.hermetic.host.Value.i32(0)).await()).value().orElseThrow().bits();
            // zygote-state's report after engine_init: g=100, cells 7 and 9, table slots 5 and 7,
            // 2 pages, 'h' copied from the dropped segment, the start function run once.
            assertThat(report).isEqualTo(100L | 7L << 8 | 9L << 16 | 5L << 24 | 7L << 32 | 2L << 40 | 'h' * (1L << 48) | 1L << 56);
        }
        // The warm module runs under the CLI like any engine: json canonicalizes after --init none.
        Path warmJson = dir.resolve("json-warm.wasm");
        assertThat(hermetic("snapshot", bundled("json").toString(), "--init", "none", "-o", warmJson.toString()).code()).isZero();
        Path out = dir.resolve("out.json");
        Run run = hermetic("run", warmJson.toString(), "--in", file("in.json", "{\"b\":1,\"a\":2}").toString(),
                "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo("{\"a\":2,\"b\":1}");
    }

    @Test
    void snapshotOfAnInitThatTrapsFailsWithTheReason() throws IOException {
        Run r = hermetic("snapshot", fixture("hostile-unreachable").toString(), "--init", "engine_start",
                "-o", dir.resolve("x.wasm").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the warm-up did not finish", "Trapped");
        assertThat(dir.resolve("x.wasm")).doesNotExist();
    }

    @Test
    void runKeepsTheCompiledEngineInTheCacheDirectoryUnlessToldNot() throws IOException {
        Path cache = dir.resolve("cache");
        Path in = file("in.txt", "abc");
        Path engine = fixture("filter-copy");
        Run first = hermetic("run", engine.toString(), "--in", in.toString(), "--out", dir.resolve("o1").toString(),
                "--cache-dir", cache.toString(), "--json");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(new ObjectMapper().readTree(first.out()).get("loadMillis").asLong()).isNotNegative();
        try (var entries = Files.walk(cache)) {
            assertThat(entries.filter(p -> p.toString().endsWith(".entry")).count()).isEqualTo(2); // the compiled classes and the rewritten module
        }
        Run second = hermetic("run", engine.toString(), "--in", in.toString(), "--out", dir.resolve("o2").toString(),
                "--cache-dir", cache.toString());
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(Files.readString(dir.resolve("o2"))).isEqualTo("ABC");

        Path none = dir.resolve("no-cache");
        Run uncached = hermetic("run", engine.toString(), "--in", in.toString(), "--out", dir.resolve("o3").toString(),
                "--cache-dir", none.toString(), "--no-cache");
        assertThat(uncached.code()).as(uncached.err()).isZero();
        assertThat(none).doesNotExist();
    }

    @Test
    void aLongWarmUpSaysHowFarItGotOnStderr() throws IOException {
        // engine_start of hostile-loop spins until the deadline: a warm-up that never finishes.
        Run r = hermetic("snapshot", bundled("hostile-loop").toString(), "--init", "engine_start", "--timeout", "1500ms",
                "--progress-every", "200ms", "--no-cache", "-o", dir.resolve("x.wasm").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).containsPattern("hermetic: warming hostile-loop with engine_start: \\d+\\.\\d s, \\d+\\.\\d MiB committed")
                .contains("DEADLINE");
    }
}
