package dev.hermetic.vmo.internal;

import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;
import java.util.concurrent.atomic.AtomicLong;

/** The counter behind a {@code MemoryBudget}; charged by page stores under {@link Kernel#LOCK}. */
public final class BudgetAccount {
    /** Maximum committed bytes; >= 0; {@code Long.MAX_VALUE} means unlimited. */
    private final long limit;
    /** Bytes of live pages committed against this account; 0 <= committed <= limit. */
    private final AtomicLong committed = new AtomicLong();

    public BudgetAccount(long limit) {
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    public long committed() {
        return committed.get();
    }

    /** Takes {@code bytes} or throws NO_MEMORY having taken nothing. */
    public void charge(long bytes) {
        while (true) {
            long now = committed.get();
            if (bytes > limit - now) {
                throw new ZxException(Status.NO_MEMORY,
                        "committing " + bytes + " bytes exceeds the budget (" + now + " of " + limit + " used)");
            }
            if (committed.compareAndSet(now, now + bytes)) {
                return;
            }
        }
    }

    public void release(long bytes) {
        committed.addAndGet(-bytes);
    }
}
