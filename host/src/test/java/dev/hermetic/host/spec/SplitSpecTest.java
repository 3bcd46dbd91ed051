package dev.hermetic.host.spec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import dev.hermetic.host.internal.wasm.split.FunctionSplitter;
import dev.hermetic.host.spec.WastRunner.Mode;
import dev.hermetic.host.spec.WastRunner.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The spec scripts with every module's functions split at a tiny limit before it is
 * instantiated, in both execution modes: each must still pass. The memory scripts always run;
 * {@code -Dhermetic.spec.extra=DIR} adds every script in DIR (the suite's control-flow scripts,
 * {@code block}, {@code br_table}, {@code loop}, ..., are the ones that exercise the splitter).
 */
class SplitSpecTest {

    /**
     * Limits so small that a function of a few dozen instructions is split where a run of
     * statements can move (smaller pieces would not pay for their call sites). Of the modules of
     * the 18 memory scripts and 24 control-flow scripts, about 25 are split then.
     */
    static final int TINY_LIMIT = 40;
    static final int TINY_PIECE = 32;

    @TestFactory
    Stream<DynamicTest> scriptsPassSplit() throws Exception {
        Optional<String> unavailable = SpecSuite.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> "WebAssembly spec scripts skipped: " + unavailable.get());
        List<Path> scripts = new ArrayList<>();
        Path dir = SpecSuite.suiteDir().orElseThrow();
        for (String name : SpecSuite.MEMORY_SCRIPTS) {
            scripts.add(dir.resolve(name + ".wast"));
        }
        scripts.addAll(SpecSuite.extraScripts());
        List<DynamicTest> tests = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (Path script : scripts) {
                tests.add(DynamicTest.dynamicTest(script.getFileName() + " [split, " + mode + "]", () -> run(script, mode)));
            }
        }
        return tests.stream();
    }

    private static void run(Path script, Mode mode) throws Exception {
        Report report = new WastRunner(SpecSuite.load(script), ByteArrayMemory::new, mode,
                wasm -> FunctionSplitter.split(wasm, TINY_LIMIT, TINY_PIECE).wasm()).run();
        assertTrue(report.failures().isEmpty(), () -> script.getFileName() + " split, in " + mode + " mode: "
                + report.failures().size() + " of " + (report.passed() + report.failures().size())
                + " commands failed:" + SpecSuite.describe(report.failures(), 20));
        assertTrue(report.passed() > 0, script + " ran no command");
    }
}
