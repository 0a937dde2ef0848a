package dev.sparkprop.nn;

import java.util.List;

/**
 * The description of one dense layer: z = W a + b, a = f(z), with {@code units} outputs, and the
 * fraction of those outputs that inverted dropout zeroes while training (0 for none).
 */
public record LayerSpec(int units, Activation activation, double dropout) {

    /**
     * A layer's dropout, written among its activation's arguments ({@code 128:relu(dropout=0.2)}):
     * the probability that training drops each of the layer's outputs a_l.
     */
    static final SpecParameter DROPOUT = SpecParameter.decimal("dropout", 0.0, SpecParameter.Range.UNIT);

    public LayerSpec {
        if (activation == null) {
            throw new IllegalArgumentException("a layer needs an activation; use one of " + Activations.NAMES);
        }
        if (!DROPOUT.range().contains().test(dropout)) {
            throw new IllegalArgumentException("a layer's dropout must be " + DROPOUT.range().text() + ", got "
                    + dropout + "; e.g. 16:relu(dropout=0.2)");
        }
    }

    /** A layer without dropout. */
    public LayerSpec(int units, Activation activation) {
        this(units, activation, 0);
    }

    /** The layer {@code units:activation}, its activation spec perhaps giving {@code dropout=p} too. */
    static LayerSpec parse(int units, String activation) {
        SpecFamily.Parsed<Activation> parsed = Activations.SPECS.parse(activation, List.of(DROPOUT));
        return new LayerSpec(units, parsed.value(), parsed.extras().number(DROPOUT.name()));
    }

    /**
     * {@code units:activation}, the form {@link NetworkSpec#parse} reads, with {@code dropout=p}
     * among the activation's arguments when p > 0 (no dropout writes none, as before dropout was).
     */
    @Override
    public String toString() {
        String f = activation.name();
        return units + ":" + (dropout == 0 ? f : Spec.withArgument(f, DROPOUT.name(), Spec.number(dropout)));
    }
}
