package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hermetic.engines.EngineBench;
import dev.hermetic.engines.Engines;
import dev.hermetic.host.internal.wasm.fuel.FuelMeter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Node's V8 runs the module the host's meter writes, and counts the same fuel as the host, per
 * input, for every bundled filter engine and SQLite (Lua needs a V8 newer than Node 20's) (through wasm-engines' {@code run-engine.mjs},
 * as {@link SplitOnV8Test} drives it): fuel is the module's own count, not the runtime's.
 */
class FuelOnV8Test {

    static final List<String> ENGINES = FuelTest.ENGINES;

    /** Engines Node 20 cannot run at all (exnref exception handling): they run on Node 24. */
    static final List<String> NOT_ON_NODE_20 = List.of("lua");

    private static Host host;

    @BeforeAll
    static void start() {
        host = Host.builder().withFuelMetering(true).build();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** The filters whose portable snapshot V8 runs: engine_init and _initialize are baked in. */
    static final List<String> PORTABLE = List.of("json", "regex", "classifier");

    @ParameterizedTest
    @FieldSource("PORTABLE")
    void aMeteredPortableSnapshotCountsOnV8WhatAClonePays(String name, @TempDir Path dir) throws Exception {
        assumeTrue(EngineBench.nodeAvailable(), "node is not on PATH: the V8 comparison is skipped");
        Engine engine = host.load(name, Engines.bytes(name));
        Limits patient = Limits.builder().withDeadline(Duration.ofMinutes(2)).build();
        List<byte[]> inputs = FuelTest.inputs(name);
        List<String> expected = new ArrayList<>();
        byte[] metered;
        try (Snapshot zygote = engine.snapshot(patient, Warmup.engineInit())) {
            for (byte[] input : inputs) {
                FilterResult r = zygote.filter(FilterRequest.of(input).withOutputCapacity(FunctionSplitEquivalenceTest.OUT_CAP)
                        .withLimits(patient));
                expected.add("status " + ((FilterResult.Output) r).bytes().length + " fuel " + r.measurements().fuelConsumed());
            }
            metered = zygote.toPortableModule(true);
            assertThat(new String(zygote.toPortableModule(), StandardCharsets.ISO_8859_1)).doesNotContain(FuelMeter.EXPORT);
        }
        assertThat(v8("node", dir, metered, inputs)).isEqualTo(expected);
    }

    /** V8's status lines for {@code wasm} on each input. */
    private static List<String> v8(String nodeBinary, Path dir, byte[] wasm, List<byte[]> inputs) throws Exception {
        Path module = Files.write(dir.resolve("module.wasm"), wasm);
        List<String> command = new ArrayList<>(List.of(nodeBinary, SplitOnV8Test.RUNNER.toString(), "filter", module.toString(),
                Integer.toString(FunctionSplitEquivalenceTest.OUT_CAP)));
        for (int i = 0; i < inputs.size(); i++) {
            command.add(Files.write(dir.resolve("in" + i), inputs.get(i)).toString());
        }
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(stdout).isZero();
        return stdout.lines().toList();
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void v8CountsTheSameFuelAsTheHost(String name, @TempDir Path dir) throws Exception {
        assumeTrue(EngineBench.nodeAvailable(), "node is not on PATH: the V8 comparison is skipped");
        String node = NOT_ON_NODE_20.contains(name) ? SplitOnV8Test.NODE_24.toString() : "node";
        assumeTrue(!NOT_ON_NODE_20.contains(name) || Files.isExecutable(SplitOnV8Test.NODE_24),
                name + " uses exnref exception handling, which only Node 24 runs: npm ci in wasm-engines/src/test/node");
        byte[] wasm = Engines.bytes(name);
        Engine engine = host.load(name, wasm);
        List<byte[]> inputs = FuelTest.inputs(name);
        List<String> expected = new ArrayList<>();
        for (byte[] input : inputs) {
            FilterResult r = engine.filter(FilterRequest.of(input).withOutputCapacity(FunctionSplitEquivalenceTest.OUT_CAP)
                    .withLimits(Limits.builder().withDeadline(Duration.ofMinutes(2)).build()));
            assertThat(r).isInstanceOf(FilterResult.Output.class);
            expected.add("status " + ((FilterResult.Output) r).bytes().length + " fuel " + r.measurements().fuelConsumed());
        }
        assertThat(v8(node, dir, FuelMeter.meter(wasm).wasm(), inputs)).isEqualTo(expected);
    }
}
