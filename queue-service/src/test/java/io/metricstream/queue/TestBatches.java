package io.metricstream.queue;

import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builders of record batches and embedded queues for tests. */
public final class TestBatches {
    private TestBatches() {
    }

    /** A batch of {@code records} records with values of {@code valueBytes} bytes ("v<i>" padded) at {@code tsMs}. */
    public static ByteBuf batch(final int records, final int valueBytes, final long tsMs) {
        final ByteBuf out = Unpooled.buffer(64 + records * (valueBytes + 40));
        final RecordBatchWriter w = new RecordBatchWriter().begin(out);
        final ByteBuf value = Unpooled.buffer(valueBytes);
        for (int i = 0; i < records; i++) {
            value.clear();
            final byte[] tag = ("v" + i + "@" + tsMs).getBytes(StandardCharsets.UTF_8);
            value.writeBytes(tag, 0, Math.min(tag.length, valueBytes));
            value.writeZero(valueBytes - value.writerIndex());
            final ByteBuf key = Unpooled.wrappedBuffer(("k" + i).getBytes(StandardCharsets.UTF_8));
            w.appendRecord(tsMs + i, key, 0, key.readableBytes(), value, 0, valueBytes);
        }
        w.finish();
        value.release();
        return out;
    }

    /** A config of the queue's keys with {@code overrides} and the data dir. */
    public static Config config(final Path dataDir, final Map<String, String> overrides) {
        final Map<String, String> flags = new HashMap<>(overrides);
        flags.put(GlobalConfig.DATA_DIR.name(), dataDir.toString());
        flags.putIfAbsent(QueueConfig.BINARY_PORT.name(), "0");
        flags.putIfAbsent(QueueConfig.HTTP_PORT.name(), "0");
        flags.putIfAbsent(QueueConfig.MIN_FREE_DISK_BYTES.name(), "0");
        final ConfigOutcome o = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, QueueConfig.TABLE))
            .load(Optional.empty(), Map.of(), flags);
        if (o instanceof Config c) {
            return c;
        }
        throw new IllegalArgumentException(o.toString());
    }

    /** Starts a queue on ephemeral loopback ports. */
    public static EmbeddedHost start(final Path dataDir, final Map<String, String> overrides) throws Exception {
        return EmbeddedHost.start(config(dataDir, overrides), List.of(new QueueService()));
    }
}
