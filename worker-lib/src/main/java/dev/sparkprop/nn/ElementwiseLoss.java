package dev.sparkprop.nn;

/**
 * A loss that is a sum of one term ℓ(a_i, y_i) per output unit, times the reduction factor. Its
 * name is its canonical spec, which holds every parameter and the reduction, so two losses of
 * one class with equal names are equal.
 */
abstract class ElementwiseLoss implements Loss {

    private final String name;
    private final Reduction reduction;

    ElementwiseLoss(String name, Reduction reduction) {
        this.name = name;
        this.reduction = reduction;
    }

    /** ℓ(a, y). */
    abstract double term(double a, double y);

    /** dℓ/da. */
    abstract double termDerivative(double a, double y);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Reduction reduction() {
        return reduction;
    }

    @Override
    public double evaluate(double[] a, double[] y, double[] w, double[] grad, int units, int rows) {
        double factor = reduction.factor(units);
        double total = 0;
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            double sum = 0;
            double scale = w[r] * factor;
            for (int i = off; i < off + units; i++) {
                sum += term(a[i], y[i]);
                if (grad != null) {
                    grad[i] = scale * termDerivative(a[i], y[i]);
                }
            }
            total += w[r] * factor * sum;
        }
        return total;
    }

    @Override
    public void checkFits(Activation activation, int units) {
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof ElementwiseLoss l && l.getClass() == getClass() && l.name.equals(name);
    }

    @Override
    public final int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
