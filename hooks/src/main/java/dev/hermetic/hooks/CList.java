package dev.hermetic.hooks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One process's capability list: engine-side references ({@code d-1}, {@code d-2}, ...,
 * allocated here when the host hands an object to the engine) and host-side references
 * (krefs such as {@code ko12}, opaque strings the host owns), one to one. An engine can name
 * only what it was given. Unlike a SwingSet device c-list, every entry is released by
 * {@link #close()} when the process ends. Not thread-safe: one process, one thread.
 */
public final class CList implements AutoCloseable {
    /** Engine-side prefix of every allocated reference. */
    private static final String ENGINE_PREFIX = "d-";

    /** Engine reference to kref; the inverse of {@link #toEngine}. */
    private final Map<String, String> toHost = new HashMap<>();
    /** Kref to engine reference, in the order the engine was given them; the inverse of {@link #toHost}. */
    private final Map<String, String> toEngine = new LinkedHashMap<>();
    /** The number of the next engine reference; starts at 1 and never repeats. */
    private long nextEngineNumber = 1;
    /** Once true, the maps are empty and every translation fails. */
    private boolean closed;

    /** The engine reference for a kref, allocating {@code d-N} the first time the engine is given it. */
    public String exportToEngine(String kref) {
        checkOpen();
        if (kref == null || kref.isEmpty()) {
            throw new HookException(HookStatus.INVALID_ARGS, "kref must be a non-empty string");
        }
        String existing = toEngine.get(kref);
        if (existing != null) {
            return existing;
        }
        String engineRef = ENGINE_PREFIX + nextEngineNumber++;
        toEngine.put(kref, engineRef);
        toHost.put(engineRef, kref);
        return engineRef;
    }

    /**
     * The kref an engine reference stands for.
     *
     * @throws HookException BAD_HANDLE when the engine was never given that reference
     */
    public String importFromEngine(String engineRef) {
        checkOpen();
        String kref = toHost.get(engineRef);
        if (kref == null) {
            throw new HookException(HookStatus.BAD_HANDLE, "unknown engine reference " + engineRef);
        }
        return kref;
    }

    /**
     * The krefs the engine holds, in the order it was given them. Exporting them in this order
     * to a fresh c-list gives each the same engine reference: how a clone of a process keeps
     * the references its memory holds.
     */
    public List<String> krefs() {
        checkOpen();
        return List.copyOf(toEngine.keySet());
    }

    /** Rewrites engine-side slots into krefs; the body is untouched. */
    public CapData toHostSpace(CapData engineData) {
        List<String> slots = new ArrayList<>(engineData.slots().size());
        for (String slot : engineData.slots()) {
            slots.add(importFromEngine(slot));
        }
        return new CapData(engineData.body(), slots);
    }

    /** Rewrites kref slots into engine references, allocating new ones; the body is untouched. */
    public CapData toEngineSpace(CapData hostData) {
        List<String> slots = new ArrayList<>(hostData.slots().size());
        for (String slot : hostData.slots()) {
            slots.add(exportToEngine(slot));
        }
        return new CapData(hostData.body(), slots);
    }

    /** The number of live entries. */
    public int size() {
        return toHost.size();
    }

    /** Releases every entry; later translations fail with BAD_HANDLE. */
    @Override
    public void close() {
        closed = true;
        toHost.clear();
        toEngine.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new HookException(HookStatus.BAD_HANDLE, "c-list is closed");
        }
    }
}
