package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which queries a head truncation overtakes: only those registered before it that it stopped waiting for. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeadReadersTest {
    @Test
    void shouldMarkOnlyEarlierReadersOvertakenWhenTheWaitGivesUp() {
        final HeadReaders readers = new HeadReaders(0);
        final long stuck = readers.enter();
        readers.awaitEarlier();
        final long later = readers.enter();
        assertTrue(readers.overtaken(stuck));
        assertFalse(readers.overtaken(later), "registered after the truncation: it sees the new blocks");
        final HeadTruncatedException e = assertThrows(HeadTruncatedException.class,
            () -> readers.checkNotOvertaken(stuck));
        assertTrue(e.getMessage().contains("maxWaitMs=0"), e.getMessage());
        readers.checkNotOvertaken(later);
        readers.exit(stuck);
        readers.exit(later);
        assertEquals(0, readers.active());
        // the next truncation finds no reader: it overtakes nobody, and a stuck reader stays overtaken
        readers.awaitEarlier();
        final long after = readers.enter();
        assertFalse(readers.overtaken(later));
        assertFalse(readers.overtaken(after));
        assertTrue(readers.overtaken(stuck));
        readers.exit(after);
    }

    @Test
    void shouldOvertakeNobodyWhenEarlierReadersExitWithinTheBound() throws Exception {
        final HeadReaders readers = new HeadReaders(TimeUnit.SECONDS.toNanos(60));
        final long reading = readers.enter();
        final Thread truncation = new Thread(readers::awaitEarlier, "truncation");
        truncation.start();
        // the truncation returns only once this reader exits (before or during its wait)
        readers.exit(reading);
        truncation.join();
        assertFalse(readers.overtaken(reading));
    }

    @Test
    void shouldMarkEarlierReadersOvertakenWhenTheWaitIsInterrupted() {
        final HeadReaders readers = new HeadReaders(TimeUnit.SECONDS.toNanos(60));
        final long stuck = readers.enter();
        Thread.currentThread().interrupt();
        try {
            readers.awaitEarlier();
            assertTrue(Thread.interrupted(), "interrupt status kept");
        } finally {
            Thread.interrupted();
        }
        assertTrue(readers.overtaken(stuck));
        readers.exit(stuck);
    }
}
