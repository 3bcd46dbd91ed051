package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.host.abi.Abi;
import java.util.Optional;

/**
 * Reads an engine's log (ABI.md, "The log") out of its linear memory once the process has
 * ended, without running engine code then: the header's address is asked for before the
 * engine runs, the bytes are read after, whether it returned, exited, trapped or was killed.
 * The engine owns the header and may have written anything there; a header that breaks the
 * ABI's invariants gives no log, never an error.
 */
final class LogReader {
    /** Most bytes read from one log, so a hostile header cannot make the host allocate more. */
    public static final int MAX_CAPACITY = 16 << 20;
    /** Size of the header: ring address (u32), capacity (u32), bytes written (u64), little-endian. */
    static final int HEADER_BYTES = 16;

    /** What a log held: {@code bytes} oldest first, {@code dropped} written before them and lost. */
    public record Contents(byte[] bytes, long dropped) {}

    /** Address of the header, as the engine's export returned it; any 32-bit value. */
    private final int header;

    LogReader(int header) {
        this.header = header;
    }

    /**
     * Asks the engine where its log is, if it exports {@code () -> i32 hermetic_log}. Runs
     * engine code, so call it on the process's thread, under its deadline, before anything else.
     */
    public static Optional<LogReader> locate(WasmModule module, Instance instance) {
        Optional<FunctionType> type = EngineChecker.exportedFunction(module, Abi.LOG);
        if (type.isEmpty() || !type.get().equals(FunctionType.returning(ValType.I32))) {
            return Optional.empty();
        }
        return Optional.of(new LogReader((int) instance.export(Abi.LOG).apply()[0]));
    }

    /** The log as {@code memory} holds it now; empty when the header breaks its invariants. */
    public Contents read(Memory memory) {
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        long at = Integer.toUnsignedLong(header);
        if (at + HEADER_BYTES > size) {
            return new Contents(new byte[0], 0);
        }
        long ring = Integer.toUnsignedLong(memory.readInt((int) at));
        long capacity = Integer.toUnsignedLong(memory.readInt((int) at + 4));
        long written = memory.readLong((int) at + 8);
        if (capacity == 0 || capacity > MAX_CAPACITY || ring + capacity > size || written < 0) {
            return new Contents(new byte[0], 0);
        }
        if (written <= capacity) {
            return new Contents(memory.readBytes((int) ring, (int) written), 0);
        }
        // The ring is full: the oldest byte is the one the next write will replace.
        int next = (int) (written % capacity);
        byte[] bytes = new byte[(int) capacity];
        byte[] older = memory.readBytes((int) ring + next, (int) capacity - next);
        byte[] newer = memory.readBytes((int) ring, next);
        System.arraycopy(older, 0, bytes, 0, older.length);
        System.arraycopy(newer, 0, bytes, older.length, newer.length);
        return new Contents(bytes, written - capacity);
    }
}
