package dev.sparkprop.driver.cli;

import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.NetworkSpec;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkprop gradcheck}: backprop against finite differences on a random network and batch. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = {"Checks backprop against finite differences on a random network.",
                "Builds a random network and batch, compares backprop with central finite",
                "differences in float64 for every parameter, and prints max_rel_error=<value>",
                "last. Exits 0 when it is at most 1e-6, 1 otherwise."})
final class GradcheckCommand implements Callable<Integer> {

    @Option(names = "--layers", required = true, paramLabel = "<in>,<units>:<activation>,...",
            description = {"Input width, then one units:activation per dense",
                    "layer, for example 5,7:tanh,4:softmax."})
    String layers;

    @Option(names = "--loss", required = true, paramLabel = "<loss>",
            description = {"mse, huber(delta=1.0), cross_entropy or",
                    "binary_cross_entropy, each with an optional",
                    "reduction over outputs, for example",
                    "mse(reduction=sum) (or mse:sum)."})
    String loss;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the weights and the batch (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rows", defaultValue = "8", description = "Rows in the batch (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--general-head", description = {"Check the general Jacobian route even where a",
            "fused softmax/cross-entropy or",
            "sigmoid/binary-cross-entropy head exists."})
    boolean generalHead;

    @Override
    public Integer call() {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
        }
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        // netlib logs its choice of BLAS through java.util.logging, whose default handler prints two lines
        // to the console; routed as Spark routes it in the other commands, it goes where the logging config says
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        GradientCheck.Problem problem = GradientCheck.randomProblem(spec, rows, seed);
        GradientCheck.Result result = GradientCheck.run(spec, problem.params(), problem.block(), problem.masks(),
                !generalHead,
                GradientCheck.DEFAULT_STEP, GradientCheck.DEFAULT_MIN_ABSOLUTE_ERROR,
                GradientCheck.DEFAULT_MAX_RELATIVE_ERROR);
        System.out.println("network: " + spec + (generalHead || !spec.outputHead(true).isFused()
                ? " (general output head" : " (fused output head")
                + (problem.masks() != null ? "; dropout masks fixed)" : ")"));
        System.out.println(result.summary());
        System.out.println(result.passed() ? "PASS" : "FAIL: bound " + result.bound());
        System.out.println("max_rel_error=" + result.maxRelativeError());
        return result.passed() ? 0 : 1;
    }
}
