package dev.sparkprop.driver.model;

import java.util.List;
import java.util.Map;

/**
 * What a model directory says about its model besides the weights.
 *
 * @param formatVersion {@link #FORMAT_VERSION}; loading also reads version 1, the format before
 *                      data.missing, as its version-2 equivalent (data.missing = "error", no
 *                      fill values, no dropped rows)
 * @param layers        network layers spec, e.g. {@code 64,32:relu,10:softmax}
 * @param loss          loss spec, e.g. {@code cross_entropy(reduction=sum)}; models written before
 *                      the one spec syntax say {@code cross_entropy:sum}, which still parses
 * @param parameters    length of the flat parameter array (checked against the layers and the weights file)
 * @param preprocessing how raw rows become inputs and targets
 * @param config        the effective job config, flattened key to rendered value, in key order
 * @param history       per-epoch metrics of the training run
 * @param droppedRows   training rows left out by data.missing = "drop", per feature column whose
 *                      value was missing or non-finite (a row counts under each such column);
 *                      empty when none were
 * @param createdBy     e.g. {@code sparkprop 0.1.0}
 * @param createdAt     ISO-8601 instant
 */
public record ModelMetadata(int formatVersion, String layers, String loss, int parameters,
                            Preprocessing preprocessing, Map<String, String> config, List<EpochRecord> history,
                            Map<String, Long> droppedRows, String createdBy, String createdAt)
        implements java.io.Serializable {

    /** Version 2 added preprocessing.missing, preprocessing.featureFill and droppedRows. */
    public static final int FORMAT_VERSION = 2;

    public ModelMetadata {
        config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        history = List.copyOf(history);
        droppedRows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(droppedRows));
    }
}
