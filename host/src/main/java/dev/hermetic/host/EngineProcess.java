package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.host.abi.Abi;
import dev.hermetic.host.internal.KillSwitch;
import dev.hermetic.host.internal.VdsoImports;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of an engine, Fuchsia's hermetic compute process: a fresh instance with its own
 * linear memory, the spans mapped into it, {@code engine_start} called with the forwarded
 * arguments, and a {@link ProcessResult} at the end. Single use: it starts once.
 *
 * <p>Where it runs: {@link #start} hands it to an engine thread (a new daemon thread of
 * {@link Limits#stackBytes()}, or the host's {@link Host.Builder#withEngineThreadFactory
 * thread factory} or {@link Host.Builder#withEngineExecutor executor}) and returns at once;
 * {@link #run} executes it on the calling thread when the host was told the callers' stacks
 * are big enough ({@link Host.Builder#withCallerStackBytes}), and otherwise hands it off and
 * waits. Under {@link Host.Builder#withMaxConcurrentProcesses admission control} a started
 * process may wait for a slot; its deadline counts from its start either way. A clone of a
 * {@link Snapshot} may run on a pooled instance, reset to the snapshot when its last process
 * ended; it cannot tell.
 *
 * <p>Thread-safe: start or run it on one thread, kill, await or close it from any; hooks it
 * calls run on the thread running the engine. Close it (or let it end) to release its memory;
 * an unstarted process dropped without close is released when it is garbage.
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
    /** Completed exactly once, and only normally ({@link #finish}), when the engine thread has ended. */
    private final CompletableFuture<ProcessResult> result = new CompletableFuture<>();
    /** Opened right after {@link #result} completes: callers wait on it interruptibly, then join the result. */
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Why the host asked the process to stop; set at most once, null while nobody asked. */
    private final AtomicReference<KillReason> killReason = new AtomicReference<>();
    /** Thrown with the first kill request and never reset: the vDSO refuses to return into a killed engine. */
    private final KillSwitch killSwitch = new KillSwitch();
    /** Set by the first {@link #start} (or by {@link #close} before any): a process launches at most once. */
    private final AtomicBoolean launched = new AtomicBoolean();
    /** True when {@link #close} came before any start: the process never runs. */
    private volatile boolean closedUnstarted;
    /** The thread running the engine while it runs, for a kill to interrupt. */
    private final EngineThread engineThread = new EngineThread();
    /** The process's place in the host's admission control; null when the host admits every process at once. */
    private final AdmissionTicket admission;
    /** The ready instance this clone runs on, taken from its snapshot's pool; null for a built one. */
    private Snapshot.Ready ready;
    /**
     * True while this clone still holds its snapshot's frozen pages open ({@link Snapshot#cloneBuilt}
     * not yet called for it); false for a fresh process. Cleared exactly once.
     */
    private final AtomicBoolean holdsSnapshot;
    /**
     * Closes the hook gate and lets go of the snapshot if the process never ran: called by
     * {@link #close} before start, by a failed launch, or by the cleaner once an unstarted
     * process is garbage (a cleaner's, unless the process is scoped). Does nothing once the
     * engine thread has started.
     */
    private final Runnable unstartedRelease;
    /** {@link System#nanoTime()} at the first kill request; meaningful only once {@link #killReason} is set. */
    private volatile long killRequestedNanos;
    /** {@link System#nanoTime()} at start and at the end; the end is 0 while running. */
    private volatile long startNanos;
    private volatile long endNanos;
    /** Cancels the deadline when the process ends first; null before start. */
    private volatile ScheduledFuture<?> deadline;
    /** Committed bytes at the end of the process; 0 before. */
    private volatile long committedBytes;
    /** The engine's log as it was when the process ended; null until then. */
    private volatile ProcessLog log;
    /** The running instance, once built; read for its fuel counter. Null before. */
    private volatile Instance instance;
    /** The fuel left when the process ended, or when it was first killed; meaningful once {@link #fuelFinal} is set. */
    private volatile long fuelLeftAtEnd;
    /** Whether {@link #fuelLeftAtEnd} is final: set at the first kill request or the end. */
    private volatile boolean fuelFinal;

    /**
     * @param scoped the caller closes the process in the frame that made it ({@code try}), so
     *     no cleaner need watch for it being dropped unstarted: registering one per process is a
     *     JVM-wide lock and a phantom reference for the collector, on every request served
     */
    EngineProcess(Engine engine, Limits limits, Set<String> grantedHooks, Snapshot origin, boolean scoped) {
        this.engine = engine;
        this.limits = limits;
        this.origin = origin;
        this.id = "p-" + IDS.incrementAndGet();
        this.hookGate = engine.host().newHookGate(id, engine, limits, grantedHooks);
        if (origin != null) {
            origin.restoreReferences(hookGate.clist());
        }
        this.holdsSnapshot = new AtomicBoolean(origin != null);
        Admission hostAdmission = engine.host().admission();
        this.admission = hostAdmission == null ? null : new AdmissionTicket(hostAdmission);
        if (limits.hasFuelBudget() && !engine.metered()) {
            hookGate.close();
            throw new IllegalArgumentException("a fuel budget needs a host that meters fuel (Host.Builder.withFuelMetering)");
        }
        UnstartedRelease release = new UnstartedRelease(hookGate, origin, holdsSnapshot);
        this.unstartedRelease = scoped ? release::run : CLEANER.register(this, release)::clean;
    }

    /**
     * Releases what an unstarted process holds. It refers to the process's parts, never to the
     * process, so the cleaner can run it; after a run both steps are no-ops (the engine thread
     * released the snapshot and closed the gate), and while the thread runs it holds the process.
     */
    private record UnstartedRelease(HookGate gate, Snapshot origin, AtomicBoolean holdsSnapshot) implements Runnable {
        @Override
        public void run() {
            releaseSnapshot(origin, holdsSnapshot);
            gate.close();
        }
    }

    /** Releases unstarted processes dropped without {@link #close}: their hook gates and snapshot pages. */
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "hermetic-cleaner");
        t.setDaemon(true);
        return t;
    });

    private static void releaseSnapshot(Snapshot origin, AtomicBoolean holdsSnapshot) {
        if (holdsSnapshot.compareAndSet(true, false)) {
            origin.cloneBuilt();
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
     * @throws IllegalArgumentException if {@code kref} is null or empty
     */
    public String exportToEngine(String kref) {
        if (launched.get()) {
            throw new ProcessStateException("references are handed over before start");
        }
        if (kref == null || kref.isEmpty()) {
            throw new IllegalArgumentException("kref must be a non-empty string");
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
     * @throws SpanRefusedException if a span's VMO handle is closed or lacks a right its mapping
     *     needs; nothing ran
     * @throws ProcessStateException if the process was already started, or its host is closed
     */
    public EngineProcess start(Arg... args) {
        List<ValueType> parameters = engine.startParameters();
        CallArguments.check(Abi.ENGINE_START, parameters, args);
        return launch(startBody(parameters, args));
    }

    /** Maps the arguments and calls {@code engine_start} with them. */
    private Body startBody(List<ValueType> parameters, Arg[] args) {
        return (instance, memory) -> {
            long[] raw = CallArguments.place(engine, instance, memory, parameters.size(), args);
            long[] returned = instance.export(Abi.ENGINE_START).apply(raw);
            return new ProcessResult.Returned(engine.startResult().map(type -> new Value(type, returned[0])));
        };
    }

    /** What a process does once its instance is ready; anything it throws becomes the result. */
    @FunctionalInterface
    interface Body {
        ProcessResult run(Instance instance, ProcessMemory memory) throws Exception;
    }

    /**
     * Runs {@code body} on the process's own thread under its limits, and returns at once. If the
     * host cannot give it a thread or a deadline (no native thread left, a timer that refuses),
     * the process ends at once as {@link ProcessResult.Failed}.
     *
     * @throws ProcessStateException if the process was started or closed before, or the host is closed
     */
    EngineProcess launch(Body body) {
        return launch(body, true);
    }

    /**
     * Marks the process started, once, and joins the host's live set; the start time is set.
     *
     * @throws ProcessStateException if it was started or closed already
     * @throws RuntimeException the host's refusal when it is closed: the process never runs, as
     *     if closed before start
     */
    private void claimLaunch() {
        if (!launched.compareAndSet(false, true)) {
            throw new ProcessStateException(closedUnstarted ? "the process was closed" : "process already started");
        }
        try {
            engine.host().started(this);
        } catch (RuntimeException e) {
            closedUnstarted = true;
            unstartedRelease.run();
            throw e;
        }
        startNanos = System.nanoTime();
    }

    /**
     * As {@link #launch(Body)}; with {@code deadlineAtStart} false no deadline is set, and the
     * caller bounds each stretch of work with {@link #deadlineIn} instead (a warm process).
     */
    EngineProcess launch(Body body, boolean deadlineAtStart) {
        claimLaunch();
        boolean now = true;
        if (admission != null) {
            try {
                now = admission.enter(() -> dispatch(body));
            } catch (HostBusyException e) {
                refusedAdmission();
                throw e;
            }
        }
        engine.host().metrics().processStarted(engine.name());
        try {
            if (deadlineAtStart) {
                deadline = deadlineIn(limits.deadline());
            }
        } catch (RuntimeException e) {
            if (now || admission.leaveQueue()) {
                unstartedRelease.run();
                finish(new ProcessResult.Failed(new HostError("the host could not start the process: " + e, e)));
                return this;
            }
        }
        if (now) {
            dispatch(body);
        }
        return this;
    }

    /** Hands the body to an engine thread; a process the host cannot give one ends at once as failed. */
    private void dispatch(Body body) {
        try {
            engine.host().dispatch(() -> runBody(body), "hermetic-" + engine.name() + "-" + id, limits.stackBytes());
        } catch (RuntimeException | Error e) {
            // RejectedExecutionException, OutOfMemoryError("unable to create native thread"): the engine never ran.
            unstartedRelease.run();
            finish(new ProcessResult.Failed(new HostError("the host could not start the process: " + e, e)));
        }
    }

    /**
     * Runs {@code engine_start} on the calling thread and returns how the process ended, when the
     * host was told its callers' stacks are big enough ({@link Host.Builder#withCallerStackBytes}
     * at least {@link Limits#stackBytes()}); otherwise starts it on an engine thread and waits.
     * Either way the deadline holds: on the caller's thread the host's timer interrupts the
     * caller, the engine ends as {@link KillReason#DEADLINE}, and the interrupt is cleared
     * before this returns. Under admission control the caller waits for a slot (back-pressure)
     * within the deadline, or gets {@link HostBusyException} when the queue is full.
     *
     * @throws InterruptedException if the caller is interrupted before or during the run: the
     *     process is killed and has ended when this throws
     * @throws ArgumentMismatchException if the arguments do not fit the signature; nothing ran
     * @throws SpanRefusedException if a span cannot be mapped; nothing ran
     * @throws ProcessStateException if the process was already started, or its host is closed
     * @throws HostBusyException if the host's admission queue is full; nothing ran
     */
    public ProcessResult run(Arg... args) throws InterruptedException {
        List<ValueType> parameters = engine.startParameters();
        CallArguments.check(Abi.ENGINE_START, parameters, args);
        Body body = startBody(parameters, args);
        if (!engine.host().runsOnCaller(limits)) {
            launch(body);
            try {
                return await();
            } catch (InterruptedException e) {
                close();
                throw e;
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before the run");
        }
        claimLaunch();
        engine.host().metrics().processStarted(engine.name());
        if (admission != null && !awaitSlot()) {
            return result.join();
        }
        long left = limits.deadline().toNanos() - (System.nanoTime() - startNanos);
        try {
            deadline = deadlineIn(Duration.ofNanos(Math.max(1, left)));
        } catch (RuntimeException e) {
            unstartedRelease.run();
            finish(new ProcessResult.Failed(new HostError("the host could not start the process: " + e, e)));
            return result.join();
        }
        runBody(body);
        ProcessResult end = result.join();
        if (end instanceof ProcessResult.Killed && killReason.get() == null) {
            // Nobody asked the process to stop: the interrupt was the caller's own.
            Thread.interrupted();
            throw new InterruptedException("interrupted during the run; the process was killed");
        }
        return end;
    }

    /**
     * Waits on the caller's thread for an admission slot, within the deadline. True once the
     * slot is held; false when the process ended without running (deadline passed while
     * waiting, or killed), its result then complete.
     *
     * @throws HostBusyException if the queue is full; the process is closed
     * @throws InterruptedException if the caller is interrupted while waiting; the process is closed
     */
    private boolean awaitSlot() throws InterruptedException {
        boolean admitted;
        try {
            admitted = admission.awaitSlot(limits.deadline().toNanos());
        } catch (HostBusyException e) {
            refusedAdmission();
            throw e;
        } catch (InterruptedException e) {
            // The ticket left the queue, or holds the slot it was handed meanwhile: finish gives that back.
            unstartedRelease.run();
            finish(new ProcessResult.Killed(KillReason.BY_HOST));
            throw e;
        }
        if (admitted) {
            return true;
        }
        // The deadline passed in the queue.
        if (killReason.compareAndSet(null, KillReason.DEADLINE)) {
            killRequestedNanos = System.nanoTime();
        }
        unstartedRelease.run();
        finish(new ProcessResult.Killed(killReason.get()));
        return false;
    }

    /** The admission queue was full: the process never runs, as if closed before start, and leaves the host's live set. */
    private void refusedAdmission() {
        closedUnstarted = true;
        unstartedRelease.run();
        engine.host().ended(this);
    }

    /**
     * Kills the process as {@link KillReason#DEADLINE} after {@code delay} unless the returned
     * future is cancelled first.
     *
     * @throws RejectedExecutionException if the host's timer is shut down
     */
    ScheduledFuture<?> deadlineIn(Duration delay) {
        return engine.host().scheduler().schedule(() -> stop(KillReason.DEADLINE), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Asks the engine to stop; it ends as {@link KillReason#BY_HOST} unless it ended already or
     * was killed for another reason first. Every call interrupts the engine thread again.
     */
    public void kill() {
        stop(KillReason.BY_HOST);
    }

    /**
     * The kill is sticky: the first reason wins, the switch stays thrown, and the thread is
     * interrupted now and again every {@link #REINTERRUPT_MILLIS} ms until it ends, so a hook
     * that swallows one interrupt and blocks again is woken again.
     */
    private void stop(KillReason reason) {
        if (!launched.get() || closedUnstarted || result.isDone()) {
            return;
        }
        if (killReason.compareAndSet(null, reason)) {
            killRequestedNanos = System.nanoTime();
            // The switch first: a body that has not yet set its thread checks it as it starts.
            killSwitch.trip();
            if (admission != null && admission.leaveQueue()) {
                // Still waiting for a slot: it never runs, and ends here.
                unstartedRelease.run();
                finish(new ProcessResult.Killed(reason));
                return;
            }
            Instance running = instance;
            if (running != null) {
                // What it had consumed when asked to stop (the counter only goes down while it runs).
                fuelLeftAtEnd = engine.fuelLeft(running);
                fuelFinal = true;
            }
            stopAtNextCheck();
            engineThread.interrupt();
            reinterruptLater();
        } else {
            stopAtNextCheck();
            engineThread.interrupt();
        }
    }

    /**
     * The cooperative stop: the fuel counter set below zero fails the next check the meter put in
     * the engine's code (every loop iteration and function entry), as Wasmtime's epoch
     * interruption does. The engine thread may overwrite it with a decrement it was just doing,
     * so every re-interrupt sets it again; the interrupt stays as the backup for code the check
     * does not reach (a hook blocked in the host, an unmetered host).
     */
    void stopAtNextCheck() {
        Instance running = instance;
        if (running != null && engine.metered()) {
            engine.setFuel(running, KILLED_FUEL);
        }
    }

    /** What a kill sets the fuel counter to: far below zero, and far above Long.MIN_VALUE, so decrements cannot wrap it. */
    static final long KILLED_FUEL = Long.MIN_VALUE / 2;

    /** How often a killed process's thread is interrupted again while it has not ended. */
    static final long REINTERRUPT_MILLIS = 10;

    private void reinterruptLater() {
        try {
            engine.host().scheduler().schedule(() -> {
                if (!result.isDone()) {
                    stopAtNextCheck();
                    engineThread.interrupt();
                    reinterruptLater();
                }
            }, REINTERRUPT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The host's timer is shut down: Host.close has already waited for every process.
        }
    }

    /**
     * Waits for the end. Every process ends: its deadline bounds it.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting, as
     *     {@link Process#waitFor()} is; the process runs on
     * @throws ProcessStateException if the process was not started
     */
    public ProcessResult await() throws InterruptedException {
        requireStarted();
        ended.await();
        return result.join();
    }

    /**
     * Waits at most {@code timeout}; empty if the process is still running then.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting; the process runs on
     */
    public Optional<ProcessResult> await(Duration timeout) throws InterruptedException {
        requireStarted();
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS) ? Optional.of(result.join()) : Optional.empty();
    }

    /** Waits for the end without giving way to interrupts: for a process that was killed or told to end. */
    ProcessResult awaitEnd() {
        return result.join();
    }

    /** Completes with the result when the process ends. */
    public CompletableFuture<ProcessResult> onExit() {
        return result.copy();
    }

    public boolean isAlive() {
        return launched.get() && !closedUnstarted && !result.isDone();
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

    /**
     * What the engine wrote to its log (stdout and stderr in C), read when the process ended,
     * however it ended; {@link ProcessLog#EMPTY} for an engine without a log.
     *
     * @throws ProcessStateException if the process has not ended yet
     */
    public ProcessLog log() {
        ProcessLog ended = log;
        if (ended == null) {
            throw new ProcessStateException("the log is read when the process has ended");
        }
        return ended;
    }

    /** Bytes the process had committed when it ended. */
    public long committedBytes() {
        return committedBytes;
    }

    /** Hook call attempts so far, failed ones included. */
    public long hookCalls() {
        return hookGate.calls();
    }

    /** What the run cost: its duration, the bytes committed at its end, its hook calls, its fuel. */
    public Measurements measurements() {
        return new Measurements(duration(), committedBytes, hookGate.calls(), fuelConsumed());
    }

    /**
     * The fuel consumed so far (host/README.md "Fuel"), -1 when the host does not meter. A
     * process killed by the host or its deadline reports what it had consumed at the first kill
     * request; one out of fuel, its budget and the run of code that went over.
     */
    public long fuelConsumed() {
        if (!engine.metered()) {
            return -1;
        }
        if (fuelFinal) {
            return limits.fuel() - fuelLeftAtEnd;
        }
        Instance running = instance;
        return running == null ? 0 : limits.fuel() - engine.fuelLeft(running);
    }

    /**
     * Kills the process if it still runs and waits for its end. A process never started is
     * released instead: its hook gate closes, a clone lets go of its snapshot's frozen pages,
     * and it can no longer start. (An unstarted process dropped without close is released
     * when it is garbage.)
     */
    @Override
    public void close() {
        if (launched.compareAndSet(false, true)) {
            closedUnstarted = true;
            unstartedRelease.run();
            return;
        }
        if (!closedUnstarted) {
            kill();
            // The kill is sticky and re-interrupts: the end comes promptly, so close need not give way to interrupts.
            awaitEnd();
        }
    }

    private void requireStarted() {
        if (!launched.get() || closedUnstarted) {
            throw new ProcessStateException("process not started");
        }
    }

    /** The process's whole life on the thread that runs it; completes the result and gives back the slot. */
    private void runBody(Body body) {
        engineThread.enter();
        ProcessResult outcome = null;
        Throwable failure = null;
        ProcessMemory memory = null;
        Instance instance = null;
        Optional<LogReader> logReader = Optional.empty();
        try {
            // A kill before the thread ran interrupted nothing: its interrupt is made here.
            killSwitch.check();
            try {
                // A clone runs on an instance its snapshot's pool has ready, if there is one;
                // otherwise one is built, for a fresh process and a clone alike.
                ready = origin == null ? null : origin.takeReady(limits);
                if (ready != null) {
                    ready.bind(hookGate, killSwitch);
                    memory = ready.memory();
                    engine.host().adopt(memory);
                    instance = ready.instance();
                    // The reset restored the warm counter with the globals; a clone spends its own budget.
                    engine.setFuel(instance, limits.fuel());
                } else {
                    var binding = new VdsoImports.Binding(hookGate, killSwitch);
                    memory = engine.host().newMemory(engine, origin, limits);
                    instance = engine.instantiate(memory, binding, limits.fuel(), origin == null ? null : origin.state());
                    ready = origin == null ? null : origin.newReady(instance, memory, binding, limits);
                }
            } finally {
                // A no-op for a fresh process: it holds no snapshot.
                releaseSnapshot(origin, holdsSnapshot);
            }
            this.instance = instance;
            if (killReason.get() != null) {
                // Killed while the instance was being built: the stop must still reach its checks.
                stopAtNextCheck();
            }
            // Before any other engine code: the log is then readable however the process ends.
            // The host's own calls into the engine cost it no fuel: the count is the engine's work alone.
            long fuelBefore = engine.fuelLeft(instance);
            logReader = LogReader.locate(engine.module(), instance);
            engine.setFuel(instance, fuelBefore);
            if (origin == null && engine.hasInitialize()) {
                instance.export(Abi.INITIALIZE).apply();
            }
            outcome = body.run(instance, memory);
            if (engine.fuelLeft(instance) < 0) {
                // The last runs of code only decrement: a body that returned over its budget ends out of fuel too.
                outcome = null;
                failure = new VdsoImports.FuelExhausted();
            }
        } catch (Throwable t) {
            // Everything the engine can cause ends here, OutOfMemoryError and StackOverflowError included.
            failure = t;
        }
        // Read before the memory is released; readLog never throws, so log is set from here on.
        log = readLog(logReader, instance);
        KillReason reason = killReason.get();
        Instance ran = instance;
        if (ran != null && !fuelFinal) {
            fuelLeftAtEnd = engine.fuelLeft(ran);
            fuelFinal = true;
        }
        if (reason == null && failure != null && ran != null && engine.fuelLeft(ran) < 0) {
            // Only the meter's checks and the vDSO's charges stop an engine with the counter below zero.
            reason = KillReason.FUEL_EXHAUSTED;
        }
        ProcessResult end;
        try {
            end = failure == null ? outcome : Outcomes.classify(failure, reason);
        } catch (RuntimeException e) {
            end = new ProcessResult.Failed(new HostError("cannot classify " + failure, e));
        }
        try {
            hookGate.close();
            if (memory != null) {
                // Release first: after an OutOfMemoryError the heap is full of this process's pages.
                committedBytes = memory.committedBytes();
                engine.host().metrics().copyOnWriteFaults(engine.name(), memory.copyOnWriteFaults());
                if (ready == null || !origin.recycle(ready, end)) {
                    memory.release();
                }
            }
        } catch (Throwable e) {
            if (failure == null) {
                end = Outcomes.classify(e, killReason.get());
            }
        }
        engineThread.leave();
        if (killReason.get() != null) {
            // The kill's interrupts were for the engine: the thread (a pool's, or the caller's) goes on without them.
            Thread.interrupted();
        }
        // finish completes the result whatever else throws: await() never hangs on a host bug.
        finish(end);
    }

    /** The log the engine left in {@code instance}'s memory; empty when there is none or it cannot be read. */
    private static ProcessLog readLog(Optional<LogReader> reader, Instance instance) {
        if (reader.isEmpty() || instance == null) {
            return ProcessLog.EMPTY;
        }
        try {
            LogReader.Contents contents = reader.get().read(instance.memory());
            return new ProcessLog(contents.bytes(), contents.dropped());
        } catch (RuntimeException | OutOfMemoryError e) {
            // A log is a diagnostic: failing to read it must not change how the process ended.
            return ProcessLog.EMPTY;
        }
    }

    /** The warm-up's view of this process's instance; used only on the process's thread. */
    WarmInstance warmInstance(Instance instance, ProcessMemory memory) {
        return new InstanceExports(engine, instance, memory);
    }

    HookGate hookGate() {
        return hookGate;
    }

    /** Records the end and completes the result; the result completes whatever else throws. */
    private void finish(ProcessResult outcome) {
        endNanos = System.nanoTime();
        try {
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            var metrics = engine.host().metrics();
            metrics.processEnded(engine.name(), outcome, Duration.ofNanos(endNanos - startNanos));
            if (engine.metered()) {
                metrics.fuelConsumed(engine.name(), fuelConsumed());
            }
            stopLatency().ifPresent(latency -> metrics.killLatency(engine.name(), latency));
        } finally {
            // The slot is given up before the result, so whoever awaited this process sees it
            // free; the waiter it passes to is started after, so as not to delay that caller.
            Runnable next = admission == null ? null : admission.release();
            engine.host().ended(this);
            result.complete(outcome);
            ended.countDown();
            if (next != null) {
                next.run();
            }
        }
    }
}
