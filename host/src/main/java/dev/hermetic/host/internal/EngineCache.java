package dev.hermetic.host.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The host's loaded engines by the SHA-256 of their bytes, least recently used first, bounded
 * in entries and in bytes. Evicting only drops the cache's reference: whoever holds an engine
 * keeps using it, and a later load of the same bytes compiles it again. Thread-safe.
 *
 * @param <E> the engine type
 */
public final class EngineCache<E> {
    /** At most this many entries; positive. */
    private final int maxEntries;
    /** At most this many bytes of entries, by {@link #weigher}; positive. One entry heavier than that is still kept, alone. */
    private final long maxBytes;
    /** An entry's weight in bytes; fixed for the entry's life. */
    private final ToLongFunction<E> weigher;
    /** Entries in access order, eldest first. Guarded by {@code this}. */
    private final LinkedHashMap<String, E> entries = new LinkedHashMap<>(16, 0.75f, true);
    /** Sum of the weights of {@link #entries}. Guarded by {@code this}. */
    private long bytes;

    public EngineCache(int maxEntries, long maxBytes, ToLongFunction<E> weigher) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("engine cache bounds must be positive: " + maxEntries + " entries, " + maxBytes + " bytes");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.weigher = weigher;
    }

    /** The entry for {@code key}, now the most recently used; null if absent. */
    public synchronized E get(String key) {
        return entries.get(key);
    }

    /**
     * Adds {@code value} unless an entry for {@code key} exists, then evicts the least recently
     * used entries (never this one) until both bounds hold.
     *
     * @return the entry now cached for {@code key}: {@code value} or the one already there
     */
    public synchronized E putIfAbsent(String key, E value) {
        E present = entries.get(key);
        if (present != null) {
            return present;
        }
        entries.put(key, value);
        bytes += weigher.applyAsLong(value);
        Iterator<Map.Entry<String, E>> eldest = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && entries.size() > 1) {
            Map.Entry<String, E> e = eldest.next();
            if (e.getValue() == value) {
                break;
            }
            bytes -= weigher.applyAsLong(e.getValue());
            eldest.remove();
        }
        return value;
    }

    /** Drops the entry for {@code key} if it is {@code value}. */
    public synchronized void remove(String key, E value) {
        if (entries.remove(key, value)) {
            bytes -= weigher.applyAsLong(value);
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }
}
