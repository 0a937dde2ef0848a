package dev.sparkprop.driver.model;

import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;

/**
 * A model's parts against each other: the metadata against the network it describes, the
 * weights against both. What is written is checked as what is read, so a model that saves also
 * loads.
 */
final class ModelConsistency {

    private ModelConsistency() {
    }

    /** The layers parse, and the parameter count and every preprocessing length match them; messages name the field. */
    static void check(ModelMetadata m) {
        NetworkSpec spec;
        try {
            spec = NetworkSpec.parse(m.layers(), m.loss());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network.layers '" + m.layers() + "' with loss '" + m.loss()
                    + "' is not a valid network: " + e.getMessage(), e);
        }
        int size = spec.layout().size();
        if (m.parameters() != size) {
            throw new IllegalArgumentException("network.parameters is " + m.parameters() + " but layers "
                    + m.layers() + " have " + size);
        }
        Preprocessing p = m.preprocessing();
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        if (p.inputWidth() != in) {
            throw new IllegalArgumentException("preprocessing.features encode to " + p.inputWidth()
                    + " inputs but the network takes " + in);
        }
        checkLength("preprocessing.featureMean", p.featureMean(), in, "network inputs");
        checkLength("preprocessing.featureScale", p.featureScale(), in, "network inputs");
        checkLength("preprocessing.targetMean", p.targetMean(), out, "network outputs");
        checkLength("preprocessing.targetScale", p.targetScale(), out, "network outputs");
        checkLength("preprocessing.featureFill", p.featureFill(), in, "network inputs");
        // One unit per class, except a single sigmoid unit, which scores two.
        int classes = out == 1 ? 2 : out;
        if (p.classes() != null && p.classes().size() != classes) {
            throw new IllegalArgumentException("preprocessing.classes has " + p.classes().size()
                    + " classes but the network's " + out + " outputs score " + classes);
        }
    }

    private static void checkLength(String field, double[] values, int expected, String what) {
        if (values != null && values.length != expected) {
            throw new IllegalArgumentException(field + " has " + values.length + " values but there are "
                    + expected + " " + what);
        }
    }

    /** Length and finiteness of the weights of consistent metadata; {@code source} starts the message. */
    static void checkParams(ModelMetadata metadata, double[] params, String source) {
        if (params.length != metadata.parameters()) {
            throw new IllegalArgumentException(source + ": there are " + params.length
                    + " parameters but network.parameters is " + metadata.parameters());
        }
        ParameterLayout layout = NetworkSpec.parse(metadata.layers(), metadata.loss()).layout();
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(params[i])) {
                throw new IllegalArgumentException(source + ": parameter " + layout.describe(i) + " (index " + i
                        + ") is " + params[i] + "; a model with non-finite weights cannot predict");
            }
        }
    }
}
