package dev.sparkprop.driver.train;

/**
 * Bad training data found inside a Spark task (a missing, non-numeric or out-of-range value).
 * Its own type lets the driver tell it from Spark's failures and show its message as it is.
 */
public final class InvalidDataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidDataException(String message) {
        super(message);
    }
}
