package dev.hermetic.hooks.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** The output of JavaScript's {@code JSON.stringify} for strings and finite numbers. */
public final class JsJson {
    /** Lowercase, as JSON.stringify writes {@code \\u} escapes. */
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Integers below this magnitude print exactly as a Java long does. */
    private static final double EXACT_INTEGER_LIMIT = 9007199254740992.0;

    private JsJson() {}

    /** Appends {@code s} as a JSON string literal, escaping exactly what well-formed JSON.stringify escapes. */
    public static void appendString(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        appendUnicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            appendUnicodeEscape(out, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        appendUnicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15])
                .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
    }

    /**
     * Appends a finite number as JavaScript's {@code Number.prototype.toString} does: the
     * shortest digits that read back as the same double, in plain notation for decimal
     * exponents in [-6, 21) and {@code d.ddde+x} otherwise. -0 prints as 0.
     */
    public static void appendNumber(StringBuilder out, double d) {
        if (d == 0) {
            out.append('0');
            return;
        }
        if (d == Math.rint(d) && Math.abs(d) < EXACT_INTEGER_LIMIT) {
            out.append((long) d);
            return;
        }
        if (d < 0) {
            out.append('-');
            d = -d;
        }
        // Shortest round-tripping digits: the exact value correctly rounded to p digits is the
        // closest p-digit candidate, so the first p that reads back is the shortest, closest
        // answer; 17 digits always read back. (Formatter's %e rounds Double.toString's digits
        // instead of the exact value, which double-rounds: 841090427771483648 became ...3700.)
        BigDecimal exact = new BigDecimal(d);
        BigDecimal rounded = exact;
        for (int p = 1; p <= 17; p++) {
            rounded = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(rounded.toString()) == d) {
                break;
            }
        }
        String digits = rounded.unscaledValue().toString();
        int exponent = digits.length() - 1 - rounded.scale();
        digits = stripTrailingZeros(digits);
        int k = digits.length();
        int n = exponent + 1; // the decimal point sits after n digits
        if (k <= n && n <= 21) {
            out.append(digits);
            out.append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(n - 1 >= 0 ? '+' : '-').append(Math.abs(n - 1));
        }
    }

    private static String stripTrailingZeros(String digits) {
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}
