package dev.hermetic.host.internal.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.code.Proposal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate passes every module the repository ships and reports the proposals each uses. */
class ModuleGateTest {

    @Test
    void everyShippedModulePassesTheGate() {
        for (var e : dev.hermetic.host.internal.wasm.code.CodeDecoderTest.modules().entrySet()) {
            if (e.getKey().startsWith("wat/feature-") || e.getKey().equals("wat/portable-globals")) {
                continue; // these use unsupported features on purpose
            }
            Map<Proposal, String> features = ModuleGate.check(e.getValue(), CodeDecoder.DEFAULT_MAX_LOCALS).executed();
            assertThat(features).as(e.getKey()).doesNotContainKeys(Proposal.SIMD, Proposal.THREADS,
                    Proposal.LEGACY_EXCEPTIONS, Proposal.GC, Proposal.MEMORY64, Proposal.MULTI_MEMORY);
        }
    }
}
