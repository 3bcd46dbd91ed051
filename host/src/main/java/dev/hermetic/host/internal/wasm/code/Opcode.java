package dev.hermetic.host.internal.wasm.code;

import static dev.hermetic.host.internal.wasm.code.Immediate.BLOCK_TYPE;
import static dev.hermetic.host.internal.wasm.code.Immediate.BYTE;
import static dev.hermetic.host.internal.wasm.code.Immediate.BYTES16;
import static dev.hermetic.host.internal.wasm.code.Immediate.CATCHES;
import static dev.hermetic.host.internal.wasm.code.Immediate.F32;
import static dev.hermetic.host.internal.wasm.code.Immediate.F64;
import static dev.hermetic.host.internal.wasm.code.Immediate.HEAP_TYPE;
import static dev.hermetic.host.internal.wasm.code.Immediate.LABELS;
import static dev.hermetic.host.internal.wasm.code.Immediate.MEMARG;
import static dev.hermetic.host.internal.wasm.code.Immediate.S32;
import static dev.hermetic.host.internal.wasm.code.Immediate.S64;
import static dev.hermetic.host.internal.wasm.code.Immediate.U32;
import static dev.hermetic.host.internal.wasm.code.Immediate.VALUE_TYPES;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One WebAssembly instruction's opcode: its encoding (a byte, or a prefix byte and an unsigned
 * LEB128 sub-opcode), its text-format name, the proposal it belongs to and its immediates in
 * encoding order. The table covers the 2.0 core and the proposals an engine may contain: SIMD
 * and relaxed SIMD ({@code 0xfd}), threads ({@code 0xfe}), the saturating conversions, bulk
 * memory and table instructions ({@code 0xfc}), both exception-handling encodings, tail calls,
 * typed function references and GC ({@code 0xfb}). Instances are unique: compare with {@code ==}.
 */
public final class Opcode {
    /** The prefix of the saturating conversions and bulk memory/table instructions. */
    public static final int MISC_PREFIX = 0xfc;
    /** The prefix of the SIMD instructions. */
    public static final int SIMD_PREFIX = 0xfd;
    /** The prefix of the atomic instructions. */
    public static final int ATOMIC_PREFIX = 0xfe;
    /** The prefix of the GC instructions. */
    public static final int GC_PREFIX = 0xfb;

    private static final Opcode[] SINGLE = new Opcode[256];
    private static final Map<Integer, Opcode[]> PREFIXED = new HashMap<>();
    private static final Map<String, Opcode> BY_NAME = new HashMap<>();
    private static final List<Opcode> ALL = new ArrayList<>();

    /** 0 for a one-byte opcode, else {@link #MISC_PREFIX}, {@link #SIMD_PREFIX}, {@link #ATOMIC_PREFIX} or {@link #GC_PREFIX}. */
    private final int prefix;
    /** The opcode byte, or the sub-opcode after the prefix; 0 to 255, or to 0x113 for SIMD. */
    private final int code;
    /** The text-format name, unique in the table. */
    private final String name;
    /** The proposal that introduced the instruction. */
    private final Proposal proposal;
    /** The immediates, in encoding order; unmodifiable. */
    private final List<Immediate> immediates;

    private Opcode(int prefix, int code, String name, Proposal proposal, Immediate... immediates) {
        this.prefix = prefix;
        this.code = code;
        this.name = name;
        this.proposal = proposal;
        this.immediates = List.of(immediates);
    }

    public int prefix() {
        return prefix;
    }

    public int code() {
        return code;
    }

    public String name() {
        return name;
    }

    public Proposal proposal() {
        return proposal;
    }

    public List<Immediate> immediates() {
        return immediates;
    }

    /** Whether this instruction opens a block that an {@code end} (or {@code delegate}) closes. */
    public boolean opensBlock() {
        return this == BLOCK || this == LOOP || this == IF || this == TRY || this == TRY_TABLE;
    }

    @Override
    public String toString() {
        return name;
    }

    /** The one-byte opcode {@code code}, or null when the table has none. */
    public static Opcode single(int code) {
        return code >= 0 && code < 256 ? SINGLE[code] : null;
    }

    /** The prefixed opcode, or null when the table has none. */
    public static Opcode prefixed(int prefix, long code) {
        Opcode[] table = PREFIXED.get(prefix);
        return table != null && code >= 0 && code < table.length ? table[(int) code] : null;
    }

    /** Whether {@code b} is one of the prefix bytes. */
    public static boolean isPrefix(int b) {
        return PREFIXED.containsKey(b);
    }

    /** The opcode with the text-format name {@code name}, or null. */
    public static Opcode named(String name) {
        return BY_NAME.get(name);
    }

    /** Every opcode in the table, in table order. */
    public static List<Opcode> all() {
        return Collections.unmodifiableList(ALL);
    }

    private static Opcode def(int prefix, int code, String name, Proposal proposal, Immediate... immediates) {
        Opcode op = new Opcode(prefix, code, name, proposal, immediates);
        Opcode[] table = prefix == 0 ? SINGLE : PREFIXED.computeIfAbsent(prefix, p -> new Opcode[p == SIMD_PREFIX ? 0x114 : 256]);
        if (table[code] != null || BY_NAME.put(name, op) != null) {
            throw new AssertionError("opcode defined twice: " + name);
        }
        table[code] = op;
        ALL.add(op);
        return op;
    }

    private static Opcode def(int code, String name, Proposal proposal, Immediate... immediates) {
        return def(0, code, name, proposal, immediates);
    }

    private static Opcode def(int code, String name, Immediate... immediates) {
        return def(0, code, name, Proposal.MVP, immediates);
    }

    /** Defines {@code names} at consecutive codes from {@code first}, all with the same immediates. */
    private static void run(int prefix, int first, Proposal proposal, List<Immediate> immediates, String... names) {
        for (int i = 0; i < names.length; i++) {
            def(prefix, first + i, names[i], proposal, immediates.toArray(Immediate[]::new));
        }
    }

    private static final List<Immediate> NONE = List.of();
    private static final List<Immediate> MEMORY_ACCESS = List.of(MEMARG);

    // Control and the instructions whose immediates a rewriter follows: named constants.
    public static final Opcode UNREACHABLE = def(0x00, "unreachable");
    public static final Opcode NOP = def(0x01, "nop");
    public static final Opcode BLOCK = def(0x02, "block", BLOCK_TYPE);
    public static final Opcode LOOP = def(0x03, "loop", BLOCK_TYPE);
    public static final Opcode IF = def(0x04, "if", BLOCK_TYPE);
    public static final Opcode ELSE = def(0x05, "else");
    public static final Opcode TRY = def(0x06, "try", Proposal.LEGACY_EXCEPTIONS, BLOCK_TYPE);
    public static final Opcode CATCH = def(0x07, "catch", Proposal.LEGACY_EXCEPTIONS, U32);
    public static final Opcode THROW = def(0x08, "throw", Proposal.EXCEPTIONS, U32);
    public static final Opcode RETHROW = def(0x09, "rethrow", Proposal.LEGACY_EXCEPTIONS, U32);
    public static final Opcode THROW_REF = def(0x0a, "throw_ref", Proposal.EXCEPTIONS);
    public static final Opcode END = def(0x0b, "end");
    public static final Opcode BR = def(0x0c, "br", U32);
    public static final Opcode BR_IF = def(0x0d, "br_if", U32);
    public static final Opcode BR_TABLE = def(0x0e, "br_table", LABELS, U32);
    public static final Opcode RETURN = def(0x0f, "return");
    public static final Opcode CALL = def(0x10, "call", U32);
    public static final Opcode CALL_INDIRECT = def(0x11, "call_indirect", U32, U32);
    public static final Opcode RETURN_CALL = def(0x12, "return_call", Proposal.TAIL_CALLS, U32);
    public static final Opcode RETURN_CALL_INDIRECT = def(0x13, "return_call_indirect", Proposal.TAIL_CALLS, U32, U32);
    public static final Opcode CALL_REF = def(0x14, "call_ref", Proposal.FUNCTION_REFERENCES, U32);
    public static final Opcode RETURN_CALL_REF = def(0x15, "return_call_ref", Proposal.TAIL_CALLS, U32);
    public static final Opcode DELEGATE = def(0x18, "delegate", Proposal.LEGACY_EXCEPTIONS, U32);
    public static final Opcode CATCH_ALL = def(0x19, "catch_all", Proposal.LEGACY_EXCEPTIONS);
    public static final Opcode DROP = def(0x1a, "drop");
    public static final Opcode SELECT = def(0x1b, "select");
    public static final Opcode SELECT_TYPED = def(0x1c, "select_t", Proposal.REFERENCE_TYPES, VALUE_TYPES);
    public static final Opcode TRY_TABLE = def(0x1f, "try_table", Proposal.EXCEPTIONS, BLOCK_TYPE, CATCHES);
    public static final Opcode LOCAL_GET = def(0x20, "local.get", U32);
    public static final Opcode LOCAL_SET = def(0x21, "local.set", U32);
    public static final Opcode LOCAL_TEE = def(0x22, "local.tee", U32);
    public static final Opcode GLOBAL_GET = def(0x23, "global.get", U32);
    public static final Opcode GLOBAL_SET = def(0x24, "global.set", U32);
    public static final Opcode TABLE_GET = def(0x25, "table.get", Proposal.REFERENCE_TYPES, U32);
    public static final Opcode TABLE_SET = def(0x26, "table.set", Proposal.REFERENCE_TYPES, U32);

    static {
        run(0, 0x28, Proposal.MVP, MEMORY_ACCESS, "i32.load", "i64.load", "f32.load", "f64.load",
                "i32.load8_s", "i32.load8_u", "i32.load16_s", "i32.load16_u",
                "i64.load8_s", "i64.load8_u", "i64.load16_s", "i64.load16_u", "i64.load32_s", "i64.load32_u",
                "i32.store", "i64.store", "f32.store", "f64.store",
                "i32.store8", "i32.store16", "i64.store8", "i64.store16", "i64.store32");
    }

    /** {@code memory.size}; its memory index is a byte 0 before multi-memory, kept as a {@link Immediate#U32}. */
    public static final Opcode MEMORY_SIZE = def(0x3f, "memory.size", U32);
    public static final Opcode MEMORY_GROW = def(0x40, "memory.grow", U32);
    public static final Opcode I32_CONST = def(0x41, "i32.const", S32);
    public static final Opcode I64_CONST = def(0x42, "i64.const", S64);
    public static final Opcode F32_CONST = def(0x43, "f32.const", F32);
    public static final Opcode F64_CONST = def(0x44, "f64.const", F64);

    static {
        run(0, 0x45, Proposal.MVP, NONE,
                "i32.eqz", "i32.eq", "i32.ne", "i32.lt_s", "i32.lt_u", "i32.gt_s", "i32.gt_u",
                "i32.le_s", "i32.le_u", "i32.ge_s", "i32.ge_u",
                "i64.eqz", "i64.eq", "i64.ne", "i64.lt_s", "i64.lt_u", "i64.gt_s", "i64.gt_u",
                "i64.le_s", "i64.le_u", "i64.ge_s", "i64.ge_u",
                "f32.eq", "f32.ne", "f32.lt", "f32.gt", "f32.le", "f32.ge",
                "f64.eq", "f64.ne", "f64.lt", "f64.gt", "f64.le", "f64.ge",
                "i32.clz", "i32.ctz", "i32.popcnt", "i32.add", "i32.sub", "i32.mul", "i32.div_s", "i32.div_u",
                "i32.rem_s", "i32.rem_u", "i32.and", "i32.or", "i32.xor", "i32.shl", "i32.shr_s", "i32.shr_u",
                "i32.rotl", "i32.rotr",
                "i64.clz", "i64.ctz", "i64.popcnt", "i64.add", "i64.sub", "i64.mul", "i64.div_s", "i64.div_u",
                "i64.rem_s", "i64.rem_u", "i64.and", "i64.or", "i64.xor", "i64.shl", "i64.shr_s", "i64.shr_u",
                "i64.rotl", "i64.rotr",
                "f32.abs", "f32.neg", "f32.ceil", "f32.floor", "f32.trunc", "f32.nearest", "f32.sqrt",
                "f32.add", "f32.sub", "f32.mul", "f32.div", "f32.min", "f32.max", "f32.copysign",
                "f64.abs", "f64.neg", "f64.ceil", "f64.floor", "f64.trunc", "f64.nearest", "f64.sqrt",
                "f64.add", "f64.sub", "f64.mul", "f64.div", "f64.min", "f64.max", "f64.copysign",
                "i32.wrap_i64", "i32.trunc_f32_s", "i32.trunc_f32_u", "i32.trunc_f64_s", "i32.trunc_f64_u",
                "i64.extend_i32_s", "i64.extend_i32_u", "i64.trunc_f32_s", "i64.trunc_f32_u",
                "i64.trunc_f64_s", "i64.trunc_f64_u",
                "f32.convert_i32_s", "f32.convert_i32_u", "f32.convert_i64_s", "f32.convert_i64_u", "f32.demote_f64",
                "f64.convert_i32_s", "f64.convert_i32_u", "f64.convert_i64_s", "f64.convert_i64_u", "f64.promote_f32",
                "i32.reinterpret_f32", "i64.reinterpret_f64", "f32.reinterpret_i32", "f64.reinterpret_i64");
        run(0, 0xc0, Proposal.SIGN_EXTENSION, NONE,
                "i32.extend8_s", "i32.extend16_s", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s");
    }

    public static final Opcode REF_NULL = def(0xd0, "ref.null", Proposal.REFERENCE_TYPES, HEAP_TYPE);
    public static final Opcode REF_IS_NULL = def(0xd1, "ref.is_null", Proposal.REFERENCE_TYPES);
    public static final Opcode REF_FUNC = def(0xd2, "ref.func", Proposal.REFERENCE_TYPES, U32);
    public static final Opcode REF_EQ = def(0xd3, "ref.eq", Proposal.GC);
    public static final Opcode REF_AS_NON_NULL = def(0xd4, "ref.as_non_null", Proposal.FUNCTION_REFERENCES);
    public static final Opcode BR_ON_NULL = def(0xd5, "br_on_null", Proposal.FUNCTION_REFERENCES, U32);
    public static final Opcode BR_ON_NON_NULL = def(0xd6, "br_on_non_null", Proposal.FUNCTION_REFERENCES, U32);

    // 0xfc: saturating conversions, bulk memory, table instructions.
    static {
        run(MISC_PREFIX, 0x00, Proposal.SATURATING_CONVERSIONS, NONE,
                "i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u",
                "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u");
    }

    /** {@code memory.init data memory}; the memory index, a byte 0 before multi-memory, is a {@link Immediate#U32}. */
    public static final Opcode MEMORY_INIT = def(MISC_PREFIX, 0x08, "memory.init", Proposal.BULK_MEMORY, U32, U32);
    public static final Opcode DATA_DROP = def(MISC_PREFIX, 0x09, "data.drop", Proposal.BULK_MEMORY, U32);
    public static final Opcode MEMORY_COPY = def(MISC_PREFIX, 0x0a, "memory.copy", Proposal.BULK_MEMORY, U32, U32);
    public static final Opcode MEMORY_FILL = def(MISC_PREFIX, 0x0b, "memory.fill", Proposal.BULK_MEMORY, U32);
    public static final Opcode TABLE_INIT = def(MISC_PREFIX, 0x0c, "table.init", Proposal.BULK_MEMORY, U32, U32);
    public static final Opcode ELEM_DROP = def(MISC_PREFIX, 0x0d, "elem.drop", Proposal.BULK_MEMORY, U32);
    public static final Opcode TABLE_COPY = def(MISC_PREFIX, 0x0e, "table.copy", Proposal.BULK_MEMORY, U32, U32);
    public static final Opcode TABLE_GROW = def(MISC_PREFIX, 0x0f, "table.grow", Proposal.REFERENCE_TYPES, U32);
    public static final Opcode TABLE_SIZE = def(MISC_PREFIX, 0x10, "table.size", Proposal.REFERENCE_TYPES, U32);
    public static final Opcode TABLE_FILL = def(MISC_PREFIX, 0x11, "table.fill", Proposal.REFERENCE_TYPES, U32);

    // 0xfd: SIMD and relaxed SIMD.
    public static final Opcode V128_CONST;

    static {
        run(SIMD_PREFIX, 0x00, Proposal.SIMD, MEMORY_ACCESS, "v128.load",
                "v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u",
                "v128.load32x2_s", "v128.load32x2_u",
                "v128.load8_splat", "v128.load16_splat", "v128.load32_splat", "v128.load64_splat", "v128.store");
        V128_CONST = def(SIMD_PREFIX, 0x0c, "v128.const", Proposal.SIMD, BYTES16);
        def(SIMD_PREFIX, 0x0d, "i8x16.shuffle", Proposal.SIMD, BYTES16);
        run(SIMD_PREFIX, 0x0e, Proposal.SIMD, NONE, "i8x16.swizzle",
                "i8x16.splat", "i16x8.splat", "i32x4.splat", "i64x2.splat", "f32x4.splat", "f64x2.splat");
        run(SIMD_PREFIX, 0x15, Proposal.SIMD, List.of(BYTE),
                "i8x16.extract_lane_s", "i8x16.extract_lane_u", "i8x16.replace_lane",
                "i16x8.extract_lane_s", "i16x8.extract_lane_u", "i16x8.replace_lane",
                "i32x4.extract_lane", "i32x4.replace_lane", "i64x2.extract_lane", "i64x2.replace_lane",
                "f32x4.extract_lane", "f32x4.replace_lane", "f64x2.extract_lane", "f64x2.replace_lane");
        run(SIMD_PREFIX, 0x23, Proposal.SIMD, NONE,
                "i8x16.eq", "i8x16.ne", "i8x16.lt_s", "i8x16.lt_u", "i8x16.gt_s", "i8x16.gt_u",
                "i8x16.le_s", "i8x16.le_u", "i8x16.ge_s", "i8x16.ge_u",
                "i16x8.eq", "i16x8.ne", "i16x8.lt_s", "i16x8.lt_u", "i16x8.gt_s", "i16x8.gt_u",
                "i16x8.le_s", "i16x8.le_u", "i16x8.ge_s", "i16x8.ge_u",
                "i32x4.eq", "i32x4.ne", "i32x4.lt_s", "i32x4.lt_u", "i32x4.gt_s", "i32x4.gt_u",
                "i32x4.le_s", "i32x4.le_u", "i32x4.ge_s", "i32x4.ge_u",
                "f32x4.eq", "f32x4.ne", "f32x4.lt", "f32x4.gt", "f32x4.le", "f32x4.ge",
                "f64x2.eq", "f64x2.ne", "f64x2.lt", "f64x2.gt", "f64x2.le", "f64x2.ge",
                "v128.not", "v128.and", "v128.andnot", "v128.or", "v128.xor", "v128.bitselect", "v128.any_true");
        run(SIMD_PREFIX, 0x54, Proposal.SIMD, List.of(MEMARG, BYTE),
                "v128.load8_lane", "v128.load16_lane", "v128.load32_lane", "v128.load64_lane",
                "v128.store8_lane", "v128.store16_lane", "v128.store32_lane", "v128.store64_lane");
        run(SIMD_PREFIX, 0x5c, Proposal.SIMD, MEMORY_ACCESS, "v128.load32_zero", "v128.load64_zero");
        run(SIMD_PREFIX, 0x5e, Proposal.SIMD, NONE, "f32x4.demote_f64x2_zero", "f64x2.promote_low_f32x4",
                "i8x16.abs", "i8x16.neg", "i8x16.popcnt", "i8x16.all_true", "i8x16.bitmask",
                "i8x16.narrow_i16x8_s", "i8x16.narrow_i16x8_u",
                "f32x4.ceil", "f32x4.floor", "f32x4.trunc", "f32x4.nearest",
                "i8x16.shl", "i8x16.shr_s", "i8x16.shr_u", "i8x16.add", "i8x16.add_sat_s", "i8x16.add_sat_u",
                "i8x16.sub", "i8x16.sub_sat_s", "i8x16.sub_sat_u", "f64x2.ceil", "f64x2.floor",
                "i8x16.min_s", "i8x16.min_u", "i8x16.max_s", "i8x16.max_u", "f64x2.trunc", "i8x16.avgr_u",
                "i16x8.extadd_pairwise_i8x16_s", "i16x8.extadd_pairwise_i8x16_u",
                "i32x4.extadd_pairwise_i16x8_s", "i32x4.extadd_pairwise_i16x8_u",
                "i16x8.abs", "i16x8.neg", "i16x8.q15mulr_sat_s", "i16x8.all_true", "i16x8.bitmask",
                "i16x8.narrow_i32x4_s", "i16x8.narrow_i32x4_u",
                "i16x8.extend_low_i8x16_s", "i16x8.extend_high_i8x16_s",
                "i16x8.extend_low_i8x16_u", "i16x8.extend_high_i8x16_u",
                "i16x8.shl", "i16x8.shr_s", "i16x8.shr_u", "i16x8.add", "i16x8.add_sat_s", "i16x8.add_sat_u",
                "i16x8.sub", "i16x8.sub_sat_s", "i16x8.sub_sat_u", "f64x2.nearest", "i16x8.mul",
                "i16x8.min_s", "i16x8.min_u", "i16x8.max_s", "i16x8.max_u");
        run(SIMD_PREFIX, 0x9b, Proposal.SIMD, NONE, "i16x8.avgr_u",
                "i16x8.extmul_low_i8x16_s", "i16x8.extmul_high_i8x16_s",
                "i16x8.extmul_low_i8x16_u", "i16x8.extmul_high_i8x16_u",
                "i32x4.abs", "i32x4.neg");
        run(SIMD_PREFIX, 0xa3, Proposal.SIMD, NONE, "i32x4.all_true", "i32x4.bitmask");
        run(SIMD_PREFIX, 0xa7, Proposal.SIMD, NONE,
                "i32x4.extend_low_i16x8_s", "i32x4.extend_high_i16x8_s",
                "i32x4.extend_low_i16x8_u", "i32x4.extend_high_i16x8_u",
                "i32x4.shl", "i32x4.shr_s", "i32x4.shr_u", "i32x4.add");
        def(SIMD_PREFIX, 0xb1, "i32x4.sub", Proposal.SIMD);
        run(SIMD_PREFIX, 0xb5, Proposal.SIMD, NONE, "i32x4.mul",
                "i32x4.min_s", "i32x4.min_u", "i32x4.max_s", "i32x4.max_u", "i32x4.dot_i16x8_s");
        run(SIMD_PREFIX, 0xbc, Proposal.SIMD, NONE,
                "i32x4.extmul_low_i16x8_s", "i32x4.extmul_high_i16x8_s",
                "i32x4.extmul_low_i16x8_u", "i32x4.extmul_high_i16x8_u",
                "i64x2.abs", "i64x2.neg");
        run(SIMD_PREFIX, 0xc3, Proposal.SIMD, NONE, "i64x2.all_true", "i64x2.bitmask");
        run(SIMD_PREFIX, 0xc7, Proposal.SIMD, NONE,
                "i64x2.extend_low_i32x4_s", "i64x2.extend_high_i32x4_s",
                "i64x2.extend_low_i32x4_u", "i64x2.extend_high_i32x4_u",
                "i64x2.shl", "i64x2.shr_s", "i64x2.shr_u", "i64x2.add");
        def(SIMD_PREFIX, 0xd1, "i64x2.sub", Proposal.SIMD);
        run(SIMD_PREFIX, 0xd5, Proposal.SIMD, NONE, "i64x2.mul",
                "i64x2.eq", "i64x2.ne", "i64x2.lt_s", "i64x2.gt_s", "i64x2.le_s", "i64x2.ge_s",
                "i64x2.extmul_low_i32x4_s", "i64x2.extmul_high_i32x4_s",
                "i64x2.extmul_low_i32x4_u", "i64x2.extmul_high_i32x4_u",
                "f32x4.abs", "f32x4.neg");
        run(SIMD_PREFIX, 0xe3, Proposal.SIMD, NONE, "f32x4.sqrt",
                "f32x4.add", "f32x4.sub", "f32x4.mul", "f32x4.div", "f32x4.min", "f32x4.max",
                "f32x4.pmin", "f32x4.pmax", "f64x2.abs", "f64x2.neg");
        run(SIMD_PREFIX, 0xef, Proposal.SIMD, NONE, "f64x2.sqrt",
                "f64x2.add", "f64x2.sub", "f64x2.mul", "f64x2.div", "f64x2.min", "f64x2.max",
                "f64x2.pmin", "f64x2.pmax",
                "i32x4.trunc_sat_f32x4_s", "i32x4.trunc_sat_f32x4_u",
                "f32x4.convert_i32x4_s", "f32x4.convert_i32x4_u",
                "i32x4.trunc_sat_f64x2_s_zero", "i32x4.trunc_sat_f64x2_u_zero",
                "f64x2.convert_low_i32x4_s", "f64x2.convert_low_i32x4_u");
        run(SIMD_PREFIX, 0x100, Proposal.RELAXED_SIMD, NONE,
                "i8x16.relaxed_swizzle",
                "i32x4.relaxed_trunc_f32x4_s", "i32x4.relaxed_trunc_f32x4_u",
                "i32x4.relaxed_trunc_f64x2_s_zero", "i32x4.relaxed_trunc_f64x2_u_zero",
                "f32x4.relaxed_madd", "f32x4.relaxed_nmadd", "f64x2.relaxed_madd", "f64x2.relaxed_nmadd",
                "i8x16.relaxed_laneselect", "i16x8.relaxed_laneselect",
                "i32x4.relaxed_laneselect", "i64x2.relaxed_laneselect",
                "f32x4.relaxed_min", "f32x4.relaxed_max", "f64x2.relaxed_min", "f64x2.relaxed_max",
                "i16x8.relaxed_q15mulr_s", "i16x8.relaxed_dot_i8x16_i7x16_s",
                "i32x4.relaxed_dot_i8x16_i7x16_add_s");
    }

    // 0xfe: threads.
    static {
        run(ATOMIC_PREFIX, 0x00, Proposal.THREADS, MEMORY_ACCESS,
                "memory.atomic.notify", "memory.atomic.wait32", "memory.atomic.wait64");
        def(ATOMIC_PREFIX, 0x03, "atomic.fence", Proposal.THREADS, BYTE);
        run(ATOMIC_PREFIX, 0x10, Proposal.THREADS, MEMORY_ACCESS,
                "i32.atomic.load", "i64.atomic.load", "i32.atomic.load8_u", "i32.atomic.load16_u",
                "i64.atomic.load8_u", "i64.atomic.load16_u", "i64.atomic.load32_u",
                "i32.atomic.store", "i64.atomic.store", "i32.atomic.store8", "i32.atomic.store16",
                "i64.atomic.store8", "i64.atomic.store16", "i64.atomic.store32");
        String[] rmw = {"add", "sub", "and", "or", "xor", "xchg", "cmpxchg"};
        for (int i = 0; i < rmw.length; i++) {
            String op = rmw[i];
            run(ATOMIC_PREFIX, 0x1e + 7 * i, Proposal.THREADS, MEMORY_ACCESS,
                    "i32.atomic.rmw." + op, "i64.atomic.rmw." + op,
                    "i32.atomic.rmw8." + op + "_u", "i32.atomic.rmw16." + op + "_u",
                    "i64.atomic.rmw8." + op + "_u", "i64.atomic.rmw16." + op + "_u", "i64.atomic.rmw32." + op + "_u");
        }
    }

    // 0xfb: GC.
    static {
        run(GC_PREFIX, 0x00, Proposal.GC, List.of(U32), "struct.new", "struct.new_default");
        run(GC_PREFIX, 0x02, Proposal.GC, List.of(U32, U32), "struct.get", "struct.get_s", "struct.get_u", "struct.set");
        run(GC_PREFIX, 0x06, Proposal.GC, List.of(U32), "array.new", "array.new_default");
        run(GC_PREFIX, 0x08, Proposal.GC, List.of(U32, U32), "array.new_fixed", "array.new_data", "array.new_elem");
        run(GC_PREFIX, 0x0b, Proposal.GC, List.of(U32), "array.get", "array.get_s", "array.get_u", "array.set");
        def(GC_PREFIX, 0x0f, "array.len", Proposal.GC);
        def(GC_PREFIX, 0x10, "array.fill", Proposal.GC, U32);
        run(GC_PREFIX, 0x11, Proposal.GC, List.of(U32, U32), "array.copy", "array.init_data", "array.init_elem");
        run(GC_PREFIX, 0x14, Proposal.GC, List.of(HEAP_TYPE), "ref.test", "ref.test_null", "ref.cast", "ref.cast_null");
        run(GC_PREFIX, 0x1a, Proposal.GC, NONE,
                "any.convert_extern", "extern.convert_any", "ref.i31", "i31.get_s", "i31.get_u");
    }

    /** {@code br_on_cast flags label from to}: the flags byte says which heap types are nullable. */
    public static final Opcode BR_ON_CAST = def(GC_PREFIX, 0x18, "br_on_cast", Proposal.GC, BYTE, U32, HEAP_TYPE, HEAP_TYPE);
    public static final Opcode BR_ON_CAST_FAIL = def(GC_PREFIX, 0x19, "br_on_cast_fail", Proposal.GC, BYTE, U32, HEAP_TYPE, HEAP_TYPE);
}
