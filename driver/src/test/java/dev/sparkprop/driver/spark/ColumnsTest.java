package dev.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnsTest {

    @Test
    void printableEscapesControlAndInvisibleCharactersAndKeepsEveryOther() {
        assertEquals("a\\u0000b\\u0007\\u001B[0m\\u007F\\u0085\\u200B\\uE000\\uD800",
                Columns.printable("a\u0000b\u0007\u001b[0m\u007f\u0085\u200b\ue000\ud800"));
        String printable = "x.1 a b é 名 \"hi\" `q` \\d \uD83D\uDE00";
        assertEquals(printable, Columns.printable(printable));
        assertEquals("['a\\u0000', 'b']", Columns.printable(List.of("a\u0000", "b")));
    }
}
