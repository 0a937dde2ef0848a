package dev.sparkprop.driver;

/** This build of sparkprop, as --version prints it and each saved model records its writer. */
public final class Version {

    private Version() {
    }

    /** "sparkprop" and the version in the application jar's manifest (absent when it runs from classes). */
    public static String describe() {
        String v = Version.class.getPackage().getImplementationVersion();
        return "sparkprop " + (v == null ? "(built from classes, no version)" : v);
    }
}
