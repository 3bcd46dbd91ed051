/**
 * The host: loads engines, runs them as hermetic processes over VMO-backed linear memory with
 * the vDSO as their only imports, snapshots and spawns warm processes, and the CLI.
 */
module dev.hermetic.host {
    requires transitive dev.hermetic.vmo;
    requires transitive dev.hermetic.hooks;
    requires transitive micrometer.core;
    requires transitive com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.compiler;
    requires com.dylibso.chicory.wasm;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires jdk.management;

    exports dev.hermetic.host;
    exports dev.hermetic.host.abi;
    exports dev.hermetic.host.memory;
    exports dev.hermetic.host.cli;

    // picocli fills the commands' fields reflectively.
    opens dev.hermetic.host.cli to info.picocli;
}
