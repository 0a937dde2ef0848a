package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.unsafe.Platform;
import org.junit.jupiter.api.Test;

class CsvNumbersTest {

    /** The line's values, null for a null field; or the parse result when it is not OK. */
    private static Object parse(String line, int width) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        double[] values = new double[width];
        long[] nulls = new long[(width + 63) / 64];
        int result = new CsvNumbers(',', width).parse(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, values, 0,
                nulls);
        if (result != CsvNumbers.OK) {
            return result;
        }
        Double[] out = new Double[width];
        for (int i = 0; i < width; i++) {
            out[i] = (nulls[i >>> 6] & (1L << i)) != 0 ? null : values[i];
        }
        return java.util.Arrays.asList(out);
    }

    /** Every field parses to parseDouble's bits, the fast decimal path and the slow one alike. */
    @Test
    void fieldsParseToTheBitsOfParseDouble() {
        Random random = new Random(7);
        String[] fixed = {"0", "-0", "+0", "0.0", "-0.0", "1", "255", "1.5", ".5", "5.", "-3.25", "1e5", "1E+05",
            "2.5e-3", "123456789012345", "1234567890123456789", "0.1", "0.3", "9007199254740993", "1e22", "1e23",
            "1e-22", "1e-23", "4.9e-324", "1.7976931348623157e308", "1e309", "-1e309", "Infinity", "-Infinity",
            "1.5f", "2d", " 3", "4 ", "00012", "999999999999999", "000000000000001", "0000000000000001",
            "9999999999999999", "12345678901234567890123", "1.000000000000000000001", "0.000001", "123.456e2"};
        for (String f : fixed) {
            assertParses(f);
        }
        for (int i = 0; i < 20_000; i++) {
            String f = switch (i % 4) {
                case 0 -> Long.toString(random.nextLong() % 1_000_000_000_000L);
                case 1 -> String.format(Locale.ROOT, "%." + random.nextInt(12) + "f", random.nextGaussian() * 1e4);
                case 2 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
                default -> String.format(Locale.ROOT, "%." + random.nextInt(17) + "e", random.nextDouble() * 100);
            };
            assertParses(f);
        }
    }

    private static void assertParses(String field) {
        @SuppressWarnings("unchecked")
        List<Double> values = (List<Double>) parse("7," + field, 2);
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(field)),
                Double.doubleToRawLongBits(values.get(1)), field);
    }

    @Test
    void sparksSpellingsEmptyFieldsAndBlankLinesAreReadAsSparksCsvReaderReadsThem() {
        List<?> values = (List<?>) parse("NaN,Inf,-Inf,,-NaN", 5);
        assertEquals(Double.NaN, (Double) values.get(0));
        assertEquals(Double.POSITIVE_INFINITY, (Double) values.get(1));
        assertEquals(Double.NEGATIVE_INFINITY, (Double) values.get(2));
        assertEquals(null, values.get(3), "an empty field is null");
        assertEquals(Double.NaN, (Double) values.get(4));
        assertEquals(java.util.Arrays.asList(null, null), parse(",", 2));
        assertEquals(CsvNumbers.BLANK, parse("", 2));
        assertEquals(CsvNumbers.BLANK, parse(" \t ", 2));
    }

    @Test
    void aLineThatIsNotNumbersOrHasAnotherNumberOfFieldsIsNotRead() {
        for (String line : new String[] {"1,2,3", "1", "1,x", "1,\"2\"", "\"1,2\"", "1,2e", "1,.", "1,-", "1,0x10",
            "1,e5", "1,NAN", "1,inf"}) {
            assertEquals(CsvNumbers.NOT_NUMBERS, parse(line, 2), line);
        }
    }
}
