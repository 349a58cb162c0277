package io.metricstream.queue.server;

import io.metricstream.runtime.flow.InFlightBudget;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.queue.GroupAssignment;
import io.metricstream.contracts.queue.GroupRequests;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.metricstream.queue.flush.FsyncPolicy;
import io.metricstream.queue.group.CommittedOffsets;
import io.metricstream.queue.group.GroupCoordinator;
import io.metricstream.queue.log.LogOptions;
import io.metricstream.queue.log.SegmentFiles;
import io.metricstream.queue.topic.DiskSpace;
import io.metricstream.queue.topic.Partition;
import io.metricstream.queue.topic.PartitionWriters;
import io.metricstream.queue.topic.TopicRegistry;
import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.LatencyRecorder;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Decode and error paths of the frame adapter on an EmbeddedChannel (no sockets). */
@Timeout(20)
class QueueFrameAdapterTest {
    @TempDir
    Path dir;

    private final ScheduledThreadPoolExecutor flush = new ScheduledThreadPoolExecutor(1);
    private PartitionWriters writers;
    private TopicRegistry topics;
    private CommittedOffsets offsets;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        writers = new PartitionWriters(1);
        topics = new TopicRegistry(new TopicRegistry.Settings(dir, LogOptions.defaults(), FsyncPolicy.OS, 2,
            SegmentFiles.DEFAULT, System::currentTimeMillis), writers, flush, new DiskSpace(dir, 0, 250),
            new Partition.Counters(new Counter(), new Counter()), new LatencyRecorder());
        topics.load(Map.of("t", 2));
        offsets = CommittedOffsets.open(dir);
        final GroupCoordinator groups = new GroupCoordinator(name -> name.equals("t") ? 2 : -1, System::nanoTime);
        final BrokerContext broker = new BrokerContext(topics, groups, offsets, new InFlightBudget(1 << 20),
            new LatencyRecorder(), new Counter(), new MetricsRegistry().counterFamily("f", "f", "api", "error"),
            Runnable::run, 1000, 1 << 20);
        channel = new EmbeddedChannel(new QueueFrameAdapter(broker));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        writers.close();
        flush.shutdownNow();
        topics.close();
        offsets.close();
    }

    private ByteBuf request(final int apiKey, final int version, final int correlationId,
                            final Consumer<ByteBuf> body) {
        final ByteBuf out = Unpooled.buffer();
        out.writeInt(0);
        out.writeShort(apiKey);
        out.writeShort(version);
        out.writeInt(correlationId);
        body.accept(out);
        out.setInt(0, out.writerIndex() - 4);
        return out;
    }

    private ByteBuf answer(final ByteBuf request) {
        channel.writeInbound(request);
        final ByteBuf out = channel.readOutbound();
        assertTrue(out != null, "an answer");
        return out;
    }

    private static void assertError(final ByteBuf frame, final int correlationId, final ErrorCode code) {
        try {
            assertEquals(correlationId, FrameDescriptor.responseCorrelationId(frame, 0));
            assertEquals(code, FrameDescriptor.errorCode(frame, 0));
        } finally {
            frame.release();
        }
    }

    @Test
    void shouldAnswerUnsupportedVersionWhenApiKeyUnknownOrNotQueue() {
        assertError(answer(request(31, 1, 7, b -> { })), 7, ErrorCode.UNSUPPORTED_VERSION);
        assertError(answer(request(ApiKey.SELECT.id(), 1, 8, b -> { })), 8, ErrorCode.UNSUPPORTED_VERSION);
        assertError(answer(request(ApiKey.METADATA.id(), 2, 9, b -> WireWriter.string16(b, ""))), 9,
            ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void shouldAnswerInvalidRequestNamingProblemWhenBodyMalformed() {
        final ByteBuf frame = answer(request(ApiKey.PRODUCE.id(), 1, 3, b -> {
            WireWriter.string16(b, "t");
            b.writeInt(0);
            b.writeInt(1000);
            b.writeInt(1 << 30);
        }));
        try {
            assertEquals(ErrorCode.INVALID_REQUEST, FrameDescriptor.errorCode(frame, 0));
            final WireReader r = new WireReader().wrap(frame, FrameDescriptor.RESPONSE_HEADER_LENGTH,
                frame.writerIndex() - FrameDescriptor.RESPONSE_HEADER_LENGTH);
            assertTrue(r.string16("message").contains("truncated batch"));
        } finally {
            frame.release();
        }
    }

    @Test
    void shouldCloseConnectionWhenFrameShorterThanHeader() {
        final ByteBuf tiny = Unpooled.buffer().writeInt(2).writeShort(0);
        assertError(answer(tiny), 0, ErrorCode.INVALID_REQUEST);
        assertFalse(channel.isOpen());
    }

    @Test
    void shouldAnswerAssignmentWhenJoiningGroup() {
        final ByteBuf frame = answer(request(ApiKey.JOIN_GROUP.id(), 1, 11,
            new GroupRequests.Join("g", "m1", "t", 5000)::encode));
        try {
            assertEquals(ErrorCode.NONE, FrameDescriptor.errorCode(frame, 0));
            final GroupAssignment a = GroupAssignment.decode(new WireReader().wrap(frame,
                FrameDescriptor.RESPONSE_HEADER_LENGTH, frame.writerIndex() - FrameDescriptor.RESPONSE_HEADER_LENGTH));
            assertEquals("m1", a.memberId());
            assertEquals(2, a.partitions().length);
            assertEquals(1, a.generation());
        } finally {
            frame.release();
        }
        assertError(answer(request(ApiKey.HEARTBEAT.id(), 1, 12, new GroupRequests.Heartbeat("g", "zz", 1)::encode)),
            12, ErrorCode.UNKNOWN_MEMBER);
    }
}
