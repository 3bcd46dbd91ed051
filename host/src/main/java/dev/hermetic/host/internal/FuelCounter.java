package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.GlobalFactory;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The global that holds a metered instance's fuel. Its value is read and written with opaque
 * access: a plain load on the usual hardware, but one the JIT may not hoist out of a loop, so
 * an engine spinning in compiled code sees the host's kill ({@link #stop}) at its next fuel
 * check, within one loop iteration, instead of keeping the counter in a register. Written by
 * the engine's thread; {@link #stop} and reads come from any thread.
 */
public final class FuelCounter extends GlobalInstance {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(FuelCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    public FuelCounter(long value) {
        super(value, 0, ValType.I64, MutabilityType.Var);
        VALUE.setOpaque(this, value);
    }

    @Override
    public long getValue() {
        return (long) VALUE.getOpaque(this);
    }

    @Override
    public long getValueLow() {
        return (long) VALUE.getOpaque(this);
    }

    @Override
    public long getValueHigh() {
        return 0;
    }

    @Override
    public void setValue(long value) {
        VALUE.setOpaque(this, value);
    }

    @Override
    public void setValueLow(long value) {
        VALUE.setOpaque(this, value);
    }

    @Override
    public void setValue(Value value) {
        VALUE.setOpaque(this, value.raw());
    }

    /**
     * A global factory that makes global {@code index} a counter and the others as
     * {@code others} does (Chicory asks for each global in index order); one per instance.
     */
    public static GlobalFactory factory(int index, GlobalFactory others) {
        int[] next = {0};
        return (low, high, type, mutability) -> {
            int i = next[0]++;
            GlobalInstance other = others.create(low, high, type, mutability);
            return i == index ? new FuelCounter(other.getValueLow()) : other;
        };
    }

    /** Chicory's own globals, as it makes them without a factory. */
    public static final GlobalFactory PLAIN = GlobalInstance::new;
}
