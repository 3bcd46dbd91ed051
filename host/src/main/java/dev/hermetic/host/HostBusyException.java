package dev.hermetic.host;

/**
 * The host refused a process because it runs as many as {@link Host.Builder#withMaxConcurrentProcesses}
 * allows and as many more wait for a slot as the queue holds. Nothing ran: the process is
 * closed, and the caller may try again later or shed the request (an HTTP server's 503).
 */
public final class HostBusyException extends HermeticException {
    private static final long serialVersionUID = 1L;

    /** The most processes that run at once, and the most that may wait. */
    private final int maxRunning;
    private final int maxQueued;

    public HostBusyException(int maxRunning, int maxQueued) {
        super("the host runs its maximum of " + maxRunning + " processes and " + maxQueued
                + " more wait for a slot; try again later");
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
    }

    public int maxRunning() {
        return maxRunning;
    }

    public int maxQueued() {
        return maxQueued;
    }
}
