package dev.hermetic.vmo;

import dev.hermetic.vmo.internal.BudgetAccount;

/**
 * A job-like quota on committed bytes. A VMO charges its budget for every page it commits
 * (a first write to a zero page or a copy-on-write copy) and the page's charge is released
 * when no VMO references the page any more. Over the limit, the operation fails with
 * {@link Status#NO_MEMORY} and changes nothing. A {@link #child} draws every byte from its
 * parent as well, as a Zircon job's child does from its job: a host-wide budget bounds the sum
 * of its processes' budgets.
 */
public final class MemoryBudget {
    /** The counter shared with the page store; the only state of a budget. */
    private final BudgetAccount account;

    private MemoryBudget(long limitBytes, BudgetAccount parent) {
        this.account = new BudgetAccount(limitBytes, parent);
    }

    /** A budget of {@code limitBytes} committed bytes (>= 0). */
    public static MemoryBudget of(long limitBytes) {
        if (limitBytes < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative budget " + limitBytes);
        }
        return new MemoryBudget(limitBytes, null);
    }

    /** A budget without a limit (the JVM heap is still guarded: exhaustion is NO_MEMORY). */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE, null);
    }

    /**
     * A budget of at most {@code limitBytes} (>= 0) whose every charge is also taken from this
     * one: a charge fails with NO_MEMORY when either is full, and a release returns the bytes
     * to both. This budget's committed bytes include the child's.
     */
    public MemoryBudget child(long limitBytes) {
        if (limitBytes < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative budget " + limitBytes);
        }
        return new MemoryBudget(limitBytes, account);
    }

    /**
     * Charges {@code bytes} (>= 0) of heap the holder uses outside any VMO (a Wasm table's
     * elements, say), so one budget bounds everything a process holds.
     *
     * @throws ZxException NO_MEMORY if this budget or an ancestor has no room; nothing is charged
     */
    public void charge(long bytes) {
        if (bytes < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative charge " + bytes);
        }
        account.charge(bytes);
    }

    /** Gives back {@code bytes} an earlier {@link #charge} took; the caller releases no more than it charged. */
    public void release(long bytes) {
        if (bytes < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative release " + bytes);
        }
        account.release(bytes);
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
