package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.host.abi.Abi;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One process kept warm for many calls: instantiated, {@code _initialize} and
 * {@code engine_init} run once, then {@code engine_start} called as often as the caller likes,
 * each call on the same instance. Made by {@link Engine#warmProcess}.
 *
 * <p>Memory carries over from call to call: a request can see what an earlier one left behind.
 * Use it when every call serves the same principal; to isolate requests, spawn a clone of a
 * {@link Snapshot} per request instead.
 *
 * <p>Thread-safe: calls from several threads run one at a time, on the process's own thread,
 * in the order they take the instance. Each call (and the initialization) has the limits'
 * deadline to itself; an idle warm process holds its memory and its thread, no deadline.
 * A call that traps, exits, runs out of time or memory, or whose caller is interrupted ends
 * the process: that call returns (or throws) the reason, and later calls throw
 * {@link ProcessStateException}. Close it to end it and release its memory; close waits for a
 * call in progress.
 */
public final class WarmProcess implements AutoCloseable {
    /** The process that runs every call; launched in the constructor, never restarted. */
    private final EngineProcess process;
    /** Work for the process's thread, in order; a task with null arguments ends the process. */
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    /** True once {@code engine_init} has returned; never if the initialization failed. Set before {@link #settled} opens. */
    private volatile boolean initialized;
    /** Opened once {@code engine_init} has returned or the process has ended, whichever comes first. */
    private final CountDownLatch settled = new CountDownLatch(1);
    /** Held for the length of a call or of close: calls do not interleave. */
    private final ReentrantLock lock = new ReentrantLock();

    /** One call: its arguments (null to end the process) and its outcome. */
    private record Task(Arg[] args, CompletableFuture<Returned> done) {}

    /** A call that returned: its value and the process's committed bytes after it. */
    private record Returned(Optional<Value> value, long committedBytes) {}

    WarmProcess(Engine engine, Limits limits, Set<String> hooks) throws InterruptedException {
        process = new EngineProcess(engine, limits, hooks, null, false);
        process.onExit().thenRun(settled::countDown);
        process.launch(this::serve, false);
        if (!process.isAlive()) {
            throw new WarmupFailedException(process.awaitEnd());
        }
        ScheduledFuture<?> deadline = process.deadlineIn(limits.deadline());
        try {
            settled.await();
        } catch (InterruptedException e) {
            process.close();
            throw e;
        } finally {
            deadline.cancel(false);
        }
        if (!initialized) {
            throw new WarmupFailedException(process.awaitEnd());
        }
    }

    /** The process's thread: initialize, then serve calls until told to end. */
    private ProcessResult serve(Instance instance, ProcessMemory memory) throws Exception {
        WarmInstance warm = process.warmInstance(instance, memory);
        Warmup.engineInit().run(warm);
        initialized = true;
        settled.countDown();
        while (true) {
            Task task = tasks.take();
            if (task.args() == null) {
                return new ProcessResult.Returned(Optional.empty());
            }
            try {
                Optional<Value> value = warm.call(Abi.ENGINE_START, task.args());
                memory.endCall();
                task.done().complete(new Returned(value, memory.committedBytes()));
            } catch (Throwable t) {
                task.done().completeExceptionally(t);
                throw t;
            }
        }
    }

    public Engine engine() {
        return process.engine();
    }

    /** The limits of the process; each call has their deadline to itself. */
    public Limits limits() {
        return process.limits();
    }

    /** False once a call ended the process, or it was closed. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Calls {@code engine_start} once. Spans are mapped into the span window for this call; a
     * writable span's partial pages are copied back when the call returns.
     *
     * @return {@link ProcessResult.Returned} if the call returned; otherwise how the process
     *     ended during it (it is then no longer alive)
     * @throws ArgumentMismatchException if the arguments do not fit {@code engine_start}; nothing ran
     * @throws ProcessStateException if the process has ended or is closed
     * @throws InterruptedException if the calling thread is interrupted while waiting; the process is killed
     */
    public ProcessResult call(Arg... args) throws InterruptedException {
        return callMeasured(args).result();
    }

    /** Calls {@code engine_start} as a filter on {@code input}; see {@link Engine#filter(byte[])}. */
    public FilterResult filter(byte[] input) throws InterruptedException {
        return filter(FilterRequest.of(input));
    }

    /**
     * Calls {@code engine_start} as a filter, as {@code request} says. The request's limits and
     * grants must be unset: those of a warm process are fixed when it is made.
     *
     * @throws IllegalArgumentException if the request sets limits or grants hooks
     */
    public FilterResult filter(FilterRequest request) throws InterruptedException {
        if (request.limits().isPresent() || request.hooks().length > 0) {
            throw new IllegalArgumentException("a warm process's limits and grants are fixed when it is made");
        }
        return Filters.run(request, (in, out) -> callMeasured(in, out));
    }

    private Filters.Ran callMeasured(Arg... args) throws InterruptedException {
        CallArguments.check(Abi.ENGINE_START, process.engine().startParameters(), args);
        lock.lockInterruptibly();
        try {
            if (!process.isAlive()) {
                throw new ProcessStateException("the warm process has ended");
            }
            long hookCallsBefore = process.hookCalls();
            long fuelBefore = process.fuelConsumed();
            long start = System.nanoTime();
            Task task = new Task(args.clone(), new CompletableFuture<>());
            ScheduledFuture<?> deadline = process.deadlineIn(process.limits().deadline());
            tasks.add(task);
            try {
                CompletableFuture.anyOf(task.done(), process.onExit()).get();
            } catch (InterruptedException e) {
                process.close();
                throw e;
            } catch (ExecutionException e) {
                // The call threw: the process is ending with the reason; its result says which.
            } finally {
                deadline.cancel(false);
            }
            Returned returned = task.done().isDone() && !task.done().isCompletedExceptionally() ? task.done().join() : null;
            if (returned == null) {
                ProcessResult end = process.awaitEnd();
                return new Filters.Ran(end, process.measurements());
            }
            long fuel = process.fuelConsumed() < 0 ? -1 : process.fuelConsumed() - fuelBefore;
            var m = new Measurements(Duration.ofNanos(System.nanoTime() - start), returned.committedBytes(),
                    process.hookCalls() - hookCallsBefore, fuel);
            return new Filters.Ran(new ProcessResult.Returned(returned.value()), m);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the process once any call in progress returns, and releases its memory. Closing again does nothing. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (process.isAlive()) {
                tasks.add(new Task(null, new CompletableFuture<>()));
                process.awaitEnd();
            }
        } finally {
            lock.unlock();
        }
    }
}
