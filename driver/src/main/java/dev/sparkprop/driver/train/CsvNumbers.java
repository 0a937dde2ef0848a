package dev.sparkprop.driver.train;

import java.nio.charset.StandardCharsets;
import org.apache.spark.unsafe.Platform;

/**
 * Splits a CSV line of numbers into doubles, giving each field the value Spark's CSV reader gives
 * it for a double column: empty is null, {@code NaN}, {@code Inf} and {@code -Inf} are Spark's
 * spellings, anything else is what {@link Double#parseDouble} makes of it. A plain decimal of up
 * to 15 digits with a power of ten up to 22 away is computed directly (both are exact doubles, so
 * the one rounding of their product or quotient is the correctly rounded value parseDouble gives);
 * other fields go to parseDouble. A quote anywhere makes the line unreadable here: a quoted field
 * may hold the delimiter, which only a real CSV parser splits right.
 */
final class CsvNumbers {

    private static final double[] POWERS = new double[23];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    /** A line parses into the row; see {@link #parse}. */
    static final int OK = 0;
    /** A line of blanks only, which Spark's reader skips. */
    static final int BLANK = 1;
    /** A line with another number of fields, or a field that is not a number. */
    static final int NOT_NUMBERS = 2;

    private final byte delimiter;
    private final int width;

    CsvNumbers(char delimiter, int width) {
        if (delimiter > 127) {
            throw new IllegalArgumentException("a non-ASCII delimiter");
        }
        this.delimiter = (byte) delimiter;
        this.width = width;
    }

    /**
     * Parses the line's {@code length} bytes at {@code (base, offset)} (as Spark's
     * {@code UTF8String} holds them) into {@code values[at..at+width)}, setting the bit of each
     * null field in {@code nulls} (bit {@code at + i}).
     *
     * @return {@link #OK}, {@link #BLANK} or {@link #NOT_NUMBERS}
     */
    int parse(Object base, long offset, int length, double[] values, int at, long[] nulls) {
        if (blank(base, offset, length)) {
            return BLANK;
        }
        int field = 0;
        int start = 0;
        // The field so far as a whole number, while it is digits only (most fields of most files,
        // read here in the one pass that splits the line; any other goes to number())
        long whole = 0;
        boolean digitsOnly = true;
        for (int i = 0; i <= length; i++) {
            if (i < length) {
                byte b = Platform.getByte(base, offset + i);
                if (b != delimiter) {
                    if (b >= '0' && b <= '9') {
                        whole = whole * 10 + (b - '0');
                    } else if (b == '"') {
                        return NOT_NUMBERS;
                    } else {
                        digitsOnly = false;
                    }
                    continue;
                }
            }
            if (field == width) {
                return NOT_NUMBERS;
            }
            int at0 = at + field;
            int n = i - start;
            if (n == 0) {
                values[at0] = 0;
                nulls[at0 >>> 6] |= 1L << at0;
            } else if (digitsOnly && n <= 15) {
                // Below 10^15 < 2^53: an exact double, so parseDouble's value
                values[at0] = whole;
            } else {
                double v = number(base, offset + start, n);
                if (Double.isNaN(v) && !isNaN(base, offset + start, n)) {
                    return NOT_NUMBERS;
                }
                values[at0] = v;
            }
            field++;
            start = i + 1;
            whole = 0;
            digitsOnly = true;
        }
        return field == width ? OK : NOT_NUMBERS;
    }

    /** Whether the line is blanks only (bytes up to the space), which Spark's CSV reader skips. */
    static boolean blank(Object base, long offset, int length) {
        for (int i = 0; i < length; i++) {
            if ((Platform.getByte(base, offset + i) & 0xff) > ' ') {
                return false;
            }
        }
        return true;
    }

    /** The field's value; NaN also when it is not a number (told apart by {@link #isNaN}). */
    private static double number(Object base, long offset, int length) {
        int i = 0;
        boolean negative = false;
        byte b = Platform.getByte(base, offset);
        if (b == '-' || b == '+') {
            negative = b == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = 0;
        boolean point = false;
        boolean any = false;
        for (; i < length; i++) {
            b = Platform.getByte(base, offset + i);
            if (b >= '0' && b <= '9') {
                any = true;
                if (mantissa != 0 || b != '0') {
                    digits++;
                }
                mantissa = mantissa * 10 + (b - '0');
                if (point) {
                    fraction++;
                }
                if (digits > 15) {
                    return slow(base, offset, length);
                }
            } else if (b == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (!any) {
            return slow(base, offset, length);
        }
        int exponent = 0;
        if (i < length) {
            b = Platform.getByte(base, offset + i);
            if ((b != 'e' && b != 'E') || i + 1 == length) {
                return slow(base, offset, length);
            }
            i++;
            boolean negativeExponent = false;
            b = Platform.getByte(base, offset + i);
            if (b == '-' || b == '+') {
                negativeExponent = b == '-';
                i++;
            }
            if (i == length || length - i > 3) {
                return slow(base, offset, length);
            }
            for (; i < length; i++) {
                b = Platform.getByte(base, offset + i);
                if (b < '0' || b > '9') {
                    return slow(base, offset, length);
                }
                exponent = exponent * 10 + (b - '0');
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        int power = exponent - fraction;
        double v;
        if (mantissa == 0) {
            v = 0;
        } else if (power >= 0 && power < POWERS.length) {
            v = mantissa * POWERS[power];
        } else if (power < 0 && -power < POWERS.length) {
            v = mantissa / POWERS[-power];
        } else {
            return slow(base, offset, length);
        }
        return negative ? -v : v;
    }

    /** {@link #value}; NaN when the field is not a number. */
    private static double slow(Object base, long offset, int length) {
        byte[] bytes = new byte[length];
        Platform.copyMemory(base, offset, bytes, Platform.BYTE_ARRAY_OFFSET, length);
        try {
            return value(new String(bytes, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The value Spark's CSV reader gives a non-empty field in a double column: Spark's spellings
     * {@code NaN}, {@code Inf} and {@code -Inf}, else what {@link Double#parseDouble} makes of it.
     *
     * @throws NumberFormatException when the field is not a number, which fails Spark's reader too
     */
    static double value(String field) {
        return switch (field) {
            case "NaN" -> Double.NaN;
            case "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(field);
        };
    }

    /** Whether a field whose value came out NaN does spell NaN, rather than failing to parse. */
    private static boolean isNaN(Object base, long offset, int length) {
        byte[] bytes = new byte[length];
        Platform.copyMemory(base, offset, bytes, Platform.BYTE_ARRAY_OFFSET, length);
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (s.equals("NaN")) {
            return true;
        }
        try {
            return Double.isNaN(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
