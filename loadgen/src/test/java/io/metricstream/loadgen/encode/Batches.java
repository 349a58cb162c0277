package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.metricstream.loadgen.generate.ValueStyle;
import java.util.SplittableRandom;

/** Random catalogs and batches for the encoder round-trip properties. */
final class Batches {
    private Batches() {
    }

    static SeriesCatalog catalog(final SplittableRandom rnd, final int series) {
        final SeriesCatalog.Builder b = SeriesCatalog.builder();
        for (int i = 0; i < series; i++) {
            final LabelSet.Builder l = LabelSet.builder().add("__name__", "metric_" + rnd.nextInt(5) + "_" + i);
            final int labels = rnd.nextInt(4);
            for (int k = 0; k < labels; k++) {
                l.add("l" + k, value(rnd));
            }
            b.add(l.build(), ValueStyle.values()[rnd.nextInt(3)]);
        }
        return b.build();
    }

    /** Label values with characters every format must escape. */
    static String value(final SplittableRandom rnd) {
        final String alphabet = "abcXYZ09 ,=\"\\{}é_-.";
        final StringBuilder sb = new StringBuilder();
        final int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        // Influx line protocol cannot carry a tag value ending in a backslash (it would escape the separator).
        return sb.charAt(sb.length() - 1) == '\\' ? sb.append('x').toString() : sb.toString();
    }

    /** A value that survives the series' style exactly. */
    static double sampleValue(final SplittableRandom rnd, final ValueStyle style, final boolean specials) {
        if (specials && rnd.nextInt(20) == 0) {
            return new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[rnd.nextInt(3)];
        }
        return switch (style) {
            case DECIMAL2 -> (rnd.nextLong(2_000_000) - 1_000_000) / 100.0;
            case INTEGER -> (double) (rnd.nextLong(1L << 50) - (1L << 49));
            case FLOAT -> switch (rnd.nextInt(3)) {
                case 0 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
                case 1 -> (rnd.nextLong(2_000_000) - 1_000_000) / 100.0;   // the two-decimal fast path
                default -> -rnd.nextDouble();
            };
        };
    }

    static SampleBatch batch(final SplittableRandom rnd, final SeriesCatalog c, final int n, final boolean specials) {
        final SampleBatch b = new SampleBatch(n);
        for (int i = 0; i < n; i++) {
            final int id = rnd.nextInt(c.size());
            b.add(id, rnd.nextLong(-1L << 42, 1L << 42), sampleValue(rnd, c.style(id), specials));
        }
        return b;
    }
}
