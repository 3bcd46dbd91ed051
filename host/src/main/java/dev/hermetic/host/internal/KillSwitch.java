package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;

/**
 * A process's sticky kill. Chicory stops an engine only by polling its thread's interrupt flag,
 * and any code on that thread (a hook above all) may clear the flag; this switch, once thrown,
 * stays thrown, and every vDSO entry and exit checks it, so nothing inside the process can undo
 * a kill. One per process; thread-safe.
 */
public final class KillSwitch {
    /** False until {@link #trip}; never false again after. */
    private volatile boolean tripped;

    /** Throws the switch; calling it again does nothing. */
    public void trip() {
        tripped = true;
    }

    /**
     * Throws {@link ChicoryInterruptedException} when the switch is thrown, with the thread's
     * interrupt flag set again so that Chicory's own polls see it too; returns otherwise.
     */
    public void check() {
        if (tripped) {
            Thread.currentThread().interrupt();
            throw new ChicoryInterruptedException("the process was killed");
        }
    }
}
