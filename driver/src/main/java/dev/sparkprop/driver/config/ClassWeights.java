package dev.sparkprop.driver.config;

import dev.sparkprop.driver.Prose;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * training.class_weights, parsed: none, balanced (inversely to each class's frequency), or the
 * weights given, one per class in class-index order.
 */
public record ClassWeights(boolean balanced, List<Double> given) {

    static final String BALANCED = "balanced";

    /** Whether the key is "", for no class weights. */
    public boolean none() {
        return !balanced && given.isEmpty();
    }

    /** @throws IllegalArgumentException for anything but "", "balanced" or numbers > 0 */
    /** What the setting takes, as its messages say it. */
    private static final String FORMS = "must be \"\", \"" + BALANCED + "\" or comma-separated numbers > 0, one per"
            + " class, e.g. \"1,1,5\"";

    static ClassWeights parse(String spec) {
        if (spec.isBlank()) {
            return new ClassWeights(false, List.of());
        }
        if (spec.equals(BALANCED)) {
            return new ClassWeights(true, List.of());
        }
        if (!spec.contains(",") && Prose.editDistance(spec.strip().toLowerCase(Locale.ROOT), BALANCED) <= 2) {
            throw new IllegalArgumentException(FORMS + "; got \"" + spec + "\": did you mean \"" + BALANCED + "\"?");
        }
        List<Double> weights = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            double w;
            try {
                w = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                w = Double.NaN;
            }
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(FORMS + "; '" + part.trim() + "' in \"" + spec + "\" is not");
            }
            weights.add(w);
        }
        return new ClassWeights(false, List.copyOf(weights));
    }
}
