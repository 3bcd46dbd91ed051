package dev.hermetic.host.internal.wasm;

import dev.hermetic.host.internal.wasm.code.Proposal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The WebAssembly proposals beyond the 1.0 core a module uses, each with where it is first
 * seen ("v128.const in function 12").
 *
 * @param used every proposal the module uses anywhere: types, sections, constant expressions
 *     or code (unmodifiable)
 * @param executed the proposals whose instructions appear in function bodies, a subset of
 *     {@code used} with its own first places (unmodifiable)
 */
public record ModuleFeatures(Map<Proposal, String> used, Map<Proposal, String> executed) {
    public ModuleFeatures {
        used = Collections.unmodifiableMap(new EnumMap<>(used));
        executed = Collections.unmodifiableMap(new EnumMap<>(executed));
    }
}
