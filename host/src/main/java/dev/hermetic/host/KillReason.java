package dev.hermetic.host;

/** Why the host ended a process. */
public enum KillReason {
    /** The wall-clock deadline passed. */
    DEADLINE,
    /** The process needed more memory than its limits allow (or the JVM had none left for it). */
    MEMORY_LIMIT,
    /** The controlling side called {@link EngineProcess#kill()}. */
    BY_HOST,
    /** The process consumed its fuel budget ({@link Limits#fuel()}): the same count in every run of the same input. */
    FUEL_EXHAUSTED
}
