package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hermetic.hooks.HookTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hundreds of mixed hostile and normal processes from eight threads on one host, in the
 * {@code -Xmx256m} execution: loops, memory bombs (page limit and commit limit), recursion,
 * out-of-bounds loads, stores and fills, table growth, hooks that block, kills, clones and
 * plain calls. Every process ends as a result of its kind within its deadline plus
 * {@link #BOUND}, none as {@code Failed}; then a normal engine is served correctly, and heap
 * (after GC), live engine threads, committed bytes and the deadline queue are back to their
 * start. Seeded: {@code -Dhermetic.seed=N} replays a run.
 */
@Timeout(180)
class HostileLoadTest {
    /** How far past its deadline any process may end here, on a loaded 2-core machine. */
    static final Duration BOUND = Duration.ofSeconds(2);
    private static final int THREADS = 8;
    private static final int PROCESSES_PER_THREAD = 100;
    /** Heap growth allowed after GC: engines and their compiled code are loaded before the baseline. */
    private static final long HEAP_SLACK = 24L << 20;

    private static final ProcessResult DEADLINE = new ProcessResult.Killed(KillReason.DEADLINE);

    /** One kind of process: how to start it, its deadline, and the results it may end with. */
    private record Kind(String name, Duration deadline, Starter starter, Predicate<ProcessResult> expected) {}

    @FunctionalInterface
    private interface Starter {
        EngineProcess start(Limits limits, Random random);
    }

    private static Predicate<ProcessResult> is(ProcessResult r) {
        return r::equals;
    }

    private static Predicate<ProcessResult> trapped(TrapKind kind) {
        return r -> r instanceof ProcessResult.Trapped t && t.kind() == kind;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Waits, bounded, for every engine thread to end; returns those still alive. */
    private static List<Thread> engineThreadsLeft() throws InterruptedException {
        List<Thread> left = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("hermetic-") && !n.equals("hermetic-deadlines") && !n.equals("hermetic-cleaner")) {
                t.join(BOUND.toMillis());
                if (t.isAlive()) {
                    left.add(t);
                }
            }
        }
        return left;
    }

    @Test
    void hundredsOfMixedHostileProcessesAllEndInTimeAndLeaveNothingBehind() throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap <= 512L << 20, "runs in the -Xmx256m execution only: this heap is " + (heap >> 20) + " MiB");
        long seed = Fixtures.seed();
        HookTable hooks = HookTable.builder()
                .withHook("echo", (caller, args) -> {
                    Thread.sleep(60_000);
                    return args;
                })
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withHooks(hooks).withMeterRegistry(registry)
                .withHookFailureListener((caller, hook, e) -> {}).build()) {
            Engine loop = host.load("hostile-loop", Fixtures.engine("hostile-loop"));
            Engine bomb = host.load("hostile-memory-bomb", Fixtures.engine("hostile-memory-bomb"));
            Engine recursion = host.load("hostile-recursion", Fixtures.engine("hostile-recursion"));
            Engine oobLoad = host.load("hostile-oob-load", Fixtures.engine("hostile-oob-load"));
            Engine oobStore = host.load("hostile-oob-store", Fixtures.engine("hostile-oob-store"));
            Engine hugeFill = host.load("hostile-huge-fill", Fixtures.engine("hostile-huge-fill"));
            Engine divide = host.load("hostile-divide", Fixtures.wasm("hostile-divide"));
            Engine tableGrow = host.load("hostile-table-grow", Fixtures.wasm("hostile-table-grow"));
            Engine blockingHook = host.load("hook-forever", Fixtures.wasm("hook-forever"));
            Engine add = host.load("hc-add", Fixtures.engine("hc-add"));
            try (Snapshot zygote = add.snapshot()) {
                List<Kind> kinds = List.of(
                        new Kind("loop", Duration.ofMillis(150), (l, r) -> loop.newProcess(l).start(), is(DEADLINE)),
                        new Kind("blocking hook", Duration.ofMillis(150),
                                (l, r) -> blockingHook.newProcess(l, "echo").start(), is(DEADLINE)),
                        new Kind("killed", Duration.ofSeconds(30), (l, r) -> {
                            EngineProcess p = loop.newProcess(l).start();
                            p.kill();
                            return p;
                        }, is(new ProcessResult.Killed(KillReason.BY_HOST))),
                        new Kind("page bomb", Duration.ofSeconds(5),
                                (l, r) -> bomb.newProcess(l.toBuilder().withMaxMemoryPages(64).build()).start(),
                                is(new ProcessResult.Exited(63)).or(is(DEADLINE))),
                        new Kind("commit bomb", Duration.ofSeconds(5),
                                (l, r) -> bomb.newProcess(l.toBuilder().withMaxMemoryPages(65536)
                                        .withMaxCommittedBytes(8L << 20).build()).start(),
                                is(new ProcessResult.Killed(KillReason.MEMORY_LIMIT)).or(is(DEADLINE))),
                        new Kind("recursion", Duration.ofSeconds(5),
                                (l, r) -> recursion.newProcess(l.toBuilder().withStackBytes(256 << 10).build()).start(),
                                trapped(TrapKind.STACK_EXHAUSTED).or(is(DEADLINE))),
                        new Kind("oob load", Duration.ofSeconds(5), (l, r) -> oobLoad.newProcess(l).start(),
                                trapped(TrapKind.OUT_OF_BOUNDS).or(is(DEADLINE))),
                        new Kind("oob store", Duration.ofSeconds(5), (l, r) -> oobStore.newProcess(l).start(),
                                trapped(TrapKind.OUT_OF_BOUNDS).or(is(DEADLINE))),
                        new Kind("huge fill", Duration.ofSeconds(5), (l, r) -> hugeFill.newProcess(l).start(Value.i32(-1)),
                                trapped(TrapKind.OUT_OF_BOUNDS).or(is(DEADLINE))),
                        new Kind("divide", Duration.ofSeconds(5), (l, r) -> divide.newProcess(l).start(Value.i32(0)),
                                trapped(TrapKind.INTEGER_DIVIDE_BY_ZERO).or(is(DEADLINE))),
                        new Kind("table growth", Duration.ofSeconds(5), (l, r) -> tableGrow.newProcess(l).start(),
                                (r -> r instanceof ProcessResult.Returned ret
                                        && ret.value().orElseThrow().asLong() >= 1 && ret.value().orElseThrow().asLong() <= 100_000)),
                        new Kind("clone", Duration.ofSeconds(5), (l, r) -> zygote.spawn(l).start(Value.i32(20), Value.i32(22)),
                                is(new ProcessResult.Returned(Optional.of(Value.i32(42)))).or(is(DEADLINE))),
                        new Kind("add", Duration.ofSeconds(5), (l, r) -> add.newProcess(l).start(Value.i32(17), Value.i32(23)),
                                is(new ProcessResult.Returned(Optional.of(Value.i32(40)))).or(is(DEADLINE))));

                // Each kind once, so that classes, compiled code and meters exist before the baseline.
                for (Kind k : kinds) {
                    k.starter().start(Limits.builder().withDeadline(k.deadline()).build(), new Random(seed)).await();
                }
                assertThat(engineThreadsLeft()).isEmpty();
                long heapBefore = usedHeapAfterGc();
                int threadsBefore = Thread.activeCount();

                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                List<Future<List<String>>> workers = new ArrayList<>();
                for (int w = 0; w < THREADS; w++) {
                    Random random = new Random(seed + w);
                    workers.add(pool.submit(() -> {
                        List<String> problems = new ArrayList<>();
                        for (int i = 0; i < PROCESSES_PER_THREAD; i++) {
                            Kind k = kinds.get(random.nextInt(kinds.size()));
                            EngineProcess p = k.starter().start(Limits.builder().withDeadline(k.deadline()).build(), random);
                            Optional<ProcessResult> r = p.await(k.deadline().plus(BOUND).plus(BOUND));
                            if (r.isEmpty()) {
                                problems.add(k.name() + ": still running after " + k.deadline().plus(BOUND).plus(BOUND));
                                p.kill();
                                continue;
                            }
                            if (!k.expected().test(r.get())) {
                                problems.add(k.name() + ": " + r.get());
                            }
                            if (p.duration().compareTo(k.deadline().plus(BOUND)) > 0) {
                                problems.add(k.name() + ": ended " + p.duration() + " after start, deadline " + k.deadline());
                            }
                        }
                        return problems;
                    }));
                }
                List<String> problems = new ArrayList<>();
                for (Future<List<String>> w : workers) {
                    problems.addAll(w.get());
                }
                pool.shutdown();
                assertThat(problems).as("seed " + seed).isEmpty();

                // The same host serves a normal engine correctly.
                assertThat(add.newProcess().start(Value.i32(17), Value.i32(23)).await())
                        .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
                assertThat(engineThreadsLeft()).as("engine threads still alive").isEmpty();
                assertThat(Thread.activeCount()).as("live threads").isLessThanOrEqualTo(threadsBefore + THREADS);
                assertThat(registry.get("hermetic.memory.committed").gauge().value()).as("committed bytes").isZero();
                long heapAfter = usedHeapAfterGc();
                assertThat(heapAfter).as("heap after GC: before %d MiB, after %d MiB", heapBefore >> 20, heapAfter >> 20)
                        .isLessThanOrEqualTo(heapBefore + HEAP_SLACK);
                assertThat(registry.find("hermetic.process.ended").tags("outcome", "failed").counters()).isEmpty();
            }
        }
    }
}
