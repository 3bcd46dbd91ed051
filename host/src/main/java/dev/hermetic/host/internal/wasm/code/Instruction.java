package dev.hermetic.host.internal.wasm.code;

import java.util.Arrays;

/**
 * One decoded instruction: its opcode and its immediates as a flat run of {@code long} slots
 * laid out as {@link Immediate} describes for each of {@link Opcode#immediates()}, in order.
 * Immutable. Each slot that is LEB128-encoded remembers how many bytes it took, so an
 * instruction decoded from a binary encodes back to the same bytes even where the producer
 * padded its numbers (linkers pad relocated indices to 5 bytes); a slot written with
 * {@link #withSlot} keeps that width if the new value fits and grows it if not.
 */
public final class Instruction {
    static final long[] NO_SLOTS = new long[0];

    /** Where the instruction's opcode starts in the binary it was decoded from; -1 if built. */
    private final int offset;
    /** The opcode; never null. */
    private final Opcode opcode;
    /** The immediates' slots, as {@link Immediate} lays them out; never exposed. */
    private final long[] slots;
    /**
     * The encoded width in bytes of each LEB128 slot, parallel to {@link #slots}; 0 means
     * "as short as possible", and so does a width too small for the slot's value. Null when
     * every slot is as short as possible.
     */
    private final byte[] widths;
    /** The encoded width of a prefixed opcode's sub-opcode, 0 meaning as short as possible. */
    private final int opcodeWidth;

    Instruction(int offset, Opcode opcode, int opcodeWidth, long[] slots, byte[] widths) {
        this.offset = offset;
        this.opcode = opcode;
        this.opcodeWidth = opcodeWidth;
        this.slots = slots;
        this.widths = widths;
    }

    /**
     * A new instruction, encoded as short as possible.
     *
     * @param slots the immediates' slots, laid out as {@link Immediate} describes
     * @throws IllegalArgumentException if the slot count does not fit the opcode's immediates
     */
    public static Instruction of(Opcode opcode, long... slots) {
        int want = slotCount(opcode, slots);
        if (want != slots.length) {
            throw new IllegalArgumentException(opcode + " takes " + want + " slots, not " + slots.length);
        }
        return new Instruction(-1, opcode, 0, slots.length == 0 ? NO_SLOTS : slots.clone(), null);
    }

    /** How many slots {@code opcode}'s immediates take given the counts in {@code slots}; -1 if they run out. */
    static int slotCount(Opcode opcode, long[] slots) {
        int n = 0;
        for (Immediate kind : opcode.immediates()) {
            if (kind.slots() >= 0) {
                n += kind.slots();
            } else {
                if (n >= slots.length) {
                    return -1;
                }
                long count = slots[n];
                int each = kind == Immediate.LABELS ? 1 : kind == Immediate.VALUE_TYPES ? 2 : 3;
                n += 1 + (int) Math.min(count * each, Integer.MAX_VALUE - 8);
            }
        }
        return n;
    }

    public int offset() {
        return offset;
    }

    public Opcode opcode() {
        return opcode;
    }

    public int slotCount() {
        return slots.length;
    }

    /** Slot {@code i} of the immediates. */
    public long slot(int i) {
        return slots[i];
    }

    /** A copy of the slots. */
    public long[] slots() {
        return slots.clone();
    }

    /** The encoded width of slot {@code i}, 0 when as short as possible. */
    int width(int i) {
        return widths == null ? 0 : widths[i];
    }

    int opcodeWidth() {
        return opcodeWidth;
    }

    /** This instruction with slot {@code i} set to {@code value}; the offset becomes -1. */
    public Instruction withSlot(int i, long value) {
        long[] s = slots.clone();
        s[i] = value;
        return new Instruction(-1, opcode, opcodeWidth, s, widths);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instruction other && opcode == other.opcode && Arrays.equals(slots, other.slots);
    }

    @Override
    public int hashCode() {
        return opcode.hashCode() * 31 + Arrays.hashCode(slots);
    }

    /** The text-format name and the slots, e.g. {@code local.get [3]}. */
    @Override
    public String toString() {
        return slots.length == 0 ? opcode.name() : opcode.name() + " " + Arrays.toString(slots);
    }
}
