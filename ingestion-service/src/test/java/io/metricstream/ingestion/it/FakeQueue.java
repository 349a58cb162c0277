package io.metricstream.ingestion.it;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.queue.ProduceRequest;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.Hashing;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.runtime.binary.BinaryServer;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test queue that speaks PRODUCE and METADATA of the binary protocol: checks every batch (RecordBatchView, CRC,
 * series keys, sample-record values, the partition rule) and counts records and samples. It can be stopped and
 * restarted on the same port, and told to fail or to hold produce answers.
 */
final class FakeQueue implements AutoCloseable {
    /** One received sample. */
    record Received(int partition, byte[] key, long timestampMs, long valueBits) {
    }

    private final EventLoops loops = EventLoops.create(1);
    private final String topic;
    private final int partitions;
    private final AtomicLong nextOffset = new AtomicLong();
    final AtomicLong samples = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger badBatches = new AtomicInteger();
    final AtomicInteger wrongPartition = new AtomicInteger();
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    volatile ErrorCode failProduce = ErrorCode.NONE;
    volatile boolean holdProduce;
    volatile boolean keep = true;
    private BinaryServer server;
    private int port;

    FakeQueue(final String topic, final int partitions) throws InterruptedException {
        this.topic = topic;
        this.partitions = partitions;
        start(0);
    }

    private void start(final int bindPort) throws InterruptedException {
        server = BinaryServer.bind(loops, "127.0.0.1", bindPort, Handler::new, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
        port = server.port();
    }

    int port() {
        return port;
    }

    void stop() {
        server.stopAccepting();
        server.closeConnections(Duration.ofSeconds(2));
    }

    void restart() throws InterruptedException {
        start(port);
    }

    @Override
    public void close() {
        stop();
        loops.shutdown(Duration.ofSeconds(2));
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        private final RecordBatchView view = new RecordBatchView();
        private final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int at = frame.readerIndex();
            final int correlationId = FrameDescriptor.requestCorrelationId(frame, at);
            final ApiKey key = ApiKey.fromId(FrameDescriptor.apiKey(frame, at));
            final WireReader r = new WireReader().wrap(frame, at + FrameDescriptor.REQUEST_HEADER_LENGTH,
                frame.readableBytes() - FrameDescriptor.REQUEST_HEADER_LENGTH);
            final ByteBuf out = ctx.alloc().buffer();
            if (key == ApiKey.METADATA) {
                final String t = r.string16("topic");
                final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
                TopicMetadata.encodeList(out, t.isEmpty() || t.equals(topic)
                    ? List.of(new TopicMetadata(topic, partitions)) : List.of());
                FrameDescriptor.finish(out, start);
            } else if (key == ApiKey.PRODUCE) {
                if (holdProduce) {
                    out.release();
                    return;
                }
                if (failProduce != ErrorCode.NONE) {
                    FrameDescriptor.writeError(out, correlationId, failProduce, "told to fail");
                } else {
                    final ProduceRequest p = ProduceRequest.decode(r);
                    final ErrorCode e = p == null ? ErrorCode.INVALID_REQUEST : append(frame, p);
                    if (e != ErrorCode.NONE) {
                        FrameDescriptor.writeError(out, correlationId, e, "bad produce");
                    } else {
                        final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
                        out.writeLong(nextOffset.getAndIncrement());
                        FrameDescriptor.finish(out, start);
                    }
                }
            } else {
                FrameDescriptor.writeError(out, correlationId, ErrorCode.UNSUPPORTED_VERSION, "fake queue");
            }
            ctx.writeAndFlush(out);
        }

        private ErrorCode append(final ByteBuf frame, final ProduceRequest p) {
            if (!p.topic().equals(topic)) {
                return ErrorCode.UNKNOWN_TOPIC;
            }
            if (p.partition() < 0 || p.partition() >= partitions) {
                return ErrorCode.UNKNOWN_PARTITION;
            }
            view.wrap(frame, p.batchAt());
            if (view.check(p.batchLength(), 8 << 20) != DecodeStatus.OK || view.totalLength() != p.batchLength()) {
                badBatches.incrementAndGet();
                return ErrorCode.CORRUPT_MESSAGE;
            }
            cursor.reset(view);
            while (cursor.next()) {
                final int keyAt = cursor.keyAt();
                final int keyLength = cursor.keyLength();
                final int valueLength = cursor.valueLength();
                if (keyLength <= 0 || SeriesKeyCodec.check(frame, keyAt, keyLength) != DecodeStatus.OK
                    || !SampleRecordCodec.isValidLength(valueLength)) {
                    badBatches.incrementAndGet();
                    return ErrorCode.CORRUPT_MESSAGE;
                }
                records.incrementAndGet();
                final int n = SampleRecordCodec.sampleCount(valueLength);
                samples.addAndGet(n);
                if (Hashing.partitionFor(Hashing.hash64(frame, keyAt, keyLength), partitions) != p.partition()) {
                    wrongPartition.incrementAndGet();
                }
                if (keep) {
                    final byte[] k = new byte[keyLength];
                    frame.getBytes(keyAt, k);
                    for (int i = 0; i < n; i++) {
                        received.add(new Received(p.partition(), k,
                            SampleRecordCodec.timestampMs(frame, cursor.valueAt(), i),
                            frame.getLong(cursor.valueAt() + i * SampleRecordCodec.SAMPLE_LENGTH + 8)));
                    }
                }
            }
            batches.incrementAndGet();
            return ErrorCode.NONE;
        }
    }
}
