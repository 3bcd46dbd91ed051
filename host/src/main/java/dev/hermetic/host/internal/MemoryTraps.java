package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.UninstantiableException;
import dev.hermetic.vmo.PageFaultException;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;

/**
 * What a {@link VmoMemory} access that cannot complete throws: Chicory's own bounds rule and
 * trap messages, byte for byte (the spec tests assert them), so traps read the same with
 * either memory; and the host's own for a write to a read-only span and a full budget.
 */
final class MemoryTraps {
    private static final int WASM_PAGE = Memory.PAGE_SIZE;

    private MemoryTraps() {}

    /**
     * Throws Chicory's out-of-bounds trap unless [addr, addr + size) lies within {@code limit}
     * bytes; while instantiating, as the instance cannot be made.
     */
    static void checkBounds(int addr, int size, long limit, boolean instantiating) {
        if (addr < 0 || size < 0 || addr > limit || (size > 0 && (long) addr + size > limit)) {
            String message = outOfBoundsMessage(addr, size, limit);
            throw instantiating ? new UninstantiableException(message) : new WasmRuntimeException(message);
        }
    }

    /** The trap for a store or bulk access of {@code size} bytes at {@code addr} that faulted, in a memory of {@code limit} bytes. */
    static RuntimeException fault(ZxException e, int addr, int size, long limit) {
        if (e instanceof PageFaultException pf && pf.kind() == PageFaultException.Kind.NOT_WRITABLE) {
            return new ReadOnlyWriteTrap("write to read-only memory at address " + pf.address());
        }
        if (e instanceof PageFaultException) {
            return outOfBounds(addr, size, limit);
        }
        if (e.status() == Status.NO_MEMORY) {
            return new MemoryLimitExceeded("committed-bytes limit reached at address " + addr);
        }
        return e;
    }

    /**
     * The trap for a load that faulted. Chicory's memory reads a value that straddles a 64 KiB
     * page byte by byte and reports the first byte out of bounds; report the same.
     */
    static RuntimeException readFault(ZxException e, int addr, int size, long limit) {
        if (e instanceof PageFaultException && (addr & (WASM_PAGE - 1)) + size > WASM_PAGE) {
            for (int i = 0; i < size; i++) {
                int b = addr + i;
                if (b < 0 || b >= limit) {
                    return outOfBounds(b, 1, limit);
                }
            }
        }
        return fault(e, addr, size, limit);
    }

    private static WasmRuntimeException outOfBounds(int addr, int size, long limit) {
        return new WasmRuntimeException(outOfBoundsMessage(addr, size, limit));
    }

    private static String outOfBoundsMessage(int addr, int size, long limit) {
        return "out of bounds memory access: attempted to access address: " + addr + " but limit is: " + limit
                + " and size: " + size;
    }
}
