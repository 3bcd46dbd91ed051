package dev.hermetic.host;

/**
 * Why the host, not the engine, failed a process: it could not get a thread or a deadline for
 * it, or a bug in the host threw where only engine traps were expected.
 *
 * @param message what went wrong, for people
 * @param cause what the host caught; never null
 */
public record HostError(String message, Throwable cause) {}
