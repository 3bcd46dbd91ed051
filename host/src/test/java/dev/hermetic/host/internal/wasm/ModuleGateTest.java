package dev.hermetic.host.internal.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.code.Proposal;
import org.junit.jupiter.api.Test;

/** The gate reports the proposals a module uses, where each is first used. */
class ModuleGateTest {

    @Test
    void reportsEachProposalWhereItIsFirstUsed() {
        ModuleFeatures wasm2 = ModuleGate.check(dev.hermetic.host.Fixtures.wasm("feature-wasm2"), CodeDecoder.DEFAULT_MAX_LOCALS);
        assertThat(wasm2.used()).containsOnlyKeys(Proposal.SIGN_EXTENSION, Proposal.SATURATING_CONVERSIONS,
                Proposal.MULTI_VALUE, Proposal.BULK_MEMORY, Proposal.REFERENCE_TYPES);
        assertThat(wasm2.used().get(Proposal.SIGN_EXTENSION)).isEqualTo("i32.extend8_s in function 2");
        assertThat(wasm2.used().get(Proposal.MULTI_VALUE)).isEqualTo("type 1 (2 results)");
        assertThat(wasm2.executed()).doesNotContainKey(Proposal.MULTI_VALUE);
        ModuleFeatures v128 = ModuleGate.check(dev.hermetic.host.Fixtures.wasm("feature-v128-global"), CodeDecoder.DEFAULT_MAX_LOCALS);
        assertThat(v128.used()).containsEntry(Proposal.SIMD, "v128 (global 0 of the global section)");
        assertThat(v128.executed()).isEmpty();
        assertThat(ModuleGate.check(dev.hermetic.host.Fixtures.engine("regex"), CodeDecoder.DEFAULT_MAX_LOCALS).used()).isEmpty();
    }
}
