package dev.hermetic.host;

/**
 * The thread running a process's engine, as a kill reaches it: set when the body starts on a
 * thread (an engine thread, an executor's or the caller's) and cleared before the body
 * returns, so a kill never interrupts a thread that has moved on to other work. Thread-safe.
 */
final class EngineThread {
    /** The thread running the engine now; null before the body starts and after it ends. Guarded by {@code this}. */
    private Thread running;

    /** The calling thread runs the engine from now on. */
    synchronized void enter() {
        running = Thread.currentThread();
    }

    /** The engine no longer runs on any thread. */
    synchronized void leave() {
        running = null;
    }

    /** Interrupts the thread running the engine, if one is. */
    synchronized void interrupt() {
        if (running != null) {
            running.interrupt();
        }
    }
}
