package dev.hermetic.flink;

/** Why a record produced no output. Every kind is data: none of them fails the Flink task. */
public enum FailureKind {
    /** A filter engine returned a negative status (the ABI's status codes, e.g. -42 malformed input). */
    STATUS,
    /** The engine called {@code process_exit}, or a non-filter engine returned: its code is the reason. */
    EXITED,
    /** The engine trapped. */
    TRAPPED,
    /** The host killed the process at its deadline, or the operator's outer timeout fired. */
    DEADLINE,
    /** The process needed more memory than the spec's limits allow. */
    MEMORY_LIMIT,
    /** The host killed the process for another reason (the task was cancelled). */
    KILLED,
    /** The host failed the process through no doing of the engine. */
    HOST_ERROR,
    /** The host refused to start the process (the record does not fit the engine's signature). */
    REFUSED
}
