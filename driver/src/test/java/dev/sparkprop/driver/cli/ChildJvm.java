package dev.sparkprop.driver.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a JVM that runs {@link Main} as bin/sparkprop would, with no SparkSession of the tests'. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * @param options JVM options (e.g. -Dspark.master=local[2]) after this JVM's own
     * @param args    Main's arguments
     */
    static List<String> command(List<String> options, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // This JVM's flags (the --add-opens Spark needs) and classpath, as bin/sparkprop would give
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
