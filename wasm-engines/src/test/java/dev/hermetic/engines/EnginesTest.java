package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class EnginesTest {

    @Test
    void namesListsEveryContractEngineSorted() {
        assertThat(Engines.names())
                .contains("hc-add", "hc-many-args", "hc-floats", "hc-sum-span", "hc-fill-span",
                        "hc-recurse", "sha256", "csv-stats", "regex", "deflate", "json",
                        "classifier", "hostile-loop", "hostile-memory-bomb", "hostile-recursion",
                        "hostile-oob-load", "hostile-oob-store", "hostile-readonly-write",
                        "hostile-wasi-import", "hostile-huge-fill", "hostile-deep-exit", "hostile-panic",
                        "kv-lookup", "hostile-hook-recursion")
                .isSorted();
    }

    @Test
    void everyEngineIsAWasmModule() throws IOException {
        for (String name : Engines.names()) {
            byte[] bytes = Engines.bytes(name);
            assertThat(bytes).as(name).startsWith(0, 'a', 's', 'm', 1, 0, 0, 0);
            try (InputStream in = Engines.open(name)) {
                assertThat(in.readAllBytes()).as(name).isEqualTo(bytes);
            }
        }
    }

    @Test
    void unknownNameIsRefusedByNameAndLeavesTheApiUsable() {
        assertThatThrownBy(() -> Engines.bytes("no-such-engine"))
                .isInstanceOfSatisfying(UnknownEngineException.class,
                        e -> assertThat(e.name()).isEqualTo("no-such-engine"))
                .hasMessageContaining("no-such-engine")
                .hasMessageContaining("sha256");
        assertThatThrownBy(() -> Engines.open("../engines.list"))
                .isInstanceOf(UnknownEngineException.class);
        assertThat(Engines.bytes("hc-add")).isNotEmpty();
    }
}
