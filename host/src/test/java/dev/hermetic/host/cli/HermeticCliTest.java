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
}
