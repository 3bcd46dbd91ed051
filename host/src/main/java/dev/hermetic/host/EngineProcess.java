package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.host.internal.EngineChecker;
import dev.hermetic.host.internal.MemoryLimitExceeded;
import dev.hermetic.host.internal.Outcomes;
import dev.hermetic.host.internal.ProcessMemory;
import dev.hermetic.host.internal.SpansDoNotFit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of an engine, Fuchsia's hermetic compute process: a fresh instance with its own
 * linear memory, the spans mapped into it, {@code engine_start} called on a thread of its own
 * with the forwarded arguments, and a {@link ProcessResult} at the end. Single use.
 */
public final class EngineProcess implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    /** The engine this process runs. */
    private final Engine engine;
    /** Its limits, fixed at creation. */
    private final Limits limits;
    /** Unique in this JVM; hooks see it as the caller's process id. */
    private final String id;
    /** The process's door to the host's hooks: its grants, limits and c-list; closed at the end. */
    private final HookGate hookGate;
    /** The snapshot this process is a clone of; null for a freshly instantiated process. */
    private final Snapshot origin;
    /** Completed exactly once, when the engine thread has ended. */
    private final CompletableFuture<ProcessResult> result = new CompletableFuture<>();
    /** Why the host asked the process to stop; set at most once, null while nobody asked. */
    private final AtomicReference<KillReason> killReason = new AtomicReference<>();
    /** The engine thread; null until {@link #start}, which may succeed only once. */
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    /** {@link System#nanoTime()} at the first kill request; meaningful only once {@link #killReason} is set. */
    private volatile long killRequestedNanos;
    /** {@link System#nanoTime()} at start and at the end; the end is 0 while running. */
    private volatile long startNanos;
    private volatile long endNanos;
    /** Cancels the deadline when the process ends first; null before start. */
    private volatile ScheduledFuture<?> deadline;
    /** Committed bytes at the end of the process; 0 before. */
    private volatile long committedBytes;

    EngineProcess(Engine engine, Limits limits, Set<String> grantedHooks, Snapshot origin) {
        this.engine = engine;
        this.limits = limits;
        this.origin = origin;
        this.id = "p-" + IDS.incrementAndGet();
        this.hookGate = engine.host().newHookGate(id, engine, limits, grantedHooks);
        if (origin != null) {
            origin.restoreReferences(hookGate.clist());
        }
    }

    /** The snapshot this process was spawned from, if it was. */
    public Optional<Snapshot> origin() {
        return Optional.ofNullable(origin);
    }

    /** Unique in this JVM; it is the process id a hook's caller carries. */
    public String id() {
        return id;
    }

    /**
     * Hands the engine a host object before start: enters {@code kref} into the process's c-list
     * and returns the engine-side reference ({@code d-N}) to pass it in the engine's input, as
     * the slot of a capdata. The entry is released when the process ends.
     *
     * @throws ProcessStateException if the process has started
     */
    public String exportToEngine(String kref) {
        if (thread.get() != null) {
            throw new ProcessStateException("references are handed over before start");
        }
        return hookGate.clist().exportToEngine(kref);
    }

    public Engine engine() {
        return engine;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Checks {@code args} against {@code engine_start}'s signature (a span fills two i32
     * parameters), then runs the engine on its own thread and returns at once.
     *
     * @throws ArgumentMismatchException if the arguments do not fit the signature; nothing ran
     * @throws ProcessStateException if the process was already started, or its host is closed
     */
    public EngineProcess start(Arg... args) {
        List<ValueType> parameters = engine.startParameters();
        checkArguments(EngineChecker.ENGINE_START, parameters, args);
        return launch((instance, memory) -> {
            long[] raw = placeArguments(instance, memory, parameters.size(), args);
            long[] returned = instance.export(EngineChecker.ENGINE_START).apply(raw);
            return new ProcessResult.Returned(engine.startResult().map(type -> new Value(type, returned[0])));
        });
    }

    /** What a process does once its instance is ready; anything it throws becomes the result. */
    @FunctionalInterface
    interface Body {
        ProcessResult run(Instance instance, ProcessMemory memory) throws Exception;
    }

    /** Runs {@code body} on the process's own thread under its limits, and returns at once. */
    EngineProcess launch(Body body) {
        if (engine.host().scheduler().isShutdown()) {
            throw new ProcessStateException("the host is closed");
        }
        Thread t = new Thread(null, () -> run(body), "hermetic-" + engine.name() + "-" + id, limits.stackBytes());
        t.setDaemon(true);
        if (!thread.compareAndSet(null, t)) {
            throw new ProcessStateException("process already started");
        }
        startNanos = System.nanoTime();
        engine.host().started(this);
        engine.host().metrics().processStarted(engine.name());
        deadline = engine.host().scheduler().schedule(
                () -> stop(KillReason.DEADLINE), limits.deadline().toNanos(), TimeUnit.NANOSECONDS);
        t.start();
        return this;
    }

    static void checkArguments(String function, List<ValueType> want, Arg... args) {
        List<ValueType> given = new ArrayList<>();
        for (Arg a : args) {
            if (a instanceof Value v) {
                given.add(v.type());
            } else {
                given.add(ValueType.I32);
                given.add(ValueType.I32);
            }
        }
        if (!want.equals(given)) {
            throw new ArgumentMismatchException(function + " takes " + want
                    + " but the arguments are " + given + " (a span is two I32: ptr, len)");
        }
    }

    /** Asks the engine to stop; it ends as {@link KillReason#BY_HOST} unless it ended already. */
    public void kill() {
        stop(KillReason.BY_HOST);
    }

    private void stop(KillReason reason) {
        Thread t = thread.get();
        if (t != null && !result.isDone() && killReason.compareAndSet(null, reason)) {
            killRequestedNanos = System.nanoTime();
            t.interrupt();
        }
    }

    /** Waits for the end. Every process ends: its deadline bounds it. */
    public ProcessResult await() {
        requireStarted();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HermeticException("interrupted while waiting for the process", e);
        } catch (ExecutionException e) {
            throw new HermeticException("process failed", e.getCause());
        }
    }

    /** Waits at most {@code timeout}; empty if the process is still running then. */
    public Optional<ProcessResult> await(Duration timeout) {
        requireStarted();
        try {
            return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HermeticException("interrupted while waiting for the process", e);
        } catch (ExecutionException e) {
            throw new HermeticException("process failed", e.getCause());
        }
    }

    /** Completes with the result when the process ends. */
    public CompletableFuture<ProcessResult> onExit() {
        return result.copy();
    }

    public boolean isAlive() {
        return thread.get() != null && !result.isDone();
    }

    /** Wall-clock time from start to end, or to now while running. */
    public Duration duration() {
        requireStarted();
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return Duration.ofNanos(end - startNanos);
    }

    /** For a killed process, how long its thread took to stop after the deadline or kill. */
    public Optional<Duration> stopLatency() {
        if (killReason.get() == null || endNanos == 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, endNanos - killRequestedNanos)));
    }

    /** Bytes the process had committed when it ended. */
    public long committedBytes() {
        return committedBytes;
    }

    /** Kills the process if it still runs and waits for its end. */
    @Override
    public void close() {
        if (thread.get() != null) {
            kill();
            await();
        }
    }

    private void requireStarted() {
        if (thread.get() == null) {
            throw new ProcessStateException("process not started");
        }
    }

    private void run(Body body) {
        ProcessResult outcome = null;
        Throwable failure = null;
        ProcessMemory memory = null;
        try {
            Instance instance;
            if (origin == null) {
                memory = engine.host().newMemory(engine, limits);
                instance = engine.instantiate(memory, hookGate);
                if (engine.hasInitialize()) {
                    instance.export(EngineChecker.INITIALIZE).apply();
                }
            } else {
                try {
                    memory = engine.host().newCloneMemory(origin, limits);
                    instance = origin.instantiate(memory, hookGate);
                } finally {
                    origin.cloneBuilt();
                }
            }
            outcome = body.run(instance, memory);
        } catch (Throwable t) {
            // Everything the engine can cause ends here, OutOfMemoryError and StackOverflowError included.
            failure = t;
        }
        try {
            hookGate.close();
            if (memory != null) {
                // Release first: after an OutOfMemoryError the heap is full of this process's pages.
                committedBytes = memory.committedBytes();
                engine.host().metrics().copyOnWriteFaults(engine.name(), memory.copyOnWriteFaults());
                memory.release();
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            failure = failure != null ? failure : e;
        }
        finish(failure == null ? outcome : Outcomes.classify(failure, killReason.get()));
    }

    /** The warm-up's view of this process's instance; used only on the process's thread. */
    WarmInstance warmInstance(Instance instance, ProcessMemory memory) {
        return new WarmInstance() {
            @Override
            public boolean exportsFunction(String name) {
                return EngineChecker.exportedFunction(engine.module(), name).isPresent();
            }

            @Override
            public Optional<Value> call(String export, Arg... args) {
                var type = EngineChecker.exportedFunction(engine.module(), export).orElseThrow(
                        () -> new ArgumentMismatchException("the engine exports no function " + export));
                if (type.returns().size() > 1 || type.returns().stream().anyMatch(t -> Engine.valueType(t) == null)
                        || type.params().stream().anyMatch(t -> Engine.valueType(t) == null)) {
                    throw new ArgumentMismatchException(export + " takes or returns something other than numbers: " + type);
                }
                List<ValueType> parameters = type.params().stream().map(Engine::valueType).toList();
                checkArguments(export, parameters, args);
                long[] returned = instance.export(export).apply(placeArguments(instance, memory, parameters.size(), args));
                return type.returns().stream().findFirst().map(t -> new Value(Engine.valueType(t), returned[0]));
            }
        };
    }

    HookGate hookGate() {
        return hookGate;
    }

    /** Maps the spans (input first) and flattens the arguments into Chicory's raw values. */
    private long[] placeArguments(Instance instance, ProcessMemory memory, int rawCount, Arg[] args) {
        long spanBytes = 0;
        for (Arg a : args) {
            if (a instanceof Span s) {
                spanBytes += s.mappedBytes();
            }
        }
        long base = 0;
        long windowEnd = 0;
        if (spanBytes > 0 && engine.hasSpanWindow()) {
            base = Integer.toUnsignedLong((int) instance.export(EngineChecker.SPAN_WINDOW).apply()[0]);
            windowEnd = base + Integer.toUnsignedLong((int) instance.export(EngineChecker.SPAN_WINDOW_SIZE).apply()[0]);
            long memoryEnd = (long) instance.memory().pages() * com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
            if (base % Span.PAGE_SIZE != 0 || windowEnd > memoryEnd) {
                throw new SpansDoNotFit("span window [" + base + ", " + windowEnd + ") is unaligned or outside memory");
            }
        } else if (spanBytes > 0) {
            int pages = (int) ((spanBytes + com.dylibso.chicory.runtime.Memory.PAGE_SIZE - 1)
                    / com.dylibso.chicory.runtime.Memory.PAGE_SIZE);
            int old = instance.memory().grow(pages);
            if (old < 0) {
                throw new MemoryLimitExceeded("no room for " + spanBytes + " bytes of spans after the memory's end");
            }
            base = (long) old * com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
            windowEnd = base + (long) pages * com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
        }
        long[] raw = new long[rawCount];
        int i = 0;
        long cursor = base;
        for (Arg a : args) {
            if (a instanceof Value v) {
                raw[i++] = v.bits();
            } else {
                Span s = (Span) a;
                if (cursor + s.mappedBytes() > windowEnd) {
                    throw new SpansDoNotFit(spanBytes + " bytes of spans do not fit in the "
                            + (windowEnd - base) + "-byte span window");
                }
                if (s.mappedBytes() > 0) {
                    // An empty span maps nothing: the engine gets (ptr, 0) and reads no byte.
                    memory.mapSpan((int) cursor, s);
                }
                raw[i++] = cursor + s.pageOffset();
                raw[i++] = s.length();
                cursor += s.mappedBytes();
            }
        }
        return raw;
    }

    private void finish(ProcessResult outcome) {
        endNanos = System.nanoTime();
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        var metrics = engine.host().metrics();
        metrics.processEnded(engine.name(), outcome, Duration.ofNanos(endNanos - startNanos));
        stopLatency().ifPresent(latency -> metrics.killLatency(engine.name(), latency));
        engine.host().ended(this);
        result.complete(outcome);
    }
}
