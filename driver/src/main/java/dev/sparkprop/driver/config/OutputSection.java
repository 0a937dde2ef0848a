package dev.sparkprop.driver.config;

import java.util.List;

/**
 * The output keys ({@code output.*}): where the model and the report go. What each key means
 * is in {@code reference.conf}.
 *
 * @param reportPath output.report_path, with "" already replaced by {@code <model_path>/report}
 */
public record OutputSection(String modelPath, String reportPath, boolean overwrite) {

    public static final Setting<String> MODEL_PATH = Setting.required("output.model_path");
    public static final Setting<String> REPORT_PATH = Setting.string("output.report_path");
    public static final Setting<Boolean> OVERWRITE = Setting.bool("output.overwrite");

    static final List<Setting<?>> SETTINGS = List.of(MODEL_PATH, REPORT_PATH, OVERWRITE);

    static OutputSection read(ConfigReader r) {
        String modelPath = MODEL_PATH.read(r);
        String report = REPORT_PATH.read(r);
        String reportPath = report.isEmpty() ? defaultReportPath(modelPath) : report;
        r.record(REPORT_PATH.key(), reportPath);
        return new OutputSection(modelPath, reportPath, OVERWRITE.read(r));
    }

    /** Whether the report goes where it goes when output.report_path is "": beside the model. */
    public boolean reportBesideModel() {
        return reportPath.equals(defaultReportPath(modelPath));
    }

    private static String defaultReportPath(String modelPath) {
        return modelPath.replaceFirst("/+$", "") + "/report";
    }
}
