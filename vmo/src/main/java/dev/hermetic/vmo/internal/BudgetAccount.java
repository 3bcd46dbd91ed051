package dev.hermetic.vmo.internal;

import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counter behind a {@code MemoryBudget}; charged by page stores under {@link Kernel#LOCK}
 * and by holders of the budget for heap they use outside VMOs. An account with a parent draws
 * every byte it takes from the parent too, as a Zircon job's child draws from its job.
 */
public final class BudgetAccount {
    /** Maximum committed bytes; >= 0; {@code Long.MAX_VALUE} means unlimited. */
    private final long limit;
    /** Bytes of live pages committed against this account; 0 <= committed <= limit. */
    private final AtomicLong committed = new AtomicLong();
    /**
     * The account every charge is also taken from, or null for a root. Invariant: the parent's
     * committed bytes include this account's.
     */
    private final BudgetAccount parent;

    public BudgetAccount(long limit) {
        this(limit, null);
    }

    public BudgetAccount(long limit, BudgetAccount parent) {
        this.limit = limit;
        this.parent = parent;
    }

    public long limit() {
        return limit;
    }

    public long committed() {
        return committed.get();
    }

    /** Takes {@code bytes} here and from every ancestor, or throws NO_MEMORY having taken nothing. */
    public void charge(long bytes) {
        while (true) {
            long now = committed.get();
            if (bytes > limit - now) {
                throw new ZxException(Status.NO_MEMORY,
                        "committing " + bytes + " bytes exceeds the budget (" + now + " of " + limit + " used)");
            }
            if (committed.compareAndSet(now, now + bytes)) {
                break;
            }
        }
        if (parent != null) {
            try {
                parent.charge(bytes);
            } catch (RuntimeException e) {
                committed.addAndGet(-bytes);
                throw e;
            }
        }
    }

    /** Gives back {@code bytes} taken by {@link #charge}, here and in every ancestor. */
    public void release(long bytes) {
        committed.addAndGet(-bytes);
        if (parent != null) {
            parent.release(bytes);
        }
    }
}
