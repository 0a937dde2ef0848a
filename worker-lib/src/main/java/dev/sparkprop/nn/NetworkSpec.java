package dev.sparkprop.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A network's description: input width, dense layers l = 1..L (units, activation, dropout) and the loss.
 * Holds no weights; {@link #layout()} says where each layer's W and b sit in the flat array.
 */
public final class NetworkSpec {

    private final int inputWidth;
    private final List<LayerSpec> layers;
    private final Loss loss;
    private final Task task;

    /**
     * @throws IllegalArgumentException naming the first problem: no layers, a width below 1,
     *         softmax over a single unit, or a loss that cannot score the output activation
     */
    public NetworkSpec(int inputWidth, List<LayerSpec> layers, Loss loss) {
        if (inputWidth < 1) {
            throw new IllegalArgumentException("input width must be at least 1, got " + inputWidth);
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer after the input width,"
                    + " e.g. 4,16:relu,3:softmax");
        }
        if (loss == null) {
            throw new IllegalArgumentException("a network needs a loss; use one of " + Losses.NAMES);
        }
        for (int l = 1; l <= layers.size(); l++) {
            LayerSpec layer = layers.get(l - 1);
            if (layer.units() < 1) {
                throw new IllegalArgumentException("layer " + l + " has " + layer.units()
                        + " units; every layer needs at least 1");
            }
            if (layer.activation() instanceof Softmax && layer.units() < 2) {
                throw new IllegalArgumentException("layer " + l + " is softmax over 1 unit, which is always 1;"
                        + " use sigmoid for one output, or give softmax at least 2 units");
            }
        }
        LayerSpec output = layers.get(layers.size() - 1);
        if (output.dropout() > 0) {
            throw new IllegalArgumentException("layer " + layers.size() + " (" + output + ") is the output layer, which"
                    + " dropout never applies to: training would drop predictions; give dropout=... to hidden layers"
                    + " only, e.g. 4,16:relu(dropout=0.2),3:softmax");
        }
        loss.checkFits(output.activation(), output.units());
        this.inputWidth = inputWidth;
        this.layers = List.copyOf(layers);
        this.loss = loss;
        this.task = Task.of(loss, output.units());
    }

    /** The input width that {@link #withInputWidth} takes from the data, e.g. {@code auto,16:relu,3:softmax}. */
    public static final String AUTO = "auto";

    /**
     * Parses {@code <in>,<units>:<activation>,...}, e.g. {@code 5,7:tanh,4:softmax}, a hidden layer's
     * activation perhaps giving its dropout too ({@code 7:tanh(dropout=0.2)}), and a loss
     * spec such as {@code mse} (see {@link Losses#parse}).
     *
     * @throws IllegalArgumentException also for an {@code auto} input width, which only the data
     *         can resolve ({@link #withInputWidth})
     */
    public static NetworkSpec parse(String layers, String loss) {
        Layers parsed = parseLayers(layers);
        if (parsed.input() == AUTO_WIDTH) {
            throw new IllegalArgumentException("the input width of '" + layers + "' is " + AUTO
                    + ", which comes from the data; resolve it first");
        }
        return new NetworkSpec(parsed.input(), parsed.specs(), Losses.parse(loss));
    }

    /**
     * Parses a network whose input width may be {@code auto}, standing in 1 for it: for checks of
     * the layers and the loss before the data is read (a spec to check with, never to train).
     */
    public static NetworkSpec parseForChecks(String layers, String loss) {
        // Parsed as written, so that a message quotes the user's spec, auto included
        Layers parsed = parseLayers(layers);
        return new NetworkSpec(parsed.input() == AUTO_WIDTH ? 1 : parsed.input(), parsed.specs(), Losses.parse(loss));
    }

    /** Checks a layers spec on its own, before a loss is known; throws as {@link #parse} does. */
    public static void checkLayers(String layers) {
        parseForChecks(layers, "mse");
    }

    /** Whether {@code layers} starts with {@code auto}: the data gives the input width. */
    public static boolean hasAutoInputWidth(String layers) {
        return layers != null && firstPart(layers).equalsIgnoreCase(AUTO);
    }

    /** {@code layers} with an {@code auto} input width replaced by {@code width}; other specs unchanged. */
    public static String withInputWidth(String layers, int width) {
        if (!hasAutoInputWidth(layers)) {
            return layers;
        }
        String trimmed = layers.trim();
        return width + trimmed.substring(firstPart(layers).length());
    }

    private static String firstPart(String layers) {
        return layers.trim().split("\\s*,", 2)[0];
    }

    /** parseLayers' stand-in for an {@code auto} input width. */
    private static final int AUTO_WIDTH = -1;

    private record Layers(int input, List<LayerSpec> specs) {
    }

    /**
     * The layer list: commas between layers, and {@code <units>:<activation>} for each, the
     * activation a spec ({@link Activations#parse}) whose own commas do not split layers.
     */
    private static Layers parseLayers(String layers) {
        List<String> parts = Spec.splitList(layers == null ? "" : layers.trim());
        // as String.split did before, a trailing comma adds no layer
        while (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        int input = parts.get(0).equalsIgnoreCase(AUTO) ? AUTO_WIDTH : parseInt(parts.get(0), "input width", layers);
        List<LayerSpec> specs = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            String[] unitsAndActivation = parts.get(i).split(":", 2);
            if (unitsAndActivation.length != 2) {
                throw new IllegalArgumentException("layer '" + parts.get(i) + "' in '" + layers
                        + "' must read <units>:<activation>, e.g. 16:relu");
            }
            int units = parseInt(unitsAndActivation[0], "units of layer " + i, layers);
            specs.add(LayerSpec.parse(units, unitsAndActivation[1]));
        }
        return new Layers(input, specs);
    }

    private static int parseInt(String s, String what, String whole) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " in '" + whole + "' must be a whole number, got '" + s
                    + "'; layers read <in>,<units>:<activation>,... e.g. 5,7:tanh,4:softmax (<in> may be auto: the"
                    + " width of the encoded data)");
        }
    }

    public int inputWidth() {
        return inputWidth;
    }

    /** Layers 1..L (docs/math.md's numbering), at indices 0..L-1. */
    public List<LayerSpec> layers() {
        return layers;
    }

    /** Whether training drops some layer's outputs (a layer with dropout=p > 0). */
    public boolean hasDropout() {
        return layers.stream().anyMatch(layer -> layer.dropout() > 0);
    }

    /** L, the number of dense layers. */
    public int depth() {
        return layers.size();
    }

    /** n_l for l = 0..L (n_0 is the input width). */
    public int width(int l) {
        return l == 0 ? inputWidth : layers.get(l - 1).units();
    }

    public int outputWidth() {
        return width(depth());
    }

    public Loss loss() {
        return loss;
    }

    /** What the network predicts: multiclass, binary, multi-label or regression, with its classes. */
    public Task task() {
        return task;
    }

    public ParameterLayout layout() {
        return new ParameterLayout(this);
    }

    /** The output head: fused log-sum-exp when the pair has one and {@code allowFused}, else general. */
    public OutputHead outputHead(boolean allowFused) {
        return OutputHead.forLayer(layers.get(depth() - 1).activation(), loss, allowFused);
    }

    /** The layers in {@link #parse} form with canonical activation specs, e.g. {@code 5,7:elu(alpha=1.0),4:softmax}. */
    public String layersSpec() {
        StringBuilder sb = new StringBuilder().append(inputWidth);
        for (LayerSpec layer : layers) {
            sb.append(',').append(layer);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return layersSpec() + " loss=" + loss.name();
    }
}
