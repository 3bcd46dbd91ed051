package dev.hermetic.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One process's place in the host's {@link Admission} control: it takes a slot now or waits in
 * the queue, may leave the queue while it waits (a kill, a deadline, an interrupt), and gives
 * the slot back exactly once, when the process ends. The ticket is itself the callback it
 * queues ({@link #run}), so waiting costs no object beyond what the waiter needs. Thread-safe.
 */
final class AdmissionTicket implements Runnable {
    private final Admission admission;
    /**
     * Set once the process holds a slot; cleared by the one {@link #release} that gives it back.
     * A field with a VarHandle, not an AtomicBoolean: a ticket per process is one object, not two.
     */
    private volatile boolean admitted;
    private static final VarHandle ADMITTED;

    static {
        try {
            ADMITTED = MethodHandles.lookup().findVarHandle(AdmissionTicket.class, "admitted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** True once the ticket was queued (it stays true after the hand-over); false while it never waited. */
    private volatile boolean queued;
    /** Run when a queued ticket is handed a slot; set before the ticket is queued. */
    private volatile Runnable onHandOver;

    AdmissionTicket(Admission admission) {
        this.admission = admission;
    }

    /**
     * Takes a slot now (true), or queues the ticket to run {@code onHandOver} once a slot is
     * handed to it, on the thread of the process that gave it up (false). Called once.
     *
     * @throws HostBusyException if the queue is full; nothing queued
     */
    boolean enter(Runnable onHandOver) {
        this.onHandOver = onHandOver;
        if (admission.enter(this)) {
            admitted = true;
            return true;
        }
        // A hand-over may already have come: leaving the queue then finds the ticket gone, as it should.
        queued = true;
        return false;
    }

    /** The hand-over, run by {@link Admission#exit} on the thread that gave the slot up. */
    @Override
    public void run() {
        admitted = true;
        onHandOver.run();
    }

    /**
     * Waits on the caller's thread for a slot, at most {@code timeoutNanos}. True once the
     * slot is held; false when the time passed first, the ticket then out of the queue.
     *
     * @throws HostBusyException if the queue is full; nothing queued
     * @throws InterruptedException if the caller is interrupted while waiting: the ticket has
     *     left the queue, or holds the slot handed over meanwhile (so {@link #release} gives it back)
     */
    boolean awaitSlot(long timeoutNanos) throws InterruptedException {
        // One permit, released once when the slot is handed over.
        Semaphore slot = new Semaphore(0);
        if (enter(slot::release)) {
            return true;
        }
        try {
            if (slot.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return true;
            }
            // The time passed in the queue.
        } catch (InterruptedException e) {
            if (!leaveQueue()) {
                // Admitted meanwhile: the slot is being handed over; once it is, release gives it back.
                slot.acquireUninterruptibly();
            }
            throw e;
        }
        if (!leaveQueue()) {
            slot.acquireUninterruptibly();
            return true;
        }
        return false;
    }

    /** Takes the ticket out of the queue; false if it is not there (it never waited, or was admitted). */
    boolean leaveQueue() {
        return queued && admission.cancel(this);
    }

    /**
     * Gives the slot back if the ticket holds one, once: returns the waiter it passes to, for
     * the caller to run after its own work, or null.
     */
    Runnable release() {
        return ADMITTED.compareAndSet(this, true, false) ? admission.exit() : null;
    }
}
