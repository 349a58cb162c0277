package io.metricstream.ingestion.bench;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.queue.ProduceRequest;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.ingestion.IngestionConfig;
import io.metricstream.ingestion.IngestionService;
import io.metricstream.runtime.binary.BinaryServer;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingestion plus a minimal in-process queue that checks each batch's CRC and acks at once (no disk), for the
 * benchmark: what ingestion alone costs, end to end through HTTP, ring, batcher and the binary protocol.
 */
final class EmbeddedTarget implements AutoCloseable {
    private final EventLoops queueLoops = EventLoops.create(1);
    private final BinaryServer queue;
    private final EmbeddedHost host;
    private final AtomicLong samples = new AtomicLong();
    private final java.nio.file.Path dataDir = Files.createTempDirectory("ingest-bench");

    EmbeddedTarget() throws Exception {
        queue = BinaryServer.bind(queueLoops, "127.0.0.1", 0, QueueHandler::new, 16 << 20);
        final Map<String, String> flags = Map.of("global.data_dir", dataDir.toString(),
            "ingestion.http_port", "0", "ingestion.queue_address", "127.0.0.1:" + queue.port(),
            "ingestion.max_inflight_bytes", "512MiB");
        final Config config = (Config) new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, IngestionConfig.TABLE))
            .load(Optional.empty(), Map.of(), flags);
        host = EmbeddedHost.start(config, List.of(new IngestionService()));
    }

    String base() {
        return "http://127.0.0.1:" + host.host("ingestion").httpAddresses().get(0).getPort();
    }

    long queueSamples() {
        return samples.get();
    }

    @Override
    public void close() {
        host.shutdown(Duration.ofSeconds(2));
        queue.stopAccepting();
        queue.closeConnections(Duration.ofSeconds(1));
        queueLoops.shutdown(Duration.ofSeconds(1));
        io.metricstream.testsupport.TempDirs.deleteRecursively(dataDir);
    }

    private final class QueueHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final RecordBatchView view = new RecordBatchView();
        private final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
        private long offset;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int at = frame.readerIndex();
            final int id = FrameDescriptor.requestCorrelationId(frame, at);
            final WireReader r = new WireReader().wrap(frame, at + FrameDescriptor.REQUEST_HEADER_LENGTH,
                frame.readableBytes() - FrameDescriptor.REQUEST_HEADER_LENGTH);
            final ByteBuf out = ctx.alloc().buffer(32);
            if (ApiKey.fromId(FrameDescriptor.apiKey(frame, at)) == ApiKey.METADATA) {
                final int start = FrameDescriptor.beginResponse(out, id, ErrorCode.NONE, false);
                TopicMetadata.encodeList(out, List.of(new TopicMetadata("metrics.inbound", 8)));
                FrameDescriptor.finish(out, start);
            } else {
                final ProduceRequest p = ProduceRequest.decode(r);
                view.wrap(frame, p.batchAt());
                if (view.check(p.batchLength(), 16 << 20) != DecodeStatus.OK) {
                    FrameDescriptor.writeError(out, id, ErrorCode.CORRUPT_MESSAGE, "bad batch");
                } else {
                    cursor.reset(view);
                    while (cursor.next()) {
                        samples.addAndGet(cursor.valueLength() / 16);
                    }
                    final int start = FrameDescriptor.beginResponse(out, id, ErrorCode.NONE, false);
                    out.writeLong(offset);
                    offset += view.recordCount();
                    FrameDescriptor.finish(out, start);
                }
            }
            ctx.writeAndFlush(out);
        }
    }
}
