package dev.connectd.vectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.SplittableRandom;

import static dev.connectd.vectors.Describe.F;

/**
 * How Java prints doubles and floats (Double.toString and Float.toString, which Jackson and
 * Values.convertToString use) and how BigDecimal.floatValue rounds a decimal to a float, for a
 * seeded sample of bit patterns: random ones, powers of two (where rounding intervals are lopsided),
 * integers, and the edges of plain notation.
 */
final class NumberTextVectors {
    private NumberTextVectors() {
    }

    static ObjectNode build() {
        ObjectNode root = F.objectNode();
        root.put("javaVersion", System.getProperty("java.version"));
        SplittableRandom random = new SplittableRandom(20261125L);
        ArrayNode doubles = root.putArray("doubles");
        for (int i = 0; i < 1500; i++) addDouble(doubles, Double.longBitsToDouble(random.nextLong()));
        for (int e = -1074; e <= 1023; e += 7) addDouble(doubles, Math.scalb(1.0, e));
        for (int i = 0; i < 150; i++) addDouble(doubles, (double) random.nextLong(-100_000_000L, 100_000_000L));
        for (int i = 0; i < 150; i++) addDouble(doubles, random.nextDouble() * Math.pow(10, random.nextInt(-5, 9)));
        double[] edges = {1e-3, Math.nextDown(1e-3), 1e7, Math.nextDown(1e7), 0.1, 0.2, 0.3, 1.0 / 3, 100, 1e23, 2e-3, 5e-324};
        for (double d : edges) addDouble(doubles, d);
        ArrayNode floats = root.putArray("floats");
        for (int i = 0; i < 1500; i++) addFloat(floats, Float.intBitsToFloat(random.nextInt()));
        for (int e = -149; e <= 127; e++) addFloat(floats, Math.scalb(1.0f, e));
        for (int i = 0; i < 150; i++) addFloat(floats, (float) random.nextInt(-20_000_000, 20_000_000));
        for (int i = 0; i < 150; i++) addFloat(floats, (float) (random.nextDouble() * Math.pow(10, random.nextInt(-5, 9))));
        float[] floatEdges = {1e-3f, Math.nextDown(1e-3f), 1e7f, Math.nextDown(1e7f), 0.1f, 0.2f, 0.3f, 1.0f / 3, 16777217f, 1.4e-45f};
        for (float f : floatEdges) addFloat(floats, f);
        // Decimals exactly halfway between two floats, and a hair either side: rounding through a
        // double first would get some of these wrong.
        ArrayNode toFloat = root.putArray("decimalToFloat");
        for (int i = 0; i < 300; i++) {
            float f = Math.abs(Float.intBitsToFloat(random.nextInt()));
            if (Float.isNaN(f) || Float.isInfinite(f) || Float.isInfinite(Math.nextUp(f))) continue;
            BigDecimal lo = new BigDecimal(f);
            BigDecimal mid = lo.add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            BigDecimal hair = mid.ulp().multiply(BigDecimal.TEN);
            for (BigDecimal d : new BigDecimal[]{mid, mid.add(hair), mid.subtract(hair)}) {
                ObjectNode n = toFloat.addObject();
                n.put("text", d.toString());
                n.put("bits", String.format("%08x", Float.floatToRawIntBits(d.floatValue())));
            }
        }
        return root;
    }

    private static void addDouble(ArrayNode out, double d) {
        if (Double.isNaN(d)) return;
        ObjectNode n = out.addObject();
        n.put("bits", String.format("%016x", Double.doubleToRawLongBits(d)));
        n.put("text", Double.toString(d));
    }

    private static void addFloat(ArrayNode out, float f) {
        if (Float.isNaN(f)) return;
        ObjectNode n = out.addObject();
        n.put("bits", String.format("%08x", Float.floatToRawIntBits(f)));
        n.put("text", Float.toString(f));
    }
}
