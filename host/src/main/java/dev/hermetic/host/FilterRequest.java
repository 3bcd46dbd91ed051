package dev.hermetic.host;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One call of a filter engine (the ABI's filter convention,
 * {@code engine_start(in_ptr, in_len, out_ptr, out_cap) -> i64}): the input bytes, the room for
 * the output, and optionally limits and hook grants. Immutable; each {@code with} returns a copy.
 *
 * <pre>{@code
 * FilterResult r = engine.filter(FilterRequest.of(bytes).withOutputCapacity(1 << 20).withHooks("store.get"));
 * }</pre>
 *
 * @param input the input, copied when the request is made; the engine sees it read-only
 * @param outputCapacity the bytes the engine may write, {@code out_cap}; positive
 * @param limits the process's limits; empty for the host's defaults
 * @param hooks the hooks granted to the process; never null
 */
public record FilterRequest(byte[] input, int outputCapacity, Optional<Limits> limits, String[] hooks) {

    /** The output capacity unless set: four times the input, at least 64 KiB; fits a decoder that expands its input 4×. */
    public static int defaultOutputCapacity(int inputLength) {
        return (int) Math.min(MAX_CAPACITY, Math.max(64L << 10, 4L * inputLength));
    }

    /** The largest output capacity: a span is at most 2 GiB and the engine's memory 2 GiB. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE - Span.PAGE_SIZE + 1;

    public FilterRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(hooks, "hooks");
        if (outputCapacity < 1 || outputCapacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("output capacity must be in [1, " + MAX_CAPACITY + "]: " + outputCapacity);
        }
        for (String hook : hooks) {
            Objects.requireNonNull(hook, "hook");
        }
    }

    /** A request for {@code input} with the default capacity, the host's default limits and no hooks. */
    public static FilterRequest of(byte[] input) {
        return new FilterRequest(input.clone(), defaultOutputCapacity(input.length), Optional.empty(), new String[0]);
    }

    /** As {@link #of(byte[])}, with the buffer's remaining bytes; its position does not move. */
    public static FilterRequest of(ByteBuffer input) {
        byte[] bytes = new byte[input.remaining()];
        input.duplicate().get(bytes);
        return new FilterRequest(bytes, defaultOutputCapacity(bytes.length), Optional.empty(), new String[0]);
    }

    public FilterRequest withOutputCapacity(int bytes) {
        return new FilterRequest(input, bytes, limits, hooks);
    }

    public FilterRequest withLimits(Limits limits) {
        return new FilterRequest(input, outputCapacity, Optional.of(limits), hooks);
    }

    /** Grants the named hooks of the host's hook table. */
    public FilterRequest withHooks(String... hooks) {
        return new FilterRequest(input, outputCapacity, limits, hooks.clone());
    }

    /** The request's input bytes; a copy. */
    @Override
    public byte[] input() {
        return input.clone();
    }

    /** The granted hooks; a copy. */
    @Override
    public String[] hooks() {
        return hooks.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterRequest r && Arrays.equals(input, r.input) && outputCapacity == r.outputCapacity
                && limits.equals(r.limits) && Arrays.equals(hooks, r.hooks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(input), outputCapacity, limits, Arrays.hashCode(hooks));
    }

    @Override
    public String toString() {
        return "FilterRequest[" + input.length + " input bytes, outputCapacity=" + outputCapacity
                + ", limits=" + limits + ", hooks=" + Arrays.toString(hooks) + "]";
    }
}
