package dev.hermetic.host;

import java.time.Duration;

/**
 * What one run cost, measured by the host.
 *
 * @param duration wall-clock time from start to end; for a call on a {@link WarmProcess}, of that call
 * @param committedBytes bytes the process had committed at the end (pages and table elements);
 *     for a warm process, at the end of the call
 * @param hookCalls hook call attempts the run made, failed ones included
 * @param fuelConsumed fuel the run consumed (host/README.md "Fuel"): deterministic, a function
 *     of the engine and its input only; for a process, {@code _initialize} included; for a clone,
 *     not the warm-up's ({@link Snapshot#warmupFuel()}); for a call on a warm process, that
 *     call's. A killed run reports what it consumed until it stopped, which for
 *     {@link KillReason#FUEL_EXHAUSTED} is the budget plus at most the cost of the run of code
 *     that went over. -1 when the host does not meter fuel
 */
public record Measurements(Duration duration, long committedBytes, long hookCalls, long fuelConsumed) {

    /** Measurements of a run that was not metered: {@code fuelConsumed} is -1. */
    public Measurements(Duration duration, long committedBytes, long hookCalls) {
        this(duration, committedBytes, hookCalls, -1);
    }
}
