package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The float32 engine computes the float64 gradient to float32 accuracy. */
class Float32PrecisionTest {

    /** ‖a - b‖ / ‖b‖. */
    static double relativeDistance(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    @ParameterizedTest(name = "{0} {1} fused={2}")
    @CsvSource({
        "'20,32:relu,16:tanh,5:softmax', cross_entropy, true",
        "'20,32:relu,16:tanh,5:softmax', cross_entropy, false",
        "'20,16:softmax,8:elu,3:sigmoid', binary_cross_entropy, true",
        "'20,32:leaky_relu(0.1),1:identity', huber(0.5), true",
    })
    void float32GradientMatchesFloat64ToSinglePrecision(String layers, String loss, boolean fused) {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 200, 17);
        double[] exact = new double[spec.layout().size()];
        double[] single = new double[spec.layout().size()];

        double lossExact = new Backprop(spec, 200, Precision.FLOAT64, fused).accumulateGradient(p.params(), p.block(), exact);
        double lossSingle = new Backprop(spec, 200, Precision.FLOAT32, fused)
                .accumulateGradient(p.params(), p.block().toFloat32(), single);

        double distance = relativeDistance(single, exact);
        System.out.printf("%s %s: float32 vs float64 gradient, relative distance %.2e%n", layers, loss, distance);
        assertTrue(distance < 1e-5, "relative distance " + distance);
        assertTrue(distance > 0, "float32 must really be computed in float32");
        assertEquals(lossExact, lossSingle, 1e-5 * Math.abs(lossExact));
    }

    @ParameterizedTest(name = "{0} rows")
    @CsvSource({"1", "2", "7", "200"})
    void float32PreActivationsStartFromTheBiasInEveryColumn(int rows) {
        NetworkSpec spec = NetworkSpec.parse("6,5:tanh,3:softmax", "cross_entropy");
        ParameterLayout layout = spec.layout();
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, rows, 31);
        // Zero weights: z_l = 0 a_{l-1} + b_l is b_l exactly in every column.
        double[] params = new double[layout.size()];
        for (int l = 1; l <= spec.depth(); l++) {
            for (int i = 0; i < layout.fanOut(l); i++) {
                params[layout.biasOffset(l) + i] = 0.25 * (i + 1) - l;
            }
        }
        Backprop float32 = new Backprop(spec, 200, Precision.FLOAT32, true).load(params);
        float32.predict(p.block().toFloat32());
        for (int l = 1; l <= spec.depth(); l++) {
            double[] z = float32.preActivation(l);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < layout.fanOut(l); i++) {
                    assertEquals(params[layout.biasOffset(l) + i], z[r * layout.fanOut(l) + i], 0.0,
                            "layer " + l + " row " + r + " unit " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} blocks")
    @CsvSource({"1", "64"})
    void blockSumsInDoubleKeepTheErrorFromGrowingWithTheRowCount(int blocks) {
        NetworkSpec spec = NetworkSpec.parse("10,16:tanh,3:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 64 * 100, 23);
        double[] exact = new double[spec.layout().size()];
        new Backprop(spec, 6400).accumulateGradient(p.params(), p.block(), exact);
        double[] single = new double[exact.length];
        Backprop float32 = new Backprop(spec, 6400, Precision.FLOAT32, true);
        int rows = 6400 / blocks;
        for (int b = 0; b < blocks; b++) {
            float32.accumulateGradient(p.params(), p.block().slice(b * rows, (b + 1) * rows).toFloat32(), single);
        }
        double distance = relativeDistance(single, exact);
        System.out.printf("6400 rows in %d float32 blocks: relative distance %.2e%n", blocks, distance);
        assertTrue(distance < 1e-5, "relative distance " + distance);
    }

    @org.junit.jupiter.api.Test
    void float32ParametersGiveBitForBitTheGradientOfTheDoubleOnesTheyRoundFrom() {
        NetworkSpec spec = NetworkSpec.parse("12,16:sigmoid,8:relu,4:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 50, 3);
        float[] rounded = new float[p.params().length];
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = (float) p.params()[i];
        }
        Backprop backprop = new Backprop(spec, 50, Precision.FLOAT32, true);
        double[] fromDouble = new double[rounded.length];
        double[] fromFloat = new double[rounded.length];
        double lossFromDouble = backprop.accumulateGradient(p.params(), p.block().toFloat32(), fromDouble);
        double lossFromFloat = backprop.accumulateGradient(rounded, p.block().toFloat32(), fromFloat);
        org.junit.jupiter.api.Assertions.assertArrayEquals(fromDouble, fromFloat);
        assertEquals(lossFromDouble, lossFromFloat);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Backprop(spec, 50)
                .accumulateGradient(rounded, p.block(), new double[rounded.length]));
        assertTrue(e.getMessage().contains("float32 parameters need a float32 Backprop"), e.getMessage());
        // And the predictions (what transform ships a float32 model's weights as)
        double[] predictedFromDouble = backprop.predict(p.params(), p.block().toFloat32()).clone();
        org.junit.jupiter.api.Assertions.assertArrayEquals(predictedFromDouble,
                backprop.load(rounded).predict(p.block().toFloat32()));
        e = assertThrows(IllegalArgumentException.class, () -> new Backprop(spec, 50).load(rounded));
        assertTrue(e.getMessage().contains("float32 parameters need a float32 Backprop"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT32", "FLOAT64"})
    void parametersLoadedOnceServeEveryBlockOfAPass(Precision precision) {
        NetworkSpec spec = NetworkSpec.parse("6,5:tanh,3:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 30, 8);
        Block all = precision == Precision.FLOAT32 ? p.block().toFloat32() : p.block();
        Backprop fresh = new Backprop(spec, 30, precision, true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fresh.loss(all));
        assertTrue(e.getMessage().contains("load(params)"), e.getMessage());

        Backprop each = new Backprop(spec, 30, precision, true);
        Backprop loaded = new Backprop(spec, 30, precision, true).load(p.params());
        for (int b = 0; b < 3; b++) {
            Block block = all.slice(b * 10, (b + 1) * 10);
            assertEquals(each.loss(p.params(), block), loaded.loss(block));
            org.junit.jupiter.api.Assertions.assertArrayEquals(each.predict(p.params(), block).clone(),
                    loaded.predict(block));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT32", "FLOAT64"})
    void aBlockOfTheOtherPrecisionIsRefused(Precision precision) {
        NetworkSpec spec = NetworkSpec.parse("3,2:tanh,1:identity", "mse");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 4, 1);
        Block other = precision == Precision.FLOAT32 ? p.block() : p.block().toFloat32();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Backprop(spec, 4, precision, true).loss(p.params(), other));
        assertTrue(e.getMessage().contains("this Backprop computes in " + precision.specName()), e.getMessage());
    }
}
