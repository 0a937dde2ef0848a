package dev.sparkprop.driver;

import java.util.ArrayList;
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

    /** Items listed in full up to this many; more are shown as their first and last few, and counted. */
    static final int LISTED = 24;

    /**
     * {@code shown} (the items as the message writes them) as a list, [a, b]; past {@link #LISTED}
     * items, its first and last few and how many {@code noun} there are: [a, b, ..., y, z] (30 columns).
     */
    public static String abbreviated(List<String> shown, String noun) {
        if (shown.size() <= LISTED) {
            return shown.toString();
        }
        List<String> parts = new ArrayList<>(shown.subList(0, LISTED - 4));
        parts.add("...");
        parts.addAll(shown.subList(shown.size() - 3, shown.size()));
        return parts + " (" + shown.size() + " " + noun + ")";
    }

    /** "1 column", "2 columns": a count and its noun, plural with an s but for 1. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * The fewest one-character insertions, deletions, substitutions and swaps of two neighbours
     * (lable, label) from a to b: the optimal string alignment distance.
     */
    public static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
