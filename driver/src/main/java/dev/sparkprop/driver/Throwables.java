package dev.sparkprop.driver;

/** What an exception's chain of causes holds. */
public final class Throwables {

    private Throwables() {
    }

    /** Whether {@code e} or one of its causes is a {@code kind}. */
    public static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
