package dev.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProseTest {

    private static List<String> numbers(int n) {
        return IntStream.range(0, n).mapToObj(String::valueOf).toList();
    }

    @Test
    void aListIsShownWholeUpTo24ItemsThenByItsEndsAndCounted() {
        assertEquals("[]", Prose.abbreviated(List.of(), "columns"));
        assertEquals(numbers(24).toString(), Prose.abbreviated(numbers(24), "columns"));
        assertEquals("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, ..., 22, 23, 24]"
                + " (25 classes)", Prose.abbreviated(numbers(25), "classes"));
    }
}
