package dev.hermetic.hooks;

/**
 * A host function an engine may call by name. Arguments and result are in host (kref) space:
 * the slots are krefs. Any exception is reported to the host's failure listener and reaches
 * the engine only as {@link HookStatus#INTERNAL}.
 *
 * <p>A hook runs on the engine's own thread, inside the process's deadline. The host stops a
 * process by interrupting that thread, so a hook that blocks must do it interruptibly
 * ({@code Thread.sleep}, {@code BlockingQueue.take}, interruptible channels) and let the
 * {@link InterruptedException} out or restore the interrupt flag. A hook that swallows the
 * interrupt is woken again (the host re-interrupts a killed thread every few milliseconds) and
 * the engine never resumes after it returns; a hook that ignores interrupts altogether, or
 * blocks in uninterruptible I/O, holds the thread until it returns.
 *
 * <p>One hook object serves every process granted it, concurrently: processes run on threads
 * of their own, so a hook must be thread-safe. Within one process its calls are sequential.
 */
@FunctionalInterface
public interface Hook {
    CapData call(HookCaller caller, CapData args) throws Exception;
}
