package dev.sparkprop.driver.config;

import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.LayerSpec;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Losses;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Task;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The network keys ({@code network.*}), parsed: the layers, the loss and the initializer. What
 * each key means is in {@code reference.conf}.
 *
 * @param inputWidth the input width of network.layers; empty while it is {@code auto}, until
 *                   {@link JobConfig#withInputWidth} gives it the data's
 * @param layers     the dense layers 1..L
 */
public record NetworkSection(OptionalInt inputWidth, List<LayerSpec> layers, Loss loss, Initializer initializer) {

    public static final Setting<String> LAYERS = Setting.requiredSpec("network.layers", layers -> {
        NetworkSpec.checkLayers(layers);
        return layers;
    }).param();
    public static final Setting<Loss> LOSS = Setting.requiredSpec("network.loss", Losses::parse).param();
    public static final Setting<Initializer> INITIALIZER = Setting.choice("network.initializer",
            Arrays.stream(Initializer.values()).map(Initializer::specName).toList(), Initializer::parse).param();

    static final List<Setting<?>> SETTINGS = List.of(LAYERS, LOSS, INITIALIZER);

    static NetworkSection read(ConfigReader r) {
        String layers = LAYERS.read(r);
        Loss loss = LOSS.read(r);
        // Whether the loss can score the last layer is a problem of the loss
        NetworkSpec checked = r.valid(LAYERS.key(), LOSS.key())
                ? r.parse(LOSS.key(), () -> NetworkSpec.parseForChecks(layers, loss.name()), null) : null;
        Initializer initializer = INITIALIZER.read(r);
        if (checked == null) {
            return new NetworkSection(OptionalInt.empty(), List.of(), loss, initializer);
        }
        return new NetworkSection(NetworkSpec.hasAutoInputWidth(layers) ? OptionalInt.empty()
                : OptionalInt.of(checked.inputWidth()), checked.layers(), checked.loss(), initializer);
    }

    /**
     * The network to train.
     *
     * @throws IllegalStateException while the input width is {@code auto}
     */
    public NetworkSpec spec() {
        return new NetworkSpec(inputWidth.orElseThrow(() -> new IllegalStateException("network.layers starts with "
                + NetworkSpec.AUTO + ", which the data decides; JobConfig.withInputWidth resolves it")), layers, loss);
    }

    /** What the network predicts, known before the input width is. */
    public Task task() {
        return Task.of(loss, outputWidth());
    }

    /** n_L, the width of the output layer. */
    public int outputWidth() {
        return layers.get(layers.size() - 1).units();
    }
}
