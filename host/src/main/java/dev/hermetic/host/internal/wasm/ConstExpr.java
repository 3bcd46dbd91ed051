package dev.hermetic.host.internal.wasm;

import java.util.function.IntConsumer;

/** Constant expressions: the instructions a global's init, a segment's offset or an element may use. */
public final class ConstExpr {

    public static final int END = 0x0b;
    public static final int GLOBAL_GET = 0x23;
    public static final int I32_CONST = 0x41;
    public static final int I64_CONST = 0x42;
    public static final int F32_CONST = 0x43;
    public static final int F64_CONST = 0x44;
    public static final int REF_NULL = 0xd0;
    public static final int REF_FUNC = 0xd2;
    public static final int SIMD_PREFIX = 0xfd;
    public static final int V128_CONST = 12;

    private ConstExpr() {}

    /**
     * Reads one constant expression, through its {@code end}, passing each function index a
     * {@code ref.func} names to {@code refFunc}. Accepts the MVP constants, {@code global.get},
     * references, {@code v128.const} and the extended-const arithmetic.
     */
    public static void skip(WasmReader in, IntConsumer refFunc) {
        while (true) {
            int op = in.u8();
            switch (op) {
                case END -> {
                    return;
                }
                case I32_CONST -> in.s32();
                case I64_CONST -> in.s64();
                case F32_CONST -> in.skip(4);
                case F64_CONST -> in.skip(8);
                case GLOBAL_GET -> in.index();
                case REF_NULL -> in.u8();
                case REF_FUNC -> refFunc.accept(in.index());
                // i32.add/sub/mul, i64.add/sub/mul (extended constant expressions)
                case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e -> { }
                case SIMD_PREFIX -> {
                    long sub = in.u32();
                    if (sub != V128_CONST) {
                        throw in.malformed("SIMD instruction " + sub + " in a constant expression");
                    }
                    in.skip(16);
                }
                default -> throw in.malformed(String.format("instruction 0x%02x in a constant expression", op));
            }
        }
    }
}
