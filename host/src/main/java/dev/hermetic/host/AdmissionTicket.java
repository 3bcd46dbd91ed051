package dev.hermetic.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One process's place in the host's {@link Admission} control: it takes a slot now or waits in
 * the queue, may leave the queue while it waits (a kill, a deadline, an interrupt), and gives
 * the slot back exactly once, when the process ends. Thread-safe.
 */
final class AdmissionTicket {
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
    /** The callback queued while the process waits for a slot; null when it never waited. */
    private volatile Runnable queued;

    AdmissionTicket(Admission admission) {
        this.admission = admission;
    }

    /**
     * Takes a slot now (true), or queues {@code dispatch} to run once a slot is handed over,
     * on the thread of the process that gave it up (false).
     *
     * @throws HostBusyException if the queue is full; nothing queued
     */
    boolean enter(Runnable dispatch) {
        Runnable whenAdmitted = () -> {
            admitted = true;
            dispatch.run();
        };
        if (admission.enter(whenAdmitted)) {
            admitted = true;
            return true;
        }
        queued = whenAdmitted;
        return false;
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
        Runnable whenAdmitted = () -> {
            admitted = true;
            slot.release();
        };
        if (admission.enter(whenAdmitted)) {
            admitted = true;
            return true;
        }
        queued = whenAdmitted;
        try {
            if (slot.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return true;
            }
            // The time passed in the queue.
        } catch (InterruptedException e) {
            if (!admission.cancel(whenAdmitted)) {
                // Admitted meanwhile: the slot is being handed over; once it is, release gives it back.
                slot.acquireUninterruptibly();
            }
            throw e;
        }
        if (!admission.cancel(whenAdmitted)) {
            slot.acquireUninterruptibly();
            return true;
        }
        return false;
    }

    /** Takes the ticket out of the queue; false if it is not there (it never waited, or was admitted). */
    boolean leaveQueue() {
        Runnable waiting = queued;
        return waiting != null && admission.cancel(waiting);
    }

    /**
     * Gives the slot back if the ticket holds one, once: returns the waiter it passes to, for
     * the caller to run after its own work, or null.
     */
    Runnable release() {
        return ADMITTED.compareAndSet(this, true, false) ? admission.exit() : null;
    }
}
