package io.metricstream.queue.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class RetentionTest {
    private static void f(final long retentionBytes, final long retentionMs, final long logBytes,
                          final int segmentBytes, final long maxTs, final Retention.Reason expected) {
        final LogOptions options = LogOptions.defaults().withRetention(retentionBytes, retentionMs);
        assertEquals(expected, Retention.check(options, logBytes, segmentBytes, maxTs, 100_000),
            "bytes=" + retentionBytes + " ms=" + retentionMs + " log=" + logBytes + " seg=" + segmentBytes
                + " maxTs=" + maxTs);
    }

    @Test
    void shouldDeleteOldestSegmentWhenSizeOrAgeLimitExceeded() {
        f(-1, -1, 10_000, 100, 0, Retention.Reason.NONE);
        f(1000, -1, 1100, 100, 99_999, Retention.Reason.SIZE);
        f(1000, -1, 1099, 100, 99_999, Retention.Reason.NONE);
        f(0, -1, 100, 100, 99_999, Retention.Reason.SIZE);
        f(-1, 5000, 100, 100, 94_999, Retention.Reason.AGE);
        f(-1, 5000, 100, 100, 95_000, Retention.Reason.NONE);
        f(-1, 5000, 100, 100, Long.MIN_VALUE, Retention.Reason.NONE);
        f(1000, 5000, 1100, 100, 0, Retention.Reason.SIZE);
    }
}
