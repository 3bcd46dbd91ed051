package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.engines.KnownAnswers;
import dev.hermetic.engines.Workloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Fuel is a property of the engine and its input: the same count in every run, in both
 * execution modes, in fresh processes and in clones; a budget ends a process as
 * {@link KillReason#FUEL_EXHAUSTED} at the same count every time.
 */
class FuelTest {

    static final List<String> ENGINES = Stream.concat(Workloads.FILTERS.stream(), Workloads.PORTED.stream()).toList();

    static final int RUNS = 10;

    /** Engines whose engine_init takes minutes in the interpreter: their interpreted clones are not compared. */
    static final Set<String> SLOW_WARMUP = Set.of("classifier");

    /** Where the interpreter and the compiler are stopped to compare a slow engine. */
    static final long SLOW_BUDGET = 30_000_000;

    private static Host compiled;
    private static Host interpreted;

    static final Limits PATIENT = Limits.builder().withDeadline(Duration.ofMinutes(2)).build();

    @BeforeAll
    static void hosts() {
        compiled = Host.builder().withFuelMetering(true).build();
        interpreted = Host.builder().withFuelMetering(true).withExecutionMode(ExecutionMode.INTERPRETER).build();
    }

    @AfterAll
    static void closeHosts() {
        compiled.close();
        interpreted.close();
    }

    /** The seeded inputs: two sizes of each filter's workload, two known-answer programs of each ported engine. */
    static List<byte[]> inputs(String engine) {
        if (Workloads.PORTED.contains(engine)) {
            return KnownAnswers.of(engine).stream().limit(2).map(KnownAnswers.Case::input).toList();
        }
        return List.of(Workloads.benchInput(engine, 300), Workloads.benchInput(engine, 3000));
    }

    static long fuel(FilterResult r) {
        assertThat(r).as("%s", r).isInstanceOf(FilterResult.Output.class);
        return r.measurements().fuelConsumed();
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void fuelIsTheSameInEveryRunBothModesFreshAndCloned(String name) throws Exception {
        Engine fast = compiled.load(name, Fixtures.engine(name));
        Engine slow = interpreted.load(name, Fixtures.engine(name));
        assertThat(fast.metered()).isTrue();
        try (Snapshot fastZygote = fast.snapshot(PATIENT, Warmup.engineInit());
                Snapshot slowZygote = SLOW_WARMUP.contains(name) ? null : slow.snapshot(PATIENT, Warmup.engineInit())) {
            assertThat(fastZygote.warmupFuel()).isNotNegative();
            if (slowZygote != null) {
                assertThat(slowZygote.warmupFuel()).isEqualTo(fastZygote.warmupFuel());
            }
            for (byte[] input : inputs(name)) {
                FilterRequest request = FilterRequest.of(input).withLimits(PATIENT);
                Set<Long> fresh = new HashSet<>();
                Set<Long> clones = new HashSet<>();
                for (int i = 0; i < RUNS; i++) {
                    fresh.add(fuel(fast.filter(request)));
                    clones.add(fuel(fastZygote.filter(request)));
                }
                assertThat(fresh).as("fresh compiled runs").hasSize(1);
                assertThat(clones).as("compiled clones").hasSize(1);
                long freshFuel = fresh.iterator().next();
                long cloneFuel = clones.iterator().next();
                assertThat(freshFuel).isPositive();
                if (SLOW_WARMUP.contains(name)) {
                    // Minutes in the interpreter: compare where a budget stops both modes instead.
                    Limits budget = PATIENT.toBuilder().withFuel(SLOW_BUDGET).build();
                    FilterResult a = fast.filter(FilterRequest.of(input).withLimits(budget));
                    FilterResult b = slow.filter(FilterRequest.of(input).withLimits(budget));
                    assertThat(a).isInstanceOf(FilterResult.Killed.class);
                    assertThat(((FilterResult.Killed) a).reason()).isEqualTo(KillReason.FUEL_EXHAUSTED);
                    assertThat(b).isInstanceOf(FilterResult.Killed.class);
                    assertThat(b.measurements().fuelConsumed()).isEqualTo(a.measurements().fuelConsumed())
                            .isGreaterThanOrEqualTo(SLOW_BUDGET);
                } else {
                    assertThat(fuel(slow.filter(request))).as("fresh, interpreted").isEqualTo(freshFuel);
                }
                if (slowZygote != null) {
                    assertThat(fuel(slowZygote.filter(request))).as("clone, interpreted").isEqualTo(cloneFuel);
                }
                if (fast.info().exports().stream().noneMatch(e -> e.startsWith("engine_init:"))) {
                    // No warm-up beyond _initialize: a clone pays exactly what a fresh process pays after it.
                    assertThat(cloneFuel + fastZygote.warmupFuel()).isEqualTo(freshFuel);
                }
            }
        }
    }

    @Test
    void aBudgetEndsHostileLoopAtTheSameCountEveryTimeAndTheHostServesOnAfter() throws Exception {
        long budget = 5_000_000;
        Limits limits = Limits.builder().withFuel(budget).withDeadline(Duration.ofMinutes(1)).build();
        for (Host host : List.of(compiled, interpreted)) {
            Engine loop = host.load("hostile-loop", Fixtures.engine("hostile-loop"));
            Set<Long> counts = new HashSet<>();
            for (int i = 0; i < (host == compiled ? RUNS : 2); i++) {
                try (EngineProcess p = loop.newProcess(limits)) {
                    assertThat(p.start().await()).isEqualTo(new ProcessResult.Killed(KillReason.FUEL_EXHAUSTED));
                    counts.add(p.fuelConsumed());
                    assertThat(p.measurements().fuelConsumed()).isEqualTo(p.fuelConsumed());
                }
            }
            assertThat(counts).hasSize(1);
            long count = counts.iterator().next();
            // Over the budget by at most one run of the loop's code.
            assertThat(count).isGreaterThan(budget).isLessThan(budget + 100);
            Engine add = host.load("hc-add", Fixtures.engine("hc-add"));
            try (EngineProcess p = add.newProcess()) {
                assertThat(p.start(Value.i32(17), Value.i32(23)).await())
                        .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
                assertThat(p.fuelConsumed()).isPositive().isLessThan(100);
            }
        }
    }

    @Test
    void aFilterOverItsBudgetIsKilledAtTheSameCount() throws Exception {
        Engine sha = compiled.load("sha256", Fixtures.engine("sha256"));
        byte[] input = Workloads.benchInput("sha256", 3000);
        long needed = fuel(sha.filter(input));
        FilterResult enough = sha.filter(FilterRequest.of(input).withLimits(Limits.builder().withFuel(needed).build()));
        assertThat(fuel(enough)).isEqualTo(needed);
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FilterResult r = sha.filter(FilterRequest.of(input).withLimits(Limits.builder().withFuel(needed - 1).build()));
            assertThat(r).isInstanceOf(FilterResult.Killed.class);
            assertThat(((FilterResult.Killed) r).reason()).isEqualTo(KillReason.FUEL_EXHAUSTED);
            counts.add(r.measurements().fuelConsumed());
        }
        assertThat(Set.copyOf(counts)).hasSize(1);
        assertThat(counts.get(0)).isGreaterThanOrEqualTo(needed);
    }

    @Test
    void aKillIsSeenByTheMeterCheckWithoutAnInterrupt() throws Exception {
        // A kill sets the counter below zero: the loop's next check stops it.
        Engine loop = compiled.load("hostile-loop", Fixtures.engine("hostile-loop"));
        try (EngineProcess p = loop.newProcess(Limits.builder().withDeadline(Duration.ofMinutes(1)).build())) {
            p.start();
            // Let it spin long enough to be in JIT-compiled code.
            while (p.fuelConsumed() < 200_000_000L) {
                Thread.onSpinWait();
            }
            // As a kill does, again every 10 ms: the engine's own decrement may overwrite one.
            Optional<ProcessResult> r = Optional.empty();
            for (int i = 0; i < 500 && r.isEmpty(); i++) {
                p.stopAtNextCheck();
                r = p.await(Duration.ofMillis(10));
            }
            // No kill reason was recorded and no interrupt sent: only the counter stopped it.
            assertThat(r).contains(new ProcessResult.Killed(KillReason.FUEL_EXHAUSTED));
        }
        try (EngineProcess p = loop.newProcess(Limits.builder().withDeadline(Duration.ofMinutes(1)).build())) {
            p.start();
            while (p.fuelConsumed() < 10_000_000L) {
                Thread.onSpinWait();
            }
            p.kill();
            assertThat(p.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            assertThat(p.fuelConsumed()).isGreaterThanOrEqualTo(10_000_000L);
        }
    }

    @Test
    void theCostModelIsExactInBothModes() throws Exception {
        // fuel-loop.wat: engine_start(n) costs 13 + 10n (its comment counts the runs).
        for (Host host : List.of(compiled, interpreted)) {
            Engine loop = host.load("fuel-loop", Fixtures.wasm("fuel-loop"));
            for (int n : new int[] {0, 1, 7, 1000, 65536}) {
                try (EngineProcess p = loop.newProcess()) {
                    assertThat(p.start(Value.i32(n)).await()).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(n))));
                    assertThat(p.fuelConsumed()).as("n = %d, %s", n, host.mode()).isEqualTo(13 + 10L * n);
                }
            }
            // The budget is exact: what the run needs passes, one unit less does not; under one
            // allowance (FuelMeter.SLICE) and over many, where the loop settles every 65,536 units.
            for (int n : new int[] {1000, 20_000, 65536}) {
                try (EngineProcess p = loop.newProcess(Limits.builder().withFuel(13 + 10L * n).build())) {
                    assertThat(p.start(Value.i32(n)).await()).as("n = %d", n).isInstanceOf(ProcessResult.Returned.class);
                }
                try (EngineProcess p = loop.newProcess(Limits.builder().withFuel(12 + 10L * n).build())) {
                    assertThat(p.start(Value.i32(n)).await()).as("n = %d", n)
                            .isEqualTo(new ProcessResult.Killed(KillReason.FUEL_EXHAUSTED));
                    // Stopped at the iteration that overdrew: over by less than one iteration's run.
                    assertThat(p.fuelConsumed()).as("n = %d", n).isBetween(13 + 10L * n, 13 + 10L * n + 10);
                }
            }
        }
    }

    @Test
    void recursionWithoutLoopsIsCountedExactlyAndStoppedAtACalleesEntry() throws Exception {
        // fuel-recurse.wat: engine_start(n) costs 9 + 14n (its comment counts the runs); no loop anywhere.
        for (Host host : List.of(compiled, interpreted)) {
            Engine recurse = host.load("fuel-recurse", Fixtures.wasm("fuel-recurse"));
            for (int n : new int[] {0, 1, 100}) {
                try (EngineProcess p = recurse.newProcess()) {
                    assertThat(p.start(Value.i32(n)).await()).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(n))));
                    assertThat(p.fuelConsumed()).as("n = %d, %s", n, host.mode()).isEqualTo(9 + 14L * n);
                }
            }
            // A runaway: each frame takes only its entry run (3) from the counter before it recurses and keeps the
            // rest as its debt, so after engine_start's 3 the 1000th $down entry finds the counter at -3.
            for (int i = 0; i < 2; i++) {
                try (EngineProcess p = recurse.newProcess(Limits.builder().withFuel(3000).build())) {
                    assertThat(p.start(Value.i32(Integer.MAX_VALUE)).await())
                            .isEqualTo(new ProcessResult.Killed(KillReason.FUEL_EXHAUSTED));
                    assertThat(p.fuelConsumed()).as(host.mode().toString()).isEqualTo(3003);
                }
            }
        }
    }

    @Test
    void catchingExceptionsDoesNotEscapeTheBudget() throws Exception {
        // Each round a callee spins 1000 times and throws; the caller catches and goes again.
        Limits limits = Limits.builder().withFuel(2_000_000).withDeadline(Duration.ofMinutes(1)).build();
        for (Host host : List.of(compiled, interpreted)) {
            Engine catcher = host.load("fuel-catch-loop", Fixtures.wasm("fuel-catch-loop"));
            Set<Long> counts = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                try (EngineProcess p = catcher.newProcess(limits)) {
                    assertThat(p.start().await()).isEqualTo(new ProcessResult.Killed(KillReason.FUEL_EXHAUSTED));
                    counts.add(p.fuelConsumed());
                }
            }
            assertThat(counts).hasSize(1);
            assertThat(counts.iterator().next()).isGreaterThan(2_000_000L);
        }
    }

    @Test
    void tailCallsAreMeteredInTheInterpreter() throws Exception {
        // Metered without added locals (Chicory's interpreter gives a tail-called frame none); the same model.
        Engine tail = interpreted.load("feature-tail-call", Fixtures.wasm("feature-tail-call"));
        Set<Long> counts = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            try (EngineProcess p = tail.newProcess()) {
                assertThat(p.start().await()).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(100_000))));
                counts.add(p.fuelConsumed());
            }
        }
        assertThat(counts).hasSize(1);
        assertThat(counts.iterator().next()).isGreaterThan(100_000L * 10);
        try (EngineProcess p = tail.newProcess(Limits.builder().withFuel(50_000).build())) {
            assertThat(p.start().await()).isEqualTo(new ProcessResult.Killed(KillReason.FUEL_EXHAUSTED));
        }
    }

    @Test
    void theFuelMetricSumsWhatEachProcessOfAnEngineConsumed() throws Exception {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (Host host = Host.builder().withFuelMetering(true).withMeterRegistry(registry).build()) {
            Engine loop = host.load("fuel-loop", Fixtures.wasm("fuel-loop"));
            for (int n : new int[] {3, 40}) {
                try (EngineProcess p = loop.newProcess()) {
                    p.start(Value.i32(n)).await();
                }
            }
            var summary = registry.get("hermetic.process.fuel").tag("engine", "fuel-loop").summary();
            assertThat(summary.count()).isEqualTo(2);
            assertThat(summary.totalAmount()).isEqualTo((13 + 30) + (13 + 400));
        }
    }

    @Test
    void aModuleThatNamesTheCounterIsRefused() {
        assertThatThrownBy(() -> compiled.load(Fixtures.wasm("fuel-counter-named")))
                .isInstanceOf(EngineRefusedException.class).hasMessageContaining("hermetic_fuel");
    }

    @Test
    void hooksCostAFixedChargePlusTheirBytes() throws Exception {
        dev.hermetic.hooks.HookTable hooks = dev.hermetic.hooks.HookTable.builder()
                .withHook("echo", (caller, args) -> args).build();
        try (Host host = Host.builder().withFuelMetering(true).withHooks(hooks).build()) {
            Engine filter = host.load("hook-filter", Fixtures.wasm("hook-filter"));
            long small = hookFuel(filter, 10);
            assertThat(hookFuel(filter, 10)).isEqualTo(small);
            assertThat(small).isGreaterThan(dev.hermetic.host.internal.VdsoImports.HOOK_CALL_FUEL);
            // 1000 more bytes each way: the argument and the echoed result.
            assertThat(hookFuel(filter, 1010) - small).isEqualTo(2000);
        }
    }

    /** The fuel of hook-filter calling echo on a string of {@code n} bytes. */
    private static long hookFuel(Engine filter, int n) throws Exception {
        byte[] name = "echo".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] args = dev.hermetic.hooks.CapData.of("x".repeat(n)).toJsonBytes();
        try (EngineProcess p = filter.newProcess("echo");
                dev.hermetic.vmo.Vmo in = dev.hermetic.vmo.Vmo.create(4096);
                dev.hermetic.vmo.Vmo capdata = dev.hermetic.vmo.Vmo.create(4096);
                dev.hermetic.vmo.Vmo out = dev.hermetic.vmo.Vmo.create(8192)) {
            in.write(name, 0);
            capdata.write(args, 0);
            ProcessResult r = p.start(Span.readOnly(in, 0, name.length), Span.readOnly(capdata, 0, args.length),
                    Span.writable(out, 0, 8192), Value.i32(8192)).await();
            assertThat(((ProcessResult.Returned) r).value().orElseThrow().bits()).isEqualTo(args.length);
            return p.fuelConsumed();
        }
    }

    @Test
    void aHostWithoutMeteringRefusesABudgetAndReportsNoFuel() throws Exception {
        try (Host plain = Host.builder().withFuelMetering(false).build()) {
            Engine add = plain.load(Fixtures.engine("hc-add"));
            assertThat(add.metered()).isFalse();
            assertThatThrownBy(() -> add.newProcess(Limits.builder().withFuel(1000).build()))
                    .isInstanceOf(IllegalArgumentException.class);
            try (EngineProcess p = add.newProcess()) {
                p.start(Value.i32(1), Value.i32(2)).await();
                assertThat(p.measurements().fuelConsumed()).isEqualTo(-1);
            }
        }
    }
}
