package dev.sparkprop.driver.train;

import java.io.Serializable;

/**
 * The standardisation learned from the training rows: of the features, and for regression of
 * the targets too (so a target in the hundreds trains like one near 0; predictions are scaled
 * back). Either part may be null: used as given. Validation and test rows reuse the training
 * data's scaling.
 */
public record Scaling(Standardizer features, Standardizer targets) implements Serializable {

    public static final Scaling NONE = new Scaling(null, null);

    /** y in original units from a standardised y', in place, for {@code targets().features()} values. */
    public void unscaleTargets(double[] y, int off) {
        if (targets != null) {
            targets.invert(y, off);
        }
    }
}
