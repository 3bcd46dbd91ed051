package dev.hermetic.hooks;

import dev.hermetic.hooks.internal.CapDataJson;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Marshalled data: a smallcaps {@code body} and the {@code slots} its remotables and promises
 * refer to by index. Which reference space the slots are in (engine-side or host-side) is up
 * to the holder; {@link CList} translates between the two.
 *
 * @param body never null; a smallcaps body starts with {@code #}
 * @param slots never null, no null element; immutable
 */
public record CapData(String body, List<String> slots) {
    public CapData {
        if (body == null || slots == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "capdata body and slots must be present");
        }
        slots = List.copyOf(slots);
    }

    /** Marshals a value: see {@link Smallcaps#encode(Object)}. */
    public static CapData of(Object value) {
        return Smallcaps.encode(value);
    }

    /** Unmarshals the body: see {@link Smallcaps#decode(CapData)}. */
    public Object value() {
        return Smallcaps.decode(this);
    }

    /** The wire form {@code {"body":"#...","slots":["d-1"]}} as UTF-8 JSON. */
    public byte[] toJsonBytes() {
        return CapDataJson.write(this).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the wire form. The body is not checked here; {@link #value()} checks it.
     *
     * @throws HookException INVALID_ARGS when the bytes are not that JSON shape
     */
    public static CapData fromJsonBytes(byte[] json) {
        return CapDataJson.read(json);
    }
}
