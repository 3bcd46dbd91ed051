package dev.hermetic.vmo.bench;

import dev.hermetic.vmo.Vmar;
import dev.hermetic.vmo.VmarView;
import dev.hermetic.vmo.Vmo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * 4- and 8-byte reads and writes over 1 MiB of committed, exclusively owned, writable pages:
 * through a {@link VmarView} and through a plain {@code byte[]} with a little-endian VarHandle,
 * in the same run. Scores are operations per microsecond. "Seq" loops walk the memory in
 * order (the JIT vectorizes the plain-array loops); "Scattered" loops take their addresses from
 * a table of 4096 random 8-byte-aligned addresses, like the computed addresses of a Wasm engine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AccessBenchmark {
    private static final int BYTES = 1 << 20;
    private static final int ADDRS = 4096;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The view over a root VMAR with one 1 MiB read-write mapping at address 0. */
    private VmarView view;
    /** The baseline memory. */
    private byte[] array;
    /** Random 8-byte-aligned addresses inside the 1 MiB, fixed seed. */
    private int[] addrs;

    @Setup
    public void setUp() {
        Vmar root = Vmar.createRoot(BYTES);
        Vmo vmo = Vmo.create(BYTES);
        root.map(Vmar.PERM_READ | Vmar.PERM_WRITE, 0, vmo, 0, BYTES);
        view = root.view();
        view.fill(0, BYTES, (byte) 1);
        array = new byte[BYTES];
        java.util.Arrays.fill(array, (byte) 1);
        java.util.Random rnd = new java.util.Random(42);
        addrs = new int[ADDRS];
        for (int i = 0; i < ADDRS; i++) {
            addrs[i] = rnd.nextInt(BYTES / 8) * 8;
        }
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public int viewReadIntScattered() {
        int sum = 0;
        for (int a : addrs) {
            sum += view.readInt(a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public int arrayReadIntScattered() {
        int sum = 0;
        for (int a : addrs) {
            sum += (int) INT.get(array, a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public long viewReadLongScattered() {
        long sum = 0;
        for (int a : addrs) {
            sum += view.readLong(a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public long arrayReadLongScattered() {
        long sum = 0;
        for (int a : addrs) {
            sum += (long) LONG.get(array, a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public void viewWriteIntScattered() {
        for (int a : addrs) {
            view.writeInt(a, a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public void arrayWriteIntScattered() {
        for (int a : addrs) {
            INT.set(array, a, a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public void viewWriteLongScattered() {
        for (int a : addrs) {
            view.writeLong(a, a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ADDRS)
    public void arrayWriteLongScattered() {
        for (int a : addrs) {
            LONG.set(array, a, (long) a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 4)
    public int viewReadIntSeq() {
        int sum = 0;
        for (int a = 0; a < BYTES; a += 4) {
            sum += view.readInt(a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 4)
    public int arrayReadIntSeq() {
        int sum = 0;
        for (int a = 0; a < BYTES; a += 4) {
            sum += (int) INT.get(array, a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 8)
    public long viewReadLongSeq() {
        long sum = 0;
        for (int a = 0; a < BYTES; a += 8) {
            sum += view.readLong(a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 8)
    public long arrayReadLongSeq() {
        long sum = 0;
        for (int a = 0; a < BYTES; a += 8) {
            sum += (long) LONG.get(array, a);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 4)
    public void viewWriteIntSeq() {
        for (int a = 0; a < BYTES; a += 4) {
            view.writeInt(a, a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 4)
    public void arrayWriteIntSeq() {
        for (int a = 0; a < BYTES; a += 4) {
            INT.set(array, a, a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 8)
    public void viewWriteLongSeq() {
        for (int a = 0; a < BYTES; a += 8) {
            view.writeLong(a, a);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BYTES / 8)
    public void arrayWriteLongSeq() {
        for (int a = 0; a < BYTES; a += 8) {
            LONG.set(array, a, (long) a);
        }
    }
}
