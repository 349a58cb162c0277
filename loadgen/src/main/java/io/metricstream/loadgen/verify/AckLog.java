package io.metricstream.loadgen.verify;

import java.util.Arrays;

/**
 * Every acknowledged sample of a run, compactly: series id, timestamp and raw value bits in three primitive
 * arrays (20 bytes per sample), plus the samples whose outcome is unknown (no answer: the connection failed or
 * timed out, so the platform may or may not have them). Thread-safe (appends are synchronized).
 */
public final class AckLog {
    private final Part acked = new Part();
    private final Part inDoubt = new Part();

    /** Remembers an acknowledged sample. */
    public synchronized void acked(final int seriesId, final long timestampMs, final double value) {
        acked.add(seriesId, timestampMs, Double.doubleToRawLongBits(value));
    }

    /** Remembers a sample whose request got no answer. */
    public synchronized void inDoubt(final int seriesId, final long timestampMs, final double value) {
        inDoubt.add(seriesId, timestampMs, Double.doubleToRawLongBits(value));
    }

    /** Acknowledged samples recorded. */
    public synchronized int ackedCount() {
        return acked.size;
    }

    /** In-doubt samples recorded. */
    public synchronized int inDoubtCount() {
        return inDoubt.size;
    }

    synchronized Part ackedSnapshot() {
        return acked.copy();
    }

    synchronized Part inDoubtSnapshot() {
        return inDoubt.copy();
    }

    /** A growable triple of primitive arrays. */
    static final class Part {
        int[] seriesIds = new int[1024];
        long[] timestampsMs = new long[1024];
        long[] valueBits = new long[1024];
        int size;

        void add(final int seriesId, final long timestampMs, final long bits) {
            if (size == seriesIds.length) {
                final int n = size * 2;
                seriesIds = Arrays.copyOf(seriesIds, n);
                timestampsMs = Arrays.copyOf(timestampsMs, n);
                valueBits = Arrays.copyOf(valueBits, n);
            }
            seriesIds[size] = seriesId;
            timestampsMs[size] = timestampMs;
            valueBits[size] = bits;
            size++;
        }

        Part copy() {
            final Part p = new Part();
            p.seriesIds = Arrays.copyOf(seriesIds, Math.max(1, size));
            p.timestampsMs = Arrays.copyOf(timestampsMs, Math.max(1, size));
            p.valueBits = Arrays.copyOf(valueBits, Math.max(1, size));
            p.size = size;
            return p;
        }
    }
}
