package dev.hermetic.host;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.WasmException;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.hermetic.host.internal.MemoryLimitExceeded;
import dev.hermetic.host.internal.ProcessExitSignal;
import dev.hermetic.host.internal.ReadOnlyWriteTrap;
import dev.hermetic.host.internal.SpansDoNotFit;
import java.util.Locale;

/**
 * Turns whatever ended an engine's thread abnormally into a {@link ProcessResult}, by the
 * exception's type: Chicory's own exceptions and the host's trap types are the engine's doing
 * and become {@code Trapped} (or {@code Exited}, {@code Killed}); anything else is a host bug
 * and becomes {@code Failed}, never {@code Trapped(OTHER)}.
 */
final class Outcomes {
    private Outcomes() {}

    /**
     * @param failure what the engine thread caught
     * @param killReason why the host asked the process to stop, or null if it did not
     */
    public static ProcessResult classify(Throwable failure, KillReason killReason) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProcessExitSignal exit) {
                return new ProcessResult.Exited(exit.code());
            }
            if (t instanceof MemoryLimitExceeded || t instanceof OutOfMemoryError) {
                return new ProcessResult.Killed(KillReason.MEMORY_LIMIT);
            }
        }
        if (killReason != null) {
            return new ProcessResult.Killed(killReason);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StackOverflowError) {
                return new ProcessResult.Trapped(TrapKind.STACK_EXHAUSTED, "call stack exhausted");
            } else if (t instanceof ReadOnlyWriteTrap) {
                return new ProcessResult.Trapped(TrapKind.READ_ONLY_WRITE, t.getMessage());
            } else if (t instanceof SpansDoNotFit) {
                return new ProcessResult.Trapped(TrapKind.SPANS_DO_NOT_FIT, t.getMessage());
            } else if (t instanceof WasmException thrown) {
                return new ProcessResult.Trapped(TrapKind.UNCAUGHT_EXCEPTION,
                        "uncaught exception with tag " + thrown.tagIdx());
            } else if (t instanceof ChicoryInterruptedException) {
                // Interrupted with no kill recorded: something other than the host's deadline or kill.
                return new ProcessResult.Killed(KillReason.BY_HOST);
            } else if (t instanceof ChicoryException) {
                // Chicory raises one type for every trap (and for a module it cannot instantiate):
                // only its message tells them apart.
                String message = String.valueOf(t.getMessage());
                return new ProcessResult.Trapped(kindOf(message), message);
            }
        }
        return new ProcessResult.Failed(new HostError("the host failed while running the engine: " + failure, failure));
    }

    private static TrapKind kindOf(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("unreachable")) {
            return TrapKind.UNREACHABLE;
        } else if (m.contains("out of bounds memory access")) {
            return TrapKind.OUT_OF_BOUNDS;
        } else if (m.contains("call stack exhausted")) {
            return TrapKind.STACK_EXHAUSTED;
        } else if (m.contains("integer divide by zero")) {
            return TrapKind.INTEGER_DIVIDE_BY_ZERO;
        } else if (m.contains("integer overflow")) {
            return TrapKind.INTEGER_OVERFLOW;
        } else if (m.contains("invalid conversion")) {
            return TrapKind.INVALID_CONVERSION;
        } else if (m.contains("indirect call type mismatch")) {
            return TrapKind.INDIRECT_CALL_MISMATCH;
        } else if (m.contains("undefined element") || m.contains("uninitialized element")) {
            return TrapKind.UNDEFINED_ELEMENT;
        } else if (m.contains("out of bounds table access")) {
            return TrapKind.TABLE_OUT_OF_BOUNDS;
        }
        return TrapKind.OTHER;
    }
}
