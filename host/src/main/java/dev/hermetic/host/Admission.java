package dev.hermetic.host;

import java.util.ArrayDeque;

/**
 * Admission control: at most {@code maxRunning} processes hold a slot at once, at most
 * {@code maxQueued} more wait for one, in arrival order, and any beyond are refused with
 * {@link HostBusyException}, so load beyond what the host was sized for is pushed back to the
 * caller instead of piling up. A waiter is a callback run when a slot is handed to it, on the
 * thread of the process that gave the slot up. Thread-safe; every method holds the monitor
 * only for a few field updates.
 */
final class Admission {
    private final int maxRunning;
    private final int maxQueued;
    /** Slots held; 0 <= running <= maxRunning. Guarded by {@code this}. */
    private int running;
    /** Callbacks waiting for a slot, oldest first; at most maxQueued. Guarded by {@code this}. */
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    Admission(int maxRunning, int maxQueued) {
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
    }

    /**
     * Takes a slot now (true), or queues {@code whenAdmitted} to be run once a slot is handed
     * to it (false).
     *
     * @throws HostBusyException if every slot is held and the queue is full; nothing queued
     */
    synchronized boolean enter(Runnable whenAdmitted) {
        if (running < maxRunning) {
            running++;
            return true;
        }
        if (waiting.size() >= maxQueued) {
            throw new HostBusyException(maxRunning, maxQueued);
        }
        waiting.add(whenAdmitted);
        return false;
    }

    /**
     * Takes {@code waiter} out of the queue; false if it is not there (it was admitted
     * already, or never queued): then it holds a slot, or will, and must {@link #exit}.
     */
    synchronized boolean cancel(Runnable waiter) {
        return waiting.removeFirstOccurrence(waiter);
    }

    /**
     * Gives up a slot: the oldest waiter takes it over, and is returned for the caller to run
     * (after it has finished its own work, so the hand-over delays nobody's result), or the
     * slot is free and this returns null.
     */
    Runnable exit() {
        synchronized (this) {
            Runnable next = waiting.poll();
            if (next == null) {
                running--;
            }
            return next;
        }
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return waiting.size();
    }
}
