package dev.hermetic.hooks;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One process's door to the host's hooks: the byte-level side of the vDSO imports
 * {@code hook_call} and {@code hook_result} (see the module README for the protocol). The
 * host's import functions check memory bounds, copy the name and argument bytes out, call
 * {@link #call} or {@link #takeResult}, and return the {@code long} unchanged. Not thread-safe:
 * a process runs on one thread.
 */
public final class HookGate implements AutoCloseable {
    /** Longest hook name in UTF-8 bytes; longer names are OUT_OF_RANGE. */
    public static final int MAX_NAME_BYTES = 256;
    public static final int DEFAULT_MAX_ARGUMENT_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;
    public static final long DEFAULT_MAX_CALLS = 100_000;

    /** The host's hooks; only names in {@link #granted} are reachable. */
    private final HookTable table;
    /** The calling process, passed to every hook. */
    private final HookCaller caller;
    /** Hook names this process may call; each is in {@link #table}. */
    private final Set<String> granted;
    /** Argument capdata longer than this is NO_RESOURCES; positive. */
    private final int maxArgumentBytes;
    /** Result capdata longer than this is NO_RESOURCES (after the hook ran); positive. */
    private final int maxResultBytes;
    /** Calls after this many attempts are NO_RESOURCES; every attempt counts. */
    private final long maxCalls;
    /** Told why a hook threw. */
    private final HookFailureListener failureListener;
    /** Told the outcome of every attempt. */
    private final HookCallObserver observer;
    /** This process's references; closed with the gate. */
    private final CList clist = new CList();
    /** The last call's result in engine space, not yet delivered; null when none. */
    private byte[] pending;
    /** Attempts within the limit so far, failed ones included; at most {@link #maxCalls}. */
    private long calls;
    /** Once true, every call is BAD_HANDLE. */
    private boolean closed;

    private HookGate(Builder b) {
        this.table = b.table;
        this.caller = b.caller;
        this.granted = Set.copyOf(b.granted);
        this.maxArgumentBytes = b.maxArgumentBytes;
        this.maxResultBytes = b.maxResultBytes;
        this.maxCalls = b.maxCalls;
        this.failureListener = b.failureListener;
        this.observer = b.observer;
    }

    public static Builder builder(HookTable table, HookCaller caller) {
        return new Builder(table, caller);
    }

    /**
     * {@code hook_call}: runs the named hook once with the engine-space capdata JSON.
     *
     * @param name the hook name, UTF-8
     * @param capdataJson {@code {"body":"#...","slots":[...]}} in engine references, UTF-8
     * @param resultCapacity the engine's buffer size
     * @param sink receives the result bytes only if they fit {@code resultCapacity}
     * @return the result length (>= 0; delivered if it fits, otherwise kept pending) or a
     *     negative {@link HookStatus} code
     */
    public long call(byte[] name, byte[] capdataJson, int resultCapacity, ResultSink sink) {
        pending = null;
        String hookName = null;
        long result;
        try {
            admit();
            checkSizes(name.length, capdataJson.length, resultCapacity);
            hookName = grantedName(name);
            result = dispatch(hookName, capdataJson, resultCapacity, sink);
        } catch (HookException e) {
            result = e.status().code();
        }
        observer.called(hookName, result);
        return result;
    }

    /**
     * {@code hook_call} straight from the engine's memory: every pointer and length is checked
     * (OUT_OF_RANGE) before anything is read, and the argument length against the limit before
     * it is copied, so a hostile length costs nothing.
     *
     * @return as {@link #call(byte[], byte[], int, ResultSink)}
     */
    public long call(EngineMemory memory, int namePtr, int nameLength, int capdataPtr, int capdataLength,
            int resultPtr, int resultCapacity) {
        pending = null;
        String hookName = null;
        long result;
        try {
            admit();
            if (!memory.contains(namePtr, nameLength) || !memory.contains(capdataPtr, capdataLength)
                    || !memory.contains(resultPtr, resultCapacity)) {
                throw new HookException(HookStatus.OUT_OF_RANGE, "a pointer or length is outside linear memory");
            }
            checkSizes(nameLength, capdataLength, resultCapacity);
            hookName = grantedName(memory.read(namePtr, nameLength));
            byte[] capdata = memory.read(capdataPtr, capdataLength);
            result = dispatch(hookName, capdata, resultCapacity, bytes -> memory.write(resultPtr, bytes));
        } catch (HookException e) {
            result = e.status().code();
        }
        observer.called(hookName, result);
        return result;
    }

    /** {@code hook_result} straight from the engine's memory; the buffer is checked first. */
    public long takeResult(EngineMemory memory, int resultPtr, int resultCapacity) {
        if (!memory.contains(resultPtr, resultCapacity)) {
            return HookStatus.OUT_OF_RANGE.code();
        }
        return takeResult(resultCapacity, bytes -> memory.write(resultPtr, bytes));
    }

    /** Counts the attempt, or refuses it when the gate is closed or the call limit is reached. */
    private void admit() {
        if (closed) {
            throw new HookException(HookStatus.BAD_HANDLE, "process has ended");
        }
        if (calls >= maxCalls) {
            throw new HookException(HookStatus.NO_RESOURCES, "call limit " + maxCalls + " reached");
        }
        calls++;
    }

    private void checkSizes(int nameLength, int capdataLength, int resultCapacity) {
        if (nameLength <= 0 || nameLength > MAX_NAME_BYTES || resultCapacity < 0) {
            throw new HookException(HookStatus.OUT_OF_RANGE, "bad name length or result capacity");
        }
        if (capdataLength < 0 || capdataLength > maxArgumentBytes) {
            throw new HookException(HookStatus.NO_RESOURCES, "argument exceeds " + maxArgumentBytes + " bytes");
        }
    }

    /** The name of a hook granted to this process, or NOT_FOUND. */
    private String grantedName(byte[] name) {
        String hookName = decodeName(name);
        if (!granted.contains(hookName)) {
            throw new HookException(HookStatus.NOT_FOUND, "no hook granted named " + hookName);
        }
        return hookName;
    }

    private long dispatch(String hookName, byte[] capdataJson, int resultCapacity, ResultSink sink) {
        Hook hook = table.hook(hookName).orElseThrow();
        CapData engineArgs = CapData.fromJsonBytes(capdataJson);
        Smallcaps.decode(engineArgs);
        CapData hostArgs = clist.toHostSpace(engineArgs);
        CapData hostResult = runHook(hook, hookName, hostArgs);
        byte[] result = clist.toEngineSpace(hostResult).toJsonBytes();
        if (result.length > maxResultBytes) {
            throw new HookException(HookStatus.NO_RESOURCES, "result exceeds " + maxResultBytes + " bytes");
        }
        pending = result;
        return deliver(resultCapacity, sink);
    }

    /**
     * {@code hook_result}: delivers the pending result of the last call without running the hook again.
     *
     * @return its length, BUFFER_TOO_SMALL if it still does not fit (it stays pending), or
     *     NOT_FOUND if there is none
     */
    public long takeResult(int resultCapacity, ResultSink sink) {
        if (resultCapacity < 0) {
            return HookStatus.OUT_OF_RANGE.code();
        }
        if (pending == null) {
            return HookStatus.NOT_FOUND.code();
        }
        if (pending.length > resultCapacity) {
            return HookStatus.BUFFER_TOO_SMALL.code();
        }
        return deliver(resultCapacity, sink);
    }

    /** This process's c-list: the host exports objects through it before the engine starts. */
    public CList clist() {
        return clist;
    }

    public HookCaller caller() {
        return caller;
    }

    /** Call attempts within the limit so far, failed ones included. */
    public long calls() {
        return calls;
    }

    /** Ends the process's use of hooks: releases its c-list entries and any pending result. */
    @Override
    public void close() {
        closed = true;
        pending = null;
        clist.close();
    }

    private long deliver(int resultCapacity, ResultSink sink) {
        int length = pending.length;
        if (length <= resultCapacity) {
            byte[] result = pending;
            pending = null;
            sink.write(result);
        }
        return length;
    }

    private CapData runHook(Hook hook, String hookName, CapData hostArgs) {
        try {
            CapData result = hook.call(caller, hostArgs);
            if (result == null) {
                throw new NullPointerException("hook returned null");
            }
            Smallcaps.decode(result);
            return result;
        } catch (Exception | StackOverflowError e) {
            if (e instanceof InterruptedException) {
                // The interrupt is how the host stops the process: it must outlive this catch.
                Thread.currentThread().interrupt();
            }
            failureListener.hookFailed(caller, hookName, e);
            throw new HookException(HookStatus.INTERNAL, "hook " + hookName + " failed", e);
        }
    }

    private static String decodeName(byte[] name) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            throw new HookException(HookStatus.INVALID_ARGS, "hook name is not UTF-8", e);
        }
    }

    public static final class Builder {
        /** Never null. */
        private final HookTable table;
        /** Never null. */
        private final HookCaller caller;
        /** Names granted so far; each is in {@link #table}. */
        private final Set<String> granted = new LinkedHashSet<>();
        /** Positive. */
        private int maxArgumentBytes = DEFAULT_MAX_ARGUMENT_BYTES;
        /** Positive. */
        private int maxResultBytes = DEFAULT_MAX_RESULT_BYTES;
        /** Positive. */
        private long maxCalls = DEFAULT_MAX_CALLS;
        /** Never null. */
        private HookFailureListener failureListener = HookFailureListener.logging();
        /** Never null. */
        private HookCallObserver observer = HookCallObserver.none();

        private Builder(HookTable table, HookCaller caller) {
            if (table == null || caller == null) {
                throw new HookException(HookStatus.INVALID_ARGS, "a gate needs a hook table and a caller");
            }
            this.table = table;
            this.caller = caller;
        }

        /** Grants the named hooks; each must be in the table. */
        public Builder withGrants(String... names) {
            for (String name : names) {
                if (table.hook(name).isEmpty()) {
                    throw new HookException(HookStatus.NOT_FOUND, "no hook named " + name);
                }
                granted.add(name);
            }
            return this;
        }

        public Builder withMaxArgumentBytes(int bytes) {
            this.maxArgumentBytes = positive(bytes, "max argument bytes");
            return this;
        }

        public Builder withMaxResultBytes(int bytes) {
            this.maxResultBytes = positive(bytes, "max result bytes");
            return this;
        }

        public Builder withMaxCalls(long maxCalls) {
            this.maxCalls = positive(maxCalls, "max calls");
            return this;
        }

        public Builder withFailureListener(HookFailureListener listener) {
            if (listener == null) {
                throw new HookException(HookStatus.INVALID_ARGS, "failure listener is null");
            }
            this.failureListener = listener;
            return this;
        }

        public Builder withCallObserver(HookCallObserver observer) {
            if (observer == null) {
                throw new HookException(HookStatus.INVALID_ARGS, "call observer is null");
            }
            this.observer = observer;
            return this;
        }

        public HookGate build() {
            return new HookGate(this);
        }

        private static int positive(int value, String what) {
            return (int) positive((long) value, what);
        }

        private static long positive(long value, String what) {
            if (value <= 0) {
                throw new HookException(HookStatus.INVALID_ARGS, what + " must be positive");
            }
            return value;
        }
    }
}
