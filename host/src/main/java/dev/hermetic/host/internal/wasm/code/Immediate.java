package dev.hermetic.host.internal.wasm.code;

/**
 * One immediate operand of an instruction, as encoded after its opcode. Each kind occupies a
 * fixed or self-describing run of <em>slots</em> in {@link Instruction}'s values, in encoding
 * order; the slot layout of each kind is given below, and {@link #slots()} is its size when
 * fixed (-1 when it depends on a count in its first slot).
 */
public enum Immediate {
    /** An index or count: unsigned LEB128 of at most 32 bits. One slot. */
    U32(1),
    /** {@code i32.const}'s value: signed LEB128, 32 bits. One slot. */
    S32(1),
    /** {@code i64.const}'s value: signed LEB128, 64 bits. One slot. */
    S64(1),
    /** {@code f32.const}'s value: 4 bytes, little-endian. One slot: the bits. */
    F32(1),
    /** {@code f64.const}'s value: 8 bytes, little-endian. One slot: the bits. */
    F64(1),
    /**
     * 16 raw bytes ({@code v128.const}, {@code i8x16.shuffle}'s lanes). Two slots: bytes 0-7
     * and 8-15, each read little-endian.
     */
    BYTES16(2),
    /** A single raw byte: a lane index, a reserved zero, {@code br_on_cast}'s flags. One slot. */
    BYTE(1),
    /**
     * A memory access: alignment flags, memory index, offset (u64, for memory64). Three slots,
     * {@code [flags, memory, offset]}; the memory index is encoded only when bit 6 of the flags
     * is set (multi-memory), otherwise its slot is 0 and not encoded.
     */
    MEMARG(3),
    /**
     * A block type: {@code 0x40} (empty), a value type or a type index, read as signed LEB128 of
     * 33 bits. Two slots, {@code [type, heapType]}; the heap type follows only when the type is
     * a reference prefix ({@link #REF_NULL_PREFIX} or {@link #REF_PREFIX}), otherwise its slot
     * is 0 and not encoded.
     */
    BLOCK_TYPE(2),
    /** A heap type: signed LEB128 of 33 bits (negative: abstract; else a type index). One slot. */
    HEAP_TYPE(1),
    /**
     * {@code br_table}'s targets: a count n, then n label indices. {@code 1 + n} slots; the
     * default label is a separate {@link #U32} after it.
     */
    LABELS(-1),
    /**
     * {@code select}'s result types: a count n, then n value types as {@code [type, heapType]}
     * pairs (a heap type only after a reference prefix, as in {@link #BLOCK_TYPE}). {@code 1 + 2n}
     * slots.
     */
    VALUE_TYPES(-1),
    /**
     * {@code try_table}'s catch clauses: a count n, then n triples {@code [kind, tag, label]};
     * kinds 0 ({@code catch}) and 1 ({@code catch_ref}) encode a tag, kinds 2 ({@code catch_all})
     * and 3 ({@code catch_all_ref}) do not (their tag slot is 0). {@code 1 + 3n} slots.
     */
    CATCHES(-1);

    /** A value type {@code (ref null ht)}: a block or value type slot holding it reads -29. */
    public static final long REF_NULL_PREFIX = 0x63 - 0x80;
    /** A value type {@code (ref ht)}: a block or value type slot holding it reads -28. */
    public static final long REF_PREFIX = 0x64 - 0x80;

    /** The slots one operand of this kind takes, or -1 when a count decides. */
    private final int slots;

    Immediate(int slots) {
        this.slots = slots;
    }

    public int slots() {
        return slots;
    }

    /** Whether a value type read as signed LEB128 is a reference prefix followed by a heap type. */
    static boolean isRefPrefix(long type) {
        return type == REF_NULL_PREFIX || type == REF_PREFIX;
    }
}
