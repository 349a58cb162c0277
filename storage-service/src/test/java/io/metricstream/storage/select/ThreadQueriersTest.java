package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ThreadQueriersTest {
    @TempDir
    Path dir;

    private TimeSeriesDb open(final String name) throws Exception {
        return TimeSeriesDb.open(dir.resolve(name), DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
    }

    @Test
    void shouldReuseTheThreadsQueriersWhenTheSelectBeforeReleasedThem() throws Exception {
        try (TimeSeriesDb db = open("a")) {
            final ThreadQueriers first = ThreadQueriers.acquire(db);
            first.release();
            final ThreadQueriers second = ThreadQueriers.acquire(db);
            second.release();
            assertSame(first, second);
        }
    }

    @Test
    void shouldHandOutFreshQueriersWhenInUseOrOnAnotherThreadOrDb() throws Exception {
        try (TimeSeriesDb db = open("a"); TimeSeriesDb other = open("b")) {
            final ThreadQueriers outer = ThreadQueriers.acquire(db);
            final ThreadQueriers nested = ThreadQueriers.acquire(db);
            assertNotSame(outer, nested);
            nested.release();
            assertNotSame(outer, ThreadQueriers.acquire(db), "still in use by the outer select");
            final ThreadQueriers elsewhere = CompletableFuture.supplyAsync(() -> ThreadQueriers.acquire(db)).get();
            assertNotSame(outer, elsewhere);
            outer.release();
            final ThreadQueriers onOther = ThreadQueriers.acquire(other);
            onOther.release();
            assertNotSame(outer, onOther);
        }
    }
}
