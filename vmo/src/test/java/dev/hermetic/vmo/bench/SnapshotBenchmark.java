package dev.hermetic.vmo.bench;

import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.VmoInfo;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A SNAPSHOT child of a fully committed 64 MiB VMO: its cost, and what it commits (nothing). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnapshotBenchmark {
    private static final long SIZE = 64L << 20;

    /** The parent: every page committed. */
    private Vmo parent;
    /** Budget of the parent's pages. */
    private MemoryBudget budget;

    @Setup
    public void setUp() {
        budget = MemoryBudget.unlimited();
        parent = Vmo.builder(SIZE).withBudget(budget).build();
        parent.opRange(Vmo.OP_COMMIT, 0, SIZE);
    }

    @Benchmark
    public long snapshotAndClose() {
        try (Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, SIZE)) {
            return child.koid();
        }
    }

    @TearDown
    public void report() {
        long before = budget.committedBytes();
        MemoryBudget childBudget = MemoryBudget.unlimited();
        try (Vmo child = parent.createChild(Vmo.SNAPSHOT, 0, SIZE, childBudget)) {
            VmoInfo info = child.info();
            System.out.printf("%nsnapshot of 64 MiB: parent budget %d -> %d bytes, child budget %d bytes,"
                    + " child committed %d private %d shared %d scaled %d%n", before, budget.committedBytes(),
                    childBudget.committedBytes(), info.committedBytes(), info.privateBytes(), info.sharedBytes(),
                    info.scaledBytes());
        }
        parent.close();
    }
}
