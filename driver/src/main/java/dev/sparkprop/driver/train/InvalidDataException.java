package dev.sparkprop.driver.train;

/**
 * Bad data found by a pass over the rows (missing, non-finite or out-of-range values, unknown
 * classes, ...; see {@link DataProblems}), raised on the driver once the pass is done, with every
 * problem in one message.
 */
public final class InvalidDataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidDataException(String message) {
        super(message);
    }
}
