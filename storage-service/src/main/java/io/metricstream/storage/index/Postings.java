package io.metricstream.storage.index;

import java.util.Arrays;
import java.util.List;

/** Operations on sorted postings lists (series ids ascending): union and the all-series list. Stateless. */
public final class Postings {
    private Postings() {
    }

    /** Every id in 0 .. count-1. */
    public static long[] all(final int count) {
        final long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = i;
        }
        return out;
    }

    /** The sorted union of sorted lists, without duplicates. */
    public static long[] union(final List<long[]> lists) {
        int total = 0;
        for (final long[] l : lists) {
            total += l.length;
        }
        final long[] out = new long[total];
        int n = 0;
        for (final long[] l : lists) {
            System.arraycopy(l, 0, out, n, l.length);
            n += l.length;
        }
        Arrays.sort(out);
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (w == 0 || out[w - 1] != out[i]) {
                out[w++] = out[i];
            }
        }
        return Arrays.copyOf(out, w);
    }
}
