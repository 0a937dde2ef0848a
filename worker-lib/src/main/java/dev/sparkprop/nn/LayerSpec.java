package dev.sparkprop.nn;

/** The description of one dense layer: z = W a + b, a = f(z), with {@code units} outputs. */
public record LayerSpec(int units, Activation activation) {

    public LayerSpec {
        if (activation == null) {
            throw new IllegalArgumentException("a layer needs an activation; use one of " + Activations.NAMES);
        }
    }

    /** {@code units:activation}, the form {@link NetworkSpec#parse} reads. */
    @Override
    public String toString() {
        return units + ":" + activation.name();
    }
}
