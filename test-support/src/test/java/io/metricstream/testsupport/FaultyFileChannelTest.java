package io.metricstream.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultyFileChannelTest {
    @TempDir
    Path dir;

    private FileChannel open(String name) throws IOException {
        return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    }

    @Test
    void shouldShortWriteWhenBudgetIsSpent() throws IOException {
        try (FaultyFileChannel ch = new FaultyFileChannel(open("a"), 5, FaultyFileChannel.Fault.SHORT_WRITE)) {
            assertEquals(3, ch.write(ByteBuffer.wrap(new byte[3])));
            assertEquals(2, ch.write(ByteBuffer.wrap(new byte[10])));
            assertEquals(0, ch.write(ByteBuffer.wrap(new byte[10])));
            assertEquals(5, ch.size());
        }
    }

    @Test
    void shouldThrowAfterPartialWriteWhenFaultIsIoException() throws IOException {
        try (FaultyFileChannel ch = new FaultyFileChannel(open("b"), 4, FaultyFileChannel.Fault.IO_EXCEPTION)) {
            assertThrows(IOException.class, () -> ch.write(ByteBuffer.wrap(new byte[10])));
            assertEquals(4, ch.size());
        }
    }

    @Test
    void shouldReturnWhenConditionBecomesTrue() {
        final AtomicInteger calls = new AtomicInteger();
        Awaits.await(Duration.ofSeconds(5), () -> calls.incrementAndGet() > 3, "three polls");
        assertThrows(AssertionError.class, () -> Awaits.await(Duration.ofMillis(20), () -> false, "never"));
    }

    @Test
    void shouldMeasureNearZeroBytesWhenOperationDoesNotAllocate() {
        final long[] sink = new long[1];
        AllocationAssert.assertAllocatesAtMost(1.0, () -> sink[0]++);
    }
}
