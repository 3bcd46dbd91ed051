package dev.hermetic.vmo;

import dev.hermetic.vmo.internal.BudgetAccount;

/**
 * A job-like quota on committed bytes. A VMO charges its budget for every page it commits
 * (a first write to a zero page or a copy-on-write copy) and the page's charge is released
 * when no VMO references the page any more. Over the limit, the operation fails with
 * {@link Status#NO_MEMORY} and changes nothing.
 */
public final class MemoryBudget {
    /** The counter shared with the page store; the only state of a budget. */
    private final BudgetAccount account;

    private MemoryBudget(long limitBytes) {
        this.account = new BudgetAccount(limitBytes);
    }

    /** A budget of {@code limitBytes} committed bytes (>= 0). */
    public static MemoryBudget of(long limitBytes) {
        if (limitBytes < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative budget " + limitBytes);
        }
        return new MemoryBudget(limitBytes);
    }

    /** A budget without a limit (the JVM heap is still guarded: exhaustion is NO_MEMORY). */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    public long committedBytes() {
        return account.committed();
    }

    public long limitBytes() {
        return account.limit();
    }

    BudgetAccount account() {
        return account;
    }

    @Override
    public String toString() {
        return "MemoryBudget[" + committedBytes() + "/" + limitBytes() + "]";
    }
}
