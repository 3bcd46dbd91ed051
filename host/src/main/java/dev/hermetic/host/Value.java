package dev.hermetic.host;

/**
 * A number crossing the engine boundary, kept as its raw bits the way Chicory passes values.
 *
 * @param type the number's type
 * @param bits the raw bits; for I32 and F32 only the low 32 bits are meaningful
 */
public record Value(ValueType type, long bits) implements Arg {

    public static Value i32(int v) {
        return new Value(ValueType.I32, v);
    }

    public static Value i64(long v) {
        return new Value(ValueType.I64, v);
    }

    public static Value f32(float v) {
        return new Value(ValueType.F32, Float.floatToRawIntBits(v));
    }

    public static Value f64(double v) {
        return new Value(ValueType.F64, Double.doubleToRawLongBits(v));
    }

    public int asInt() {
        return (int) bits;
    }

    public long asLong() {
        return type == ValueType.I32 ? (int) bits : bits;
    }

    public float asFloat() {
        return Float.intBitsToFloat((int) bits);
    }

    public double asDouble() {
        return Double.longBitsToDouble(bits);
    }

    @Override
    public String toString() {
        switch (type) {
            case F32:
                return Float.toString(asFloat());
            case F64:
                return Double.toString(asDouble());
            default:
                return Long.toString(asLong());
        }
    }
}
