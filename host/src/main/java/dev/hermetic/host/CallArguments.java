package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import dev.hermetic.host.abi.Abi;
import dev.hermetic.host.internal.MemoryLimitExceeded;
import dev.hermetic.host.internal.SpansDoNotFit;
import dev.hermetic.vmo.Rights;
import dev.hermetic.vmo.ZxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a call into an engine's exported function: checked against its signature
 * before anything runs (a span fills two i32 parameters, its VMO must be mappable), then laid
 * out for the call, the spans mapped one after another (input first) into the engine's span
 * window, or after the memory's end when it has none, the values and each span's
 * {@code (ptr, len)} flattened into Chicory's raw values.
 */
final class CallArguments {
    private CallArguments() {}

    /**
     * Checks {@code args} against {@code want}, the function's parameters.
     *
     * @throws ArgumentMismatchException if the arguments do not fit the signature
     * @throws SpanRefusedException if a span's VMO handle is closed or lacks a right its mapping needs
     */
    static void check(String function, List<ValueType> want, Arg... args) {
        List<ValueType> given = new ArrayList<>();
        for (Arg a : args) {
            if (a instanceof Value v) {
                given.add(v.type());
            } else {
                given.add(ValueType.I32);
                given.add(ValueType.I32);
            }
        }
        if (!want.equals(given)) {
            throw new ArgumentMismatchException(function + " takes " + want
                    + " but the arguments are " + given + " (a span is two I32: ptr, len)");
        }
        for (Arg a : args) {
            if (a instanceof Span s) {
                checkMappable(s);
            }
        }
    }

    /** A span the host cannot map is the caller's mistake: refuse it here, not as a trap once the engine runs. */
    private static void checkMappable(Span span) {
        int needed = Rights.MAP | Rights.READ | (span.writable() ? Rights.WRITE : 0);
        int rights;
        try {
            rights = span.vmo().rights();
        } catch (ZxException e) {
            throw new SpanRefusedException("the span's VMO handle is closed: " + span, e);
        }
        if (!Rights.has(rights, needed)) {
            throw new SpanRefusedException("the span's VMO handle lacks rights 0x" + Integer.toHexString(needed & ~rights)
                    + " (a " + (span.writable() ? "writable" : "read-only") + " span needs MAP, READ"
                    + (span.writable() ? ", WRITE" : "") + "): " + span, null);
        }
    }

    /**
     * Maps the spans of checked {@code args} into {@code memory} and flattens the arguments into
     * {@code rawCount} raw values. Asking the engine for its span window costs it no fuel.
     *
     * @throws SpansDoNotFit if the window is unaligned, outside memory, or too small for the spans
     * @throws MemoryLimitExceeded if the memory cannot grow to hold the spans
     */
    static long[] place(Engine engine, Instance instance, ProcessMemory memory, int rawCount, Arg[] args) {
        long spanBytes = 0;
        for (Arg a : args) {
            if (a instanceof Span s) {
                spanBytes += s.mappedBytes();
            }
        }
        long base = 0;
        long windowEnd = 0;
        if (spanBytes > 0 && engine.hasSpanWindow()) {
            long fuelBefore = engine.fuelLeft(instance);
            base = Integer.toUnsignedLong((int) instance.export(Abi.SPAN_WINDOW).apply()[0]);
            windowEnd = base + Integer.toUnsignedLong((int) instance.export(Abi.SPAN_WINDOW_SIZE).apply()[0]);
            engine.setFuel(instance, fuelBefore);
            long memoryEnd = (long) instance.memory().pages() * Memory.PAGE_SIZE;
            if (base % Span.PAGE_SIZE != 0 || windowEnd > memoryEnd) {
                throw new SpansDoNotFit("span window [" + base + ", " + windowEnd + ") is unaligned or outside memory");
            }
        } else if (spanBytes > 0) {
            int pages = (int) ((spanBytes + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE);
            int old = instance.memory().grow(pages);
            if (old < 0) {
                throw new MemoryLimitExceeded("no room for " + spanBytes + " bytes of spans after the memory's end");
            }
            base = (long) old * Memory.PAGE_SIZE;
            windowEnd = base + (long) pages * Memory.PAGE_SIZE;
        }
        long[] raw = new long[rawCount];
        int i = 0;
        long cursor = base;
        for (Arg a : args) {
            if (a instanceof Value v) {
                raw[i++] = v.bits();
            } else {
                Span s = (Span) a;
                if (cursor + s.mappedBytes() > windowEnd) {
                    throw new SpansDoNotFit(spanBytes + " bytes of spans do not fit in the "
                            + (windowEnd - base) + "-byte span window");
                }
                if (s.mappedBytes() > 0) {
                    // An empty span maps nothing: the engine gets (ptr, 0) and reads no byte.
                    memory.mapSpan((int) cursor, s);
                }
                raw[i++] = cursor + s.pageOffset();
                raw[i++] = s.length();
                cursor += s.mappedBytes();
            }
        }
        return raw;
    }
}
