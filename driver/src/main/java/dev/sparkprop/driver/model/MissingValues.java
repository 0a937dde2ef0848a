package dev.sparkprop.driver.model;

import java.util.Locale;

/**
 * What a row with a missing or non-finite feature value gets (the job key {@code data.missing}):
 * an error naming the column, left out, or filled with the training rows' mean (a category of
 * its own for a categorical column).
 */
public enum MissingValues {
    ERROR, DROP, IMPUTE;

    /** The data.missing value: "error", "drop" or "impute". */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but "error", "drop" or "impute" */
    public static MissingValues of(String setting) {
        for (MissingValues m : values()) {
            if (m.setting().equals(setting)) {
                return m;
            }
        }
        throw new IllegalArgumentException("data.missing must be \"error\", \"drop\" or \"impute\", got '" + setting
                + "'");
    }
}
