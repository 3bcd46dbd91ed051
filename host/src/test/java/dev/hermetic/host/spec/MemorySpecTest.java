package dev.hermetic.host.spec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.memory.VmoMemoryFactory;
import dev.hermetic.host.spec.WastRunner.Mode;
import dev.hermetic.host.spec.WastRunner.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The eighteen WebAssembly memory scripts, run through Chicory with each linear-memory
 * implementation in both execution modes. Chicory's own {@link ByteArrayMemory} runs too, as
 * the reference: a script must pass with ours exactly as the specification requires.
 */
class MemorySpecTest {

    private record Implementation(String name, Function<MemoryLimits, Memory> factory) {}

    private static List<Implementation> implementations() {
        List<Implementation> list = new ArrayList<>();
        list.add(new Implementation("ByteArrayMemory", ByteArrayMemory::new));
        list.add(new Implementation("VmoMemory", VmoMemoryFactory.create()));
        return list;
    }

    @TestFactory
    Stream<DynamicTest> memoryScripts() {
        Optional<String> unavailable = SpecSuite.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> "WebAssembly spec scripts skipped: " + unavailable.get());
        List<DynamicTest> tests = new ArrayList<>();
        for (Implementation impl : implementations()) {
            for (Mode mode : Mode.values()) {
                for (String script : SpecSuite.MEMORY_SCRIPTS) {
                    tests.add(
                            DynamicTest.dynamicTest(
                                    script + " [" + impl.name() + ", " + mode + "]",
                                    () -> runScript(script, impl, mode)));
                }
            }
        }
        return tests.stream();
    }

    private static void runScript(String name, Implementation impl, Mode mode) throws Exception {
        Report report = new WastRunner(SpecSuite.load(name), impl.factory(), mode).run();
        assertTrue(
                report.failures().isEmpty(),
                () -> name + ".wast with " + impl.name() + " in " + mode + " mode: "
                        + report.failures().size() + " of " + (report.passed() + report.failures().size())
                        + " commands failed:" + SpecSuite.describe(report.failures(), 20));
        assertTrue(report.passed() > 0, name + ".wast ran no command");
    }
}
