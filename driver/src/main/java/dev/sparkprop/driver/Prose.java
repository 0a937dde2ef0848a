package dev.sparkprop.driver;

import java.util.List;

/** Pieces of the messages users read. */
public final class Prose {

    private Prose() {
    }

    /** {@code items} as a sentence lists them: "a", "a and b", "a, b and c". */
    public static String list(List<String> items) {
        int last = items.size() - 1;
        return last <= 0 ? String.join("", items) : String.join(", ", items.subList(0, last)) + " and " + items.get(last);
    }

    /** "1 column", "2 columns": a count and its noun, plural with an s but for 1. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
