package dev.hermetic.host.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.wasm.Parser;
import dev.hermetic.host.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WAT fixtures' pre-initialized modules, written from Chicory's warm instances, on V8: every
 * getter gives what it gives on a V8 instance of the original warmed there. V8 follows the spec
 * where Chicory 1.7.5 does not (active segments dropped after instantiation) and runs SIMD.
 */
class PortableFixturesOnV8Test {

    @ParameterizedTest
    @ValueSource(strings = {"portable-globals", "portable-tables", "portable-segments"})
    void gettersAgreeWithTheWarmOriginal(String fixture, @TempDir Path dir) throws Exception {
        assumeTrue(NodeRunner.available(), NodeRunner.MISSING);
        byte[] original = Fixtures.wasm(fixture);
        byte[] portable = WarmInstances.snapshot(WarmInstances.warm(original, false)).write(original);
        Path originalFile = dir.resolve("original.wasm");
        Path portableFile = dir.resolve("portable.wasm");
        Files.write(originalFile, original);
        Files.write(portableFile, portable);
        List<String> calls = new ArrayList<>();
        for (String export : WarmInstances.exportNames(Parser.parse(original))) {
            if (export.startsWith("get_") || export.startsWith("simd_")) {
                if (export.equals("get_t")) {
                    for (int i = 0; i < 8; i++) {
                        calls.add(export + "/" + i);
                    }
                } else if (export.equals("get_v") || export.equals("get_u_null")) {
                    for (int i = 0; i < 4; i++) {
                        calls.add(export + "/" + i);
                    }
                } else {
                    calls.add(export);
                }
            }
        }
        List<String> warm = new ArrayList<>(List.of("calls", originalFile.toString(), "1"));
        warm.addAll(calls);
        List<String> pre = new ArrayList<>(List.of("calls", portableFile.toString(), "0"));
        pre.addAll(calls);
        List<String> expected = NodeRunner.run(warm);
        List<String> actual = NodeRunner.run(pre);
        assertThat(expected).hasSize(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            assertThat(actual.get(i)).as("%s %s", fixture, calls.get(i)).isEqualTo(expected.get(i));
        }
        if (fixture.equals("portable-segments")) {
            assertThat(actual.get(calls.indexOf("get_starts"))).isEqualTo("value 1");
            assertThat(actual.get(calls.indexOf("get_active_init"))).isEqualTo("trap");
            assertThat(actual.get(calls.indexOf("get_elem_active_init"))).isEqualTo("trap");
        }
    }
}
