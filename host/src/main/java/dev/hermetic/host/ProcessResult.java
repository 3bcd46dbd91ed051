package dev.hermetic.host;

import java.util.Optional;

/** How a process ended: a value, never an exception the caller must parse. */
public sealed interface ProcessResult
        permits ProcessResult.Returned, ProcessResult.Exited, ProcessResult.Trapped, ProcessResult.Killed,
                ProcessResult.Failed {

    /** {@code engine_start} returned; {@code value} is empty when it returns nothing. */
    record Returned(Optional<Value> value) implements ProcessResult {}

    /** The engine called {@code process_exit(code)}. */
    record Exited(long code) implements ProcessResult {}

    /** The engine trapped. */
    record Trapped(TrapKind kind, String message) implements ProcessResult {}

    /** The host ended the process. */
    record Killed(KillReason reason) implements ProcessResult {}

    /**
     * The host failed the process through no doing of the engine (see {@link HostError}); the
     * engine may not have run at all. Never an engine trap.
     */
    record Failed(HostError error) implements ProcessResult {}

    /** A short lowercase name of the outcome, used as a metric tag: returned, exited, trapped, killed, failed. */
    default String outcome() {
        if (this instanceof Returned) {
            return "returned";
        } else if (this instanceof Exited) {
            return "exited";
        } else if (this instanceof Trapped) {
            return "trapped";
        } else if (this instanceof Failed) {
            return "failed";
        }
        return "killed";
    }
}
