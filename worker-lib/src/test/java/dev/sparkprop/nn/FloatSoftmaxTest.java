package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float32 softmax on the transpose, and its class-index head and count, against the double
 * softmax (within 4 ulps) and, bit for bit, against the row-by-row one-hot head and
 * {@link Task#correctWeight} they stand in for.
 */
class FloatSoftmaxTest {

    private static final float[] SPECIAL = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f,
        1e30f, -1e30f, Float.MIN_VALUE, 88f, -104f};

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
        new FloatSoftmax(units, rows).apply(z, cold, units, rows);
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
            softmax.apply(z, hot, units, rows);
        }
        assertArrayEquals(cold, hot);
    }

    @Test
    void classIndexHeadAndCountGiveTheBitsOfTheOneHotHeadAndTasksCount() {
        SplittableRandom random = new SplittableRandom(7);
        int maxUnits = 12;
        int maxRows = 300;
        FloatSoftmax softmax = new FloatSoftmax(maxUnits, maxRows);
        for (int t = 0; t < 2_000; t++) {
            int units = 2 + random.nextInt(maxUnits - 1);
            int rows = 1 + random.nextInt(t % 10 == 0 ? maxRows : 40);
            Case c = randomCase(random, units, rows);
            OutputHead head = OutputHead.forLayer(Activations.softmax(), Losses.parse(t % 2 == 0 ? "cross_entropy"
                    : "cross_entropy:mean"), true);
            float[] a = new float[units * rows];
            softmax.apply(c.z, a, units, rows);
            float[] oneHotDelta = new float[a.length];
            double oneHotLoss = ((OutputHead.Float32) head).lossAndDelta(c.z, a, c.oneHot(), c.w, oneHotDelta, units,
                    rows);
            float[] delta = new float[a.length];
            double loss = ((OutputHead.Float32) head).lossAndDeltaOfClasses(softmax, c.z, c.classes, c.w, delta,
                    units);
            String where = "case " + t + ", " + units + " units, " + rows + " rows";
            assertEquals(oneHotLoss, loss, 0.0, where);
            assertArrayEquals(oneHotDelta, delta, where);
            Task task = NetworkSpec.parse("1," + units + ":softmax", "cross_entropy").task();
            Block block = Block.float32OfClasses(1, units, new float[rows], c.classes, c.w, rows);
            assertEquals(task.correctWeight(SoftmaxTest.widened(a), block), softmax.correctWeight(c.classes, c.w), 0.0,
                    where);
        }
    }

    @Test
    void vectorMaxAndShiftGiveTheScalarStepsBits() {
        SplittableRandom random = new SplittableRandom(11);
        int units = 7;
        int rows = 203;
        Case c = randomCase(random, units, rows);
        float[] max = new float[rows];
        float[] lo = new float[units * rows];
        float[] x = c.z.clone();
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < x.length; i++) {
            max[i % rows] = Math.max(max[i % rows], x[i]);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = FloatSoftmax.shifted(x[i], max[i % rows], lo, i);
        }
        for (int t = 0; t < 2_000; t++) {
            // Every call, before and after the JIT compiles it.
            float[] vector = c.z.clone();
            float[] vectorLo = new float[lo.length];
            float[] vectorMax = new float[rows];
            VectorActivations.maxAndShift(vector, vectorLo, vectorMax, units, rows);
            assertArrayEquals(max, vectorMax, "call " + t);
            assertArrayEquals(x, vector, "call " + t);
            assertArrayEquals(lo, vectorLo, "call " + t);
        }
    }

    @Test
    void float32BackpropGivesTheSameBitsOnClassIndicesAsOnTheirOneHotRows() {
        NetworkSpec spec = NetworkSpec.parse("6,5:tanh,4:softmax", "cross_entropy");
        int rows = 37;
        SplittableRandom random = new SplittableRandom(5);
        Case c = randomCase(random, 4, rows);
        float[] x = new float[6 * rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        double[] params = Initializer.XAVIER_UNIFORM.initialise(spec, 3);
        Block classes = Block.float32OfClasses(6, 4, x, c.classes, c.w, rows);
        Block oneHot = Block.float32(6, 4, x, c.oneHot(), c.w, rows);
        double[] classGrad = new double[params.length];
        double[] oneHotGrad = new double[params.length];
        Backprop backprop = new Backprop(spec, rows, Precision.FLOAT32, true);
        double classLoss = backprop.accumulateGradient(params, classes, classGrad);
        double classCorrect = backprop.correctWeight(classes);
        double oneHotLoss = backprop.accumulateGradient(params, oneHot, oneHotGrad);
        double oneHotCorrect = backprop.correctWeight(oneHot);
        assertEquals(oneHotLoss, classLoss, 0.0);
        assertArrayEquals(oneHotGrad, classGrad, 0.0);
        assertEquals(oneHotCorrect, classCorrect, 0.0);
        assertTrue(classCorrect > 0 && classCorrect < c.weightSum(), "a count that could be wrong: " + classCorrect);
    }

    @Test
    void vectorScaleGivesTheScalarLoopsBits() {
        Random random = new Random(9);
        int rows = 1003;
        float[] x = new float[rows + 5];
        double[] s = new double[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(60) - 30));
        }
        for (int r = 0; r < rows; r++) {
            s[r] = 1 / (1 + 9 * random.nextDouble());
        }
        float[] scalar = x.clone();
        FloatSoftmax.scale(scalar, 5, s, 0, rows);
        for (int t = 0; t < 2_000; t++) {
            // Every call, before and after the JIT compiles it.
            float[] vector = x.clone();
            VectorActivations.scale(vector, 5, s, rows);
            assertArrayEquals(scalar, vector, "call " + t);
        }
        assertEquals((float) (x[7] * s[2]), scalar[7], 0f);
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

    /** Logits at several scales with ties, signed zeros, infinities and NaN; classes; weights. */
    private static Case randomCase(SplittableRandom random, int units, int rows) {
        float[] z = new float[units * rows];
        double scale = new double[] {0.01, 1, 10, 60, 1e-30, 1e6}[random.nextInt(6)];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (random.nextGaussian() * scale);
            if (random.nextInt(50) == 0) {
                z[i] = SPECIAL[random.nextInt(SPECIAL.length)];
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
