package io.metricstream.query.remote;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.SeriesSamples;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges SELECT answers of several storage instances: entries with the same label set become one series whose
 * samples are merged by timestamp; equal timestamps keep one sample (the first answer's). Stateless.
 */
public final class SeriesMerger {
    private SeriesMerger() {
    }

    /** Merges the answers; series order follows the first appearance. */
    public static List<SeriesSamples> merge(final List<List<SeriesSamples>> answers) {
        if (answers.size() == 1) {
            return mergeWithin(answers.getFirst());
        }
        final List<SeriesSamples> all = new ArrayList<>();
        for (final List<SeriesSamples> a : answers) {
            all.addAll(a);
        }
        return mergeWithin(all);
    }

    private static List<SeriesSamples> mergeWithin(final List<SeriesSamples> all) {
        final Map<LabelSet, Integer> index = new HashMap<>(all.size() * 2);
        final List<SeriesSamples> out = new ArrayList<>(all.size());
        for (final SeriesSamples s : all) {
            final Integer at = index.putIfAbsent(s.labels(), out.size());
            if (at == null) {
                out.add(s);
            } else {
                out.set(at, mergeTwo(out.get(at), s));
            }
        }
        return out;
    }

    /** Merges two sample lists of one series by timestamp; on equal timestamps {@code a} wins. */
    public static SeriesSamples mergeTwo(final SeriesSamples a, final SeriesSamples b) {
        final long[] at = a.timestamps();
        final long[] bt = b.timestamps();
        final long[] ts = new long[at.length + bt.length];
        final double[] vs = new double[ts.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < at.length || j < bt.length) {
            if (j >= bt.length || i < at.length && at[i] < bt[j]) {
                ts[n] = at[i];
                vs[n++] = a.values()[i++];
            } else if (i >= at.length || bt[j] < at[i]) {
                ts[n] = bt[j];
                vs[n++] = b.values()[j++];
            } else {
                ts[n] = at[i];
                vs[n++] = a.values()[i++];
                j++;
            }
        }
        if (n == ts.length) {
            return new SeriesSamples(a.labels(), ts, vs);
        }
        return new SeriesSamples(a.labels(), java.util.Arrays.copyOf(ts, n), java.util.Arrays.copyOf(vs, n));
    }
}
