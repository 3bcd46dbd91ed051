package dev.hermetic.host;

import java.time.Duration;

/**
 * What one run cost, measured by the host.
 *
 * @param duration wall-clock time from start to end; for a call on a {@link WarmProcess}, of that call
 * @param committedBytes bytes the process had committed at the end (pages and table elements);
 *     for a warm process, at the end of the call
 * @param hookCalls hook call attempts the run made, failed ones included
 */
public record Measurements(Duration duration, long committedBytes, long hookCalls) {}
