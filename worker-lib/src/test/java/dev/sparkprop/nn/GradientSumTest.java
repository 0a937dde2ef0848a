package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GradientSumTest {

    @Test
    void countsTheWeightOfRowsClassifiedRightBeforeTheStep() {
        // W = I, b = 0: the softmax picks the largest feature. Rows: right (w 1), wrong (w 2), right (w 0.5).
        NetworkSpec spec = NetworkSpec.parse("2,2:softmax", "cross_entropy");
        double[] identity = {1, 0, 0, 1, 0, 0};
        Block block = new Block(2, 2, new double[] {3, 0, 3, 0, 0, 3}, new double[] {1, 0, 0, 1, 0, 1},
                new double[] {1, 2, 0.5}, 3);
        GradientSum sum = new GradientSum(6).add(new Backprop(spec, 3), identity, block);
        assertEquals(1.5, sum.correctWeight(), 0);
        assertEquals(3.5, sum.weightSum(), 0);
        assertEquals(3.0, sum.merge(sum).correctWeight(), 0, "merging adds");
    }

    @Test
    void regressionCountsNothing() {
        NetworkSpec spec = NetworkSpec.parse("1,1:identity", "mse");
        Block block = Block.unweighted(1, 1, new double[] {1}, new double[] {1}, 1);
        assertEquals(0, new GradientSum(2).add(new Backprop(spec, 1), new double[] {1, 0}, block).correctWeight(), 0);
    }

    @Test
    void theEmptySumIsMergesIdentityAndShipsNoArray() throws Exception {
        NetworkSpec spec = NetworkSpec.parse("3,2:tanh,2:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 7, 4);
        GradientSum direct = new GradientSum(spec.layout().size()).add(new Backprop(spec, 7), p.params(), p.block());

        GradientSum viaEmpty = GradientSum.empty().merge(GradientSum.empty()).merge(direct).merge(GradientSum.empty());
        org.junit.jupiter.api.Assertions.assertArrayEquals(direct.gradient(), viaEmpty.gradient());
        assertEquals(direct.lossSum(), viaEmpty.lossSum(), 0);
        assertEquals(direct.weightSum(), viaEmpty.weightSum(), 0);
        assertEquals(direct.rows(), viaEmpty.rows());
        org.junit.jupiter.api.Assertions.assertNotSame(direct.gradient(), viaEmpty.gradient(), "merge copies");

        GradientSum added = GradientSum.empty().add(new Backprop(spec, 7), p.params(), p.block());
        org.junit.jupiter.api.Assertions.assertArrayEquals(direct.gradient(), added.gradient());
        assertEquals(0, GradientSum.empty().gradient().length);

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(GradientSum.empty());
        }
        org.junit.jupiter.api.Assertions.assertTrue(bytes.size() < 200, bytes.size() + " bytes");
    }

    @Test
    void aResetSumAddsAsAFreshOneDoes() {
        NetworkSpec spec = NetworkSpec.parse("3,4:tanh,2:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 9, 5);
        GradientCheck.Problem other = GradientCheck.randomProblem(spec, 6, 6);
        Backprop backprop = new Backprop(spec, 9);
        GradientSum fresh = new GradientSum(spec.layout().size()).add(backprop, p.params(), p.block());
        GradientSum added = new GradientSum(spec.layout().size()).add(backprop, other.params(), other.block());
        GradientSum merged = GradientSum.empty().merge(added).merge(added);
        added.reset().add(backprop, p.params(), p.block());
        merged.reset().add(backprop, p.params(), p.block());
        for (GradientSum reused : new GradientSum[] {added, merged}) {
            // the same additions in the same order: the same bits
            org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.gradient(), reused.gradient());
            assertEquals(fresh.lossSum(), reused.lossSum(), 0);
            assertEquals(fresh.weightSum(), reused.weightSum(), 0);
            assertEquals(fresh.correctWeight(), reused.correctWeight(), 0);
            assertEquals(fresh.rows(), reused.rows());
        }
    }
}
