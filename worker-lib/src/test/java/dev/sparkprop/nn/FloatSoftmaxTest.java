package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The float32 softmax on the transpose, and its class-index head and count, against the double
 * softmax (within 4 ulps) and, bit for bit, against the row-by-row one-hot head and
 * {@link Task#correctWeight} they stand in for.
 */
class FloatSoftmaxTest {

    /** Values that test the edges: the first {@link #FINITE_SPECIALS} are finite. */
    private static final float[] SPECIAL = {0f, -0f, 1e30f, -1e30f, Float.MIN_VALUE, 88f, -104f,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN};
    private static final int FINITE_SPECIALS = 7;

    @Test
    void float32SoftmaxIsWithinFourUlpsOfTheDoubleOneAndGivesTheSameBitsBeforeAndAfterTheJit() {
        int units = 10;
        int rows = 1000;
        Random random = new Random(3);
        float[] z = new float[units * rows];
        for (int i = 0; i < z.length; i++) {
            // Scales up to 60 make outputs far into the subnormals and 0 as well as near 1.
            z[i] = (float) (random.nextGaussian() * new double[] {0.01, 1, 10, 60}[i / units % 4]);
        }
        z[7] = Float.NEGATIVE_INFINITY;
        double[] exact = new double[z.length];
        Activations.softmax().apply(SoftmaxTest.widened(z), exact, units, rows);
        float[] cold = new float[z.length];
        FloatSoftmax coldSoftmax = new FloatSoftmax(units, rows);
        coldSoftmax.apply(z, units, rows);
        coldSoftmax.values(cold);
        double worst = 0;
        for (int i = 0; i < z.length; i++) {
            float reference = (float) exact[i];
            worst = Math.max(worst, cold[i] == reference ? 0 : Math.abs((double) cold[i] - reference)
                    / Math.ulp(reference));
        }
        System.out.printf("float32 softmax vs double, worst %.1f ulps%n", worst);
        assertTrue(worst <= 4, worst + " ulps");
        float[] hot = new float[z.length];
        FloatSoftmax softmax = new FloatSoftmax(units, rows);
        for (int t = 0; t < 5_000; t++) {
            softmax.apply(z, units, rows);
            softmax.values(hot);
        }
        assertArrayEquals(cold, hot);
    }

    @Test
    void classIndexHeadAndCountGiveTheBitsOfTheOneHotHeadAndTasksCount() {
        SplittableRandom random = new SplittableRandom(7);
        int maxUnits = 12;
        int maxRows = 300;
        FloatSoftmax softmax = new FloatSoftmax(maxUnits, maxRows);
        int finiteLosses = 0;
        for (int t = 0; t < 2_000; t++) {
            int units = 2 + random.nextInt(maxUnits - 1);
            int rows = 1 + random.nextInt(t % 10 == 0 ? maxRows : 40);
            // Every other case without NaN and infinities, so that its total loss is a number to compare
            Case c = randomCase(random, units, rows, t % 2 == 0);
            OutputHead head = OutputHead.forLayer(Activations.softmax(), Losses.parse(t % 4 < 2 ? "cross_entropy"
                    : "cross_entropy:mean"), true);
            float[] a = new float[units * rows];
            softmax.apply(c.z, units, rows);
            softmax.values(a);
            float[] oneHotDelta = new float[a.length];
            double oneHotLoss = ((OutputHead.Float32) head).lossAndDelta(c.z, a, c.oneHot(), c.w, oneHotDelta, units,
                    rows);
            float[] delta = new float[a.length];
            double loss = ((OutputHead.Float32) head).lossAndDeltaOfClasses(softmax, c.z, c.classes, c.w, delta,
                    units, rows);
            String where = "case " + t + ", " + units + " units, " + rows + " rows";
            assertEquals(oneHotLoss, loss, 0.0, where);
            finiteLosses += Double.isFinite(loss) ? 1 : 0;
            assertArrayEquals(oneHotDelta, delta, where);
            Task task = NetworkSpec.parse("1," + units + ":softmax", "cross_entropy").task();
            Block block = Block.float32OfClasses(1, units, new float[rows], c.classes, c.w, rows);
            assertEquals(task.correctWeight(SoftmaxTest.widened(a), block), softmax.correctWeight(c.classes, c.w,
                    rows), 0.0, where);
        }
        assertTrue(finiteLosses >= 1_000, finiteLosses + " cases compared a finite loss");
    }

    @Test
    void everyVectorPassWithItsScalarTwinOnTheRestGivesTheScalarPassBitsWithSignedZerosInfinitiesAndNaN() {
        SplittableRandom random = new SplittableRandom(11);
        int units = 3;
        // 203 = whole vectors of any lane count up to 64, then a tail
        int rows = 203;
        float[] x = randomCase(random, units, rows, true).z;
        float inf = Float.POSITIVE_INFINITY;
        float[][] special = {{-0f, 0f, -1f}, {0f, -0f, -1f}, {Float.NaN, 1f, 2f}, {1f, Float.NaN, 2f},
            {inf, 1f, 2f}, {-inf, -inf, -inf}, {-inf, 3f, -inf}, {-0f, -0f, -0f}, {2f, 2f, 1f}};
        for (int k = 0; k < special.length; k++) {
            for (int r : new int[] {k, rows - 1 - k}) {
                for (int u = 0; u < units; u++) {
                    x[u * rows + r] = special[k][u];
                }
            }
        }
        double[] s = new double[rows];
        for (int r = 0; r < rows; r++) {
            s[r] = 1 / (1 + 9 * random.nextDouble());
        }
        int[] offsets = new int[64];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = i * units;
        }
        Passes scalar = Passes.of(x, rows);
        FloatSoftmax.maxAndShift(scalar.shifted, scalar.lo, scalar.max, units, 0, rows);
        FloatSoftmax.transpose(x, scalar.transposed, units, 0, rows);
        FloatSoftmax.reciprocalSums(x, scalar.sums, units, 0, rows);
        FloatSoftmax.scale(x, scalar.scaled, s, units, 0, rows);
        FloatSoftmax.argmax(x, scalar.argmax, units, 0, rows);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(scalar.max[0]), "Math.max(-0, 0) is 0");
        assertTrue(Float.isNaN(scalar.max[3]) && Float.isNaN(scalar.max[rows - 4]), "a NaN anywhere makes the max NaN");
        assertEquals(0, scalar.argmax[8], "the first of equal largest values");
        assertEquals((float) (x[2 * rows + 7] * s[7]), scalar.scaled[2 * rows + 7], 0f);
        for (int t = 0; t < 2_000; t++) {
            // Every call, before and after the JIT compiles it.
            Passes vector = Passes.of(x, rows);
            FloatSoftmax.maxAndShift(vector.shifted, vector.lo, vector.max, units,
                    VectorSoftmax.maxAndShift(vector.shifted, vector.lo, vector.max, units, rows), rows);
            FloatSoftmax.transpose(x, vector.transposed, units,
                    VectorSoftmax.transpose(x, vector.transposed, offsets, units, rows), rows);
            FloatSoftmax.reciprocalSums(x, vector.sums, units, VectorSoftmax.reciprocalSums(x, vector.sums, units, rows),
                    rows);
            FloatSoftmax.scale(x, vector.scaled, s, units, VectorSoftmax.scale(x, vector.scaled, s, units, rows), rows);
            FloatSoftmax.argmax(x, vector.argmax, units, VectorSoftmax.argmax(x, vector.argmax, units, rows), rows);
            String call = "call " + t;
            assertArrayEquals(scalar.max, vector.max, call);
            assertArrayEquals(scalar.shifted, vector.shifted, call);
            assertArrayEquals(scalar.lo, vector.lo, call);
            assertArrayEquals(scalar.transposed, vector.transposed, call);
            assertArrayEquals(scalar.sums, vector.sums, call);
            assertArrayEquals(scalar.scaled, vector.scaled, call);
            assertArrayEquals(scalar.argmax, vector.argmax, call);
        }
    }

    /** The outputs of each pass over one block. */
    private record Passes(float[] shifted, float[] lo, float[] max, float[] transposed, double[] sums, float[] scaled,
                          int[] argmax) {
        static Passes of(float[] x, int rows) {
            return new Passes(x.clone(), new float[x.length], new float[rows], new float[x.length], new double[rows],
                    new float[x.length], new int[rows]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"6,5:tanh,4:softmax", "6,8:softmax,4:softmax"})
    void float32BackpropGivesTheSameBitsOnClassIndicesAsOnTheirOneHotRows(String layers) {
        NetworkSpec spec = NetworkSpec.parse(layers, "cross_entropy");
        int rows = 37;
        SplittableRandom random = new SplittableRandom(5);
        Case c = randomCase(random, 4, rows, false);
        float[] x = new float[6 * rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        double[] params = Initializer.XAVIER_UNIFORM.initialise(spec, 3);
        Block classes = Block.float32OfClasses(6, 4, x, c.classes, c.w, rows);
        Block oneHot = Block.float32(6, 4, x, c.oneHot(), c.w, rows);
        Backprop backprop = new Backprop(spec, rows, Precision.FLOAT32, true);
        GradientSum classSum = new GradientSum(params.length).add(backprop, params, classes);
        double[] classOutput = backprop.lastOutput().clone();
        GradientSum oneHotSum = new GradientSum(params.length).add(backprop, params, oneHot);
        // a_L, which training on class indices leaves in the softmax until something reads it
        assertArrayEquals(backprop.lastOutput(), classOutput, 0.0);
        assertEquals(oneHotSum.lossSum(), classSum.lossSum(), 0.0);
        assertArrayEquals(oneHotSum.gradient(), classSum.gradient(), 0.0);
        assertEquals(oneHotSum.correctWeight(), classSum.correctWeight(), 0.0);
        assertTrue(classSum.correctWeight() > 0 && classSum.correctWeight() < c.weightSum(),
                "a count that could be wrong: " + classSum.correctWeight());
        // A block of no rows after them adds nothing, not the last block's count again
        double correct = classSum.correctWeight();
        classSum.add(backprop, params, classes.slice(0, 0));
        assertEquals(correct, classSum.correctWeight(), 0.0);
    }

    @Test
    void roundingErrorMakesTheFloatSumExactForAnyMagnitudes() {
        Random random = new Random(5);
        for (int t = 0; t < 100_000; t++) {
            // Magnitudes up to 2^±40 apart: exact in double up to 2^29 apart, so the check is exact then.
            float x = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(41) - 20));
            float y = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(41) - 20));
            float s = x + y;
            double exact = (double) x + y;
            double recovered = (double) s + FloatSoftmax.roundingError(x, y, s);
            if (Math.abs(Math.getExponent(x) - Math.getExponent(y)) <= 29) {
                assertEquals(exact, recovered, 0.0, x + " + " + y);
            } else {
                assertEquals(exact, recovered, Math.ulp(exact), x + " + " + y);
            }
        }
    }

    /** Logits at several scales, ties and signed zeros (infinities and NaN if {@code special}), classes, weights. */
    private static Case randomCase(SplittableRandom random, int units, int rows, boolean special) {
        float[] z = new float[units * rows];
        double scale = new double[] {0.01, 1, 10, 60, 1e-30, 1e6}[random.nextInt(6)];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (random.nextGaussian() * scale);
            if (random.nextInt(50) == 0) {
                z[i] = SPECIAL[random.nextInt(special ? SPECIAL.length : FINITE_SPECIALS)];
            } else if (i > 0 && random.nextInt(20) == 0) {
                z[i] = z[i - 1];
            }
        }
        int[] classes = new int[rows];
        double[] w = new double[rows];
        for (int r = 0; r < rows; r++) {
            classes[r] = random.nextInt(units);
            w[r] = random.nextInt(4) == 0 ? 0.5 + random.nextInt(3) : 1;
        }
        return new Case(z, classes, w, units);
    }

    private record Case(float[] z, int[] classes, double[] w, int units) {
        double[] oneHot() {
            double[] y = new double[z.length];
            for (int r = 0; r < classes.length; r++) {
                y[r * units + classes[r]] = 1;
            }
            return y;
        }

        double weightSum() {
            double sum = 0;
            for (double v : w) {
                sum += v;
            }
            return sum;
        }
    }
}
