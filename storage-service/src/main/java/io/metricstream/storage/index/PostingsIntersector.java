package io.metricstream.storage.index;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Intersects sorted postings lists (series ids ascending, no duplicates). Lists are visited shortest first and
 * each candidate is found in the longer lists by galloping search, so a selective matcher bounds the work.
 * Stateless.
 */
public final class PostingsIntersector {
    private PostingsIntersector() {
    }

    /** The ids present in every list; an empty input list means "no constraint" is NOT assumed: returns empty. */
    public static long[] intersect(final List<long[]> lists) {
        if (lists.isEmpty()) {
            return new long[0];
        }
        final long[][] sorted = lists.toArray(new long[0][]);
        Arrays.sort(sorted, Comparator.comparingInt(a -> a.length));
        long[] result = sorted[0];
        for (int i = 1; i < sorted.length && result.length > 0; i++) {
            result = intersect(result, sorted[i]);
        }
        return result;
    }

    /** The ids present in both sorted lists. */
    public static long[] intersect(final long[] small, final long[] large) {
        final long[] out = new long[Math.min(small.length, large.length)];
        int n = 0;
        int from = 0;
        for (final long id : small) {
            from = gallop(large, from, id);
            if (from >= large.length) {
                break;
            }
            if (large[from] == id) {
                out[n++] = id;
                from++;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** First index >= from whose value is >= id (large.length when none). */
    static int gallop(final long[] a, final int from, final long id) {
        int step = 1;
        int lo = from;
        int hi = from;
        while (hi < a.length && a[hi] < id) {
            lo = hi + 1;
            hi += step;
            step <<= 1;
        }
        hi = Math.min(hi, a.length);
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (a[mid] < id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
