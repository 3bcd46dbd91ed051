package dev.hermetic.host;

import dev.hermetic.hooks.HookGate;
import java.time.Duration;
import java.util.Objects;

/**
 * What one process may use. The defaults are safe for untrusted engines: ten seconds, 64 MiB
 * of linear memory, 64 MiB committed, an 8 MiB engine thread stack, 65,536 table elements.
 * Whatever a process's limits allow, its committed bytes also draw from the host's memory
 * budget ({@link Host.Builder#withMemoryBudget}), so processes together cannot exhaust the heap.
 *
 * @param deadline wall-clock time from start to a {@link KillReason#DEADLINE} kill; positive
 * @param maxMemoryPages the most 64 KiB Wasm pages the linear memory may reach, spans mapped
 *     after the memory's end included; at least 1 and at most 65536 (Wasm's limit), though
 *     Chicory's memories stop at 32767 pages ({@code Memory.RUNTIME_MAX_PAGES}, 2 GiB less
 *     64 KiB): a limit above that allows no more than 32767
 * @param maxCommittedBytes the most bytes the process may commit: pages (its own writes,
 *     copy-on-write copies, fresh pages) and its tables' elements, 16 bytes each; positive
 * @param stackBytes the engine thread's stack size: it bounds recursion depth; at least 64 KiB
 * @param maxHookCalls the most hook call attempts, failed ones included; positive
 * @param maxHookArgumentBytes the longest argument capdata of one hook call; positive
 * @param maxHookResultBytes the longest result capdata of one hook call; positive
 * @param maxTableElements the most elements all the process's tables may hold together, the
 *     module's initial sizes included: {@code table.grow} past it returns -1, and a module
 *     whose tables start bigger ends as {@link KillReason#MEMORY_LIMIT}; positive
 * @param fuel the most fuel the process may consume (the host's deterministic instruction
 *     count, host/README.md "Fuel"), {@code _initialize} and hook calls included: one more unit
 *     ends it as {@link KillReason#FUEL_EXHAUSTED}. Off by default ({@link #UNLIMITED_FUEL}); the
 *     fuel consumed is reported either way. Positive; a host built without fuel metering
 *     refuses a process with a budget
 */
public record Limits(Duration deadline, int maxMemoryPages, long maxCommittedBytes, long stackBytes,
        long maxHookCalls, int maxHookArgumentBytes, int maxHookResultBytes, long maxTableElements, long fuel) {

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_MEMORY_PAGES = 1024;
    public static final long DEFAULT_MAX_COMMITTED_BYTES = 64L << 20;
    public static final long DEFAULT_STACK_BYTES = 8L << 20;
    public static final long DEFAULT_MAX_HOOK_CALLS = HookGate.DEFAULT_MAX_CALLS;
    public static final int DEFAULT_MAX_HOOK_ARGUMENT_BYTES = HookGate.DEFAULT_MAX_ARGUMENT_BYTES;
    public static final int DEFAULT_MAX_HOOK_RESULT_BYTES = HookGate.DEFAULT_MAX_RESULT_BYTES;
    /** Far above what compilers emit (a C or Rust engine's function table has hundreds), 1 MiB of heap. */
    public static final long DEFAULT_MAX_TABLE_ELEMENTS = 1 << 16;
    /** No fuel budget: the default. 2^63-1 units are centuries of computation. */
    public static final long UNLIMITED_FUEL = Long.MAX_VALUE;

    public Limits {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        if (maxMemoryPages < 1 || maxMemoryPages > 65536) {
            throw new IllegalArgumentException("maxMemoryPages must be in [1, 65536]: " + maxMemoryPages);
        }
        if (maxCommittedBytes <= 0) {
            throw new IllegalArgumentException("maxCommittedBytes must be positive: " + maxCommittedBytes);
        }
        if (stackBytes < 64 << 10) {
            throw new IllegalArgumentException("stackBytes must be at least 64 KiB: " + stackBytes);
        }
        if (maxHookCalls <= 0 || maxHookArgumentBytes <= 0 || maxHookResultBytes <= 0) {
            throw new IllegalArgumentException("hook limits must be positive: " + maxHookCalls + " calls, "
                    + maxHookArgumentBytes + " argument bytes, " + maxHookResultBytes + " result bytes");
        }
        if (maxTableElements <= 0) {
            throw new IllegalArgumentException("maxTableElements must be positive: " + maxTableElements);
        }
        if (fuel <= 0) {
            throw new IllegalArgumentException("fuel must be positive: " + fuel);
        }
    }

    /** The limits without {@code fuel}: no fuel budget. */
    public Limits(Duration deadline, int maxMemoryPages, long maxCommittedBytes, long stackBytes,
            long maxHookCalls, int maxHookArgumentBytes, int maxHookResultBytes, long maxTableElements) {
        this(deadline, maxMemoryPages, maxCommittedBytes, stackBytes, maxHookCalls, maxHookArgumentBytes,
                maxHookResultBytes, maxTableElements, UNLIMITED_FUEL);
    }

    /** Whether a fuel budget is set. */
    public boolean hasFuelBudget() {
        return fuel != UNLIMITED_FUEL;
    }

    public static Limits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .withDeadline(deadline)
                .withMaxMemoryPages(maxMemoryPages)
                .withMaxCommittedBytes(maxCommittedBytes)
                .withStackBytes(stackBytes)
                .withMaxHookCalls(maxHookCalls)
                .withMaxHookArgumentBytes(maxHookArgumentBytes)
                .withMaxHookResultBytes(maxHookResultBytes)
                .withMaxTableElements(maxTableElements)
                .withFuel(fuel);
    }

    /** Builds {@link Limits}, starting from the defaults. */
    public static final class Builder {
        private Duration deadline = DEFAULT_DEADLINE;
        private int maxMemoryPages = DEFAULT_MAX_MEMORY_PAGES;
        private long maxCommittedBytes = DEFAULT_MAX_COMMITTED_BYTES;
        private long stackBytes = DEFAULT_STACK_BYTES;
        private long maxHookCalls = DEFAULT_MAX_HOOK_CALLS;
        private int maxHookArgumentBytes = DEFAULT_MAX_HOOK_ARGUMENT_BYTES;
        private int maxHookResultBytes = DEFAULT_MAX_HOOK_RESULT_BYTES;
        private long maxTableElements = DEFAULT_MAX_TABLE_ELEMENTS;
        private long fuel = UNLIMITED_FUEL;

        private Builder() {}

        public Builder withDeadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        public Builder withMaxMemoryPages(int maxMemoryPages) {
            this.maxMemoryPages = maxMemoryPages;
            return this;
        }

        /** Sets both the page limit and the committed-bytes limit to cover {@code bytes}. */
        public Builder withMaxMemoryBytes(long bytes) {
            this.maxMemoryPages = (int) Math.min(65536, Math.max(1, bytes >>> 16));
            this.maxCommittedBytes = bytes;
            return this;
        }

        public Builder withMaxCommittedBytes(long maxCommittedBytes) {
            this.maxCommittedBytes = maxCommittedBytes;
            return this;
        }

        public Builder withStackBytes(long stackBytes) {
            this.stackBytes = stackBytes;
            return this;
        }

        public Builder withMaxHookCalls(long maxHookCalls) {
            this.maxHookCalls = maxHookCalls;
            return this;
        }

        public Builder withMaxHookArgumentBytes(int bytes) {
            this.maxHookArgumentBytes = bytes;
            return this;
        }

        public Builder withMaxHookResultBytes(int bytes) {
            this.maxHookResultBytes = bytes;
            return this;
        }

        public Builder withMaxTableElements(long elements) {
            this.maxTableElements = elements;
            return this;
        }

        /** The process's fuel budget; {@link #UNLIMITED_FUEL} (the default) for none. */
        public Builder withFuel(long fuel) {
            this.fuel = fuel;
            return this;
        }

        public Limits build() {
            return new Limits(deadline, maxMemoryPages, maxCommittedBytes, stackBytes,
                    maxHookCalls, maxHookArgumentBytes, maxHookResultBytes, maxTableElements, fuel);
        }
    }
}
