package dev.sparkprop.driver.ml;

/**
 * Hands a uid to a Java subclass of a Spark ML class before its superclass constructor runs:
 * Spark's shared params (featuresCol, ...) are created in that constructor and ask for
 * {@code uid()}, which a Java field cannot answer yet. A constructor calls
 * {@code this(PendingUid.hold(uid))}; {@code uid()} reads {@link #current()} until the field is set.
 */
final class PendingUid {

    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private PendingUid() {
    }

    static PendingUid hold(String uid) {
        PENDING.set(uid);
        return new PendingUid();
    }

    static String current() {
        return PENDING.get();
    }

    /** The held uid, now that the constructor can store it. */
    String take() {
        String uid = PENDING.get();
        PENDING.remove();
        return uid;
    }
}
