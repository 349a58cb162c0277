package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SelectFrameAdapterTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static ByteBuf request(final ApiKey key, final Consumer<ByteBuf> body) {
        final ByteBuf out = Unpooled.buffer();
        final int start = FrameDescriptor.beginRequest(out, key, 7);
        body.accept(out);
        FrameDescriptor.finish(out, start);
        return out;
    }

    private static List<ByteBuf> answers(final EmbeddedChannel ch, final int frames) {
        final List<ByteBuf> out = new ArrayList<>();
        Awaits.await(Duration.ofSeconds(10), () -> {
            ch.runPendingTasks();
            for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
                out.add((ByteBuf) o);
            }
            return out.size() >= frames && !FrameDescriptor.more(out.getLast(), 0);
        }, "answer frames");
        return out;
    }

    @Test
    void shouldAnswerInvalidRequestWhenBodyIsTruncated() throws Exception {
        final TimeSeriesDb db = TimeSeriesDb.open(dir, DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
        final EmbeddedChannel ch = new EmbeddedChannel(new SelectFrameAdapter(db, executor, 4096));
        ch.writeInbound(request(ApiKey.SELECT, out -> out.writeLong(1)));
        final ByteBuf answer = answers(ch, 1).getFirst();
        assertEquals(ErrorCode.INVALID_REQUEST, FrameDescriptor.errorCode(answer, 0));
        assertEquals(7, FrameDescriptor.responseCorrelationId(answer, 0));
        answer.release();
        ch.writeInbound(request(ApiKey.PRODUCE, out -> { }));
        final ByteBuf unsupported = answers(ch, 1).getFirst();
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, FrameDescriptor.errorCode(unsupported, 0));
        unsupported.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldStreamMoreFlaggedFramesWhenAnswerExceedsFrameSize() throws Exception {
        final TimeSeriesDb db = TimeSeriesDb.open(dir, DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
        for (int s = 0; s < 3; s++) {
            for (long t = 0; t < 1000; t++) {
                db.head().append(LabelSet.of("__name__", "m", "s", "s" + s), t, t);
            }
        }
        final EmbeddedChannel ch = new EmbeddedChannel(new SelectFrameAdapter(db, executor, 4096));
        ch.writeInbound(request(ApiKey.SELECT, new SelectRequest(0, 999, 0,
            List.of(LabelMatcher.eq("__name__", "m")))::encode));
        final List<ByteBuf> frames = answers(ch, 2);
        final List<SeriesSamples> series = new ArrayList<>();
        for (final ByteBuf f : frames) {
            assertEquals(ErrorCode.NONE, FrameDescriptor.errorCode(f, 0));
            final WireReader r = new WireReader().wrap(f, FrameDescriptor.RESPONSE_HEADER_LENGTH,
                f.readableBytes() - FrameDescriptor.RESPONSE_HEADER_LENGTH);
            assertEquals(true, SeriesSamples.decodeList(r, f, series), r.problem());
            assertEquals(true, f.readableBytes() <= 4096 + 64, "frame size " + f.readableBytes());
            f.release();
        }
        long total = 0;
        for (final SeriesSamples s : series) {
            total += s.size();
        }
        assertEquals(3000, total);
        assertEquals(true, frames.size() > 10);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldCutChunkAnswersIntoSmallFramesWhenFrameBytesIsLarge() throws Exception {
        final TimeSeriesDb db = TimeSeriesDb.open(dir, DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
        final SplittableRandom rnd = new SplittableRandom(42);
        for (int s = 0; s < 10; s++) {
            for (long t = 0; t < 10_000; t++) {
                // random doubles: ~8 B per sample, ~800 KB of chunks in all
                db.head().append(LabelSet.of("__name__", "m", "s", "s" + s), t * 1000, rnd.nextDouble());
            }
        }
        final EmbeddedChannel ch = new EmbeddedChannel(new SelectFrameAdapter(db, executor, 1 << 20));
        assertEquals(true, ch.config().getWriteBufferWaterMark().high() >= 1 << 20,
            "about frameBytes of chunk frames may wait in the outbound buffer");
        ch.writeInbound(request(ApiKey.SELECT_CHUNKS, new SelectRequest(0, 9_999_000, 0,
            List.of(LabelMatcher.eq("__name__", "m")))::encode));
        final List<ByteBuf> frames = answers(ch, 2);
        final List<SeriesChunks> series = new ArrayList<>();
        long bytes = 0;
        for (final ByteBuf f : frames) {
            assertEquals(ErrorCode.NONE, FrameDescriptor.errorCode(f, 0));
            final WireReader r = new WireReader().wrap(f, FrameDescriptor.RESPONSE_HEADER_LENGTH,
                f.readableBytes() - FrameDescriptor.RESPONSE_HEADER_LENGTH);
            assertEquals(true, SeriesChunks.decodeList(r, f, series), r.problem());
            assertEquals(true, f.readableBytes() <= SelectFrameAdapter.CHUNK_FRAME_BYTES + 64,
                "frame size " + f.readableBytes());
            bytes += f.readableBytes();
            f.release();
        }
        assertEquals(true, bytes > 4L * SelectFrameAdapter.CHUNK_FRAME_BYTES, "answer bytes " + bytes);
        assertEquals(10, series.size(), "split entries of a series are joined");
        for (final SeriesChunks s : series) {
            assertEquals(10_000, s.decode(0, 9_999_000, new ChunkReader()).size());
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldBoundChunkFramesAndKeepWindowSeriesWholeWhenAnswersExceedFrameSize() throws Exception {
        final TimeSeriesDb db = TimeSeriesDb.open(dir, DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
        for (int s = 0; s < 3; s++) {
            for (long t = 0; t < 5000; t++) {
                db.head().append(LabelSet.of("__name__", "m", "s", "s" + s), t * 1000, t % 7);
            }
        }
        final EmbeddedChannel ch = new EmbeddedChannel(new SelectFrameAdapter(db, executor, 1024));
        ch.writeInbound(request(ApiKey.SELECT_CHUNKS, new SelectRequest(0, 4_999_000, 0,
            List.of(LabelMatcher.eq("__name__", "m")))::encode));
        final List<ByteBuf> frames = answers(ch, 2);
        final List<SeriesChunks> series = new ArrayList<>();
        for (final ByteBuf f : frames) {
            assertEquals(ErrorCode.NONE, FrameDescriptor.errorCode(f, 0));
            final WireReader r = new WireReader().wrap(f, FrameDescriptor.RESPONSE_HEADER_LENGTH,
                f.readableBytes() - FrameDescriptor.RESPONSE_HEADER_LENGTH);
            assertEquals(true, SeriesChunks.decodeList(r, f, series), r.problem());
            assertEquals(true, f.readableBytes() <= 1024 + 64, "frame size " + f.readableBytes());
            f.release();
        }
        assertEquals(3, series.size(), "split entries of a series are joined");
        for (final SeriesChunks s : series) {
            assertEquals(5000, s.decode(0, 4_999_000, new ChunkReader()).size());
        }
        assertEquals(true, frames.size() > 3);
        ch.writeInbound(request(ApiKey.SELECT_WINDOWS, new WindowRequest(4_800_000, 1000, 200, 60_000,
            WindowFunction.MAX, 0, List.of(LabelMatcher.eq("__name__", "m")))::encode));
        final List<ByteBuf> windowFrames = answers(ch, 3);
        final List<SeriesWindows> windows = new ArrayList<>();
        for (final ByteBuf f : windowFrames) {
            final WireReader r = new WireReader().wrap(f, FrameDescriptor.RESPONSE_HEADER_LENGTH,
                f.readableBytes() - FrameDescriptor.RESPONSE_HEADER_LENGTH);
            assertEquals(true, SeriesWindows.decodeList(r, f, windows), r.problem());
            f.release();
        }
        assertEquals(3, windowFrames.size(), "one series (200 points, 2.4 KB) per frame");
        assertEquals(3, windows.size());
        assertEquals(200, windows.getFirst().size());
        assertEquals(6.0, windows.getFirst().values()[0]);
        ch.writeInbound(request(ApiKey.SELECT_WINDOWS, new WindowRequest(0, 1000, 0, 60_000,
            WindowFunction.MAX, 0, List.of(LabelMatcher.eq("__name__", "m")))::encode));
        final ByteBuf invalid = answers(ch, 1).getFirst();
        assertEquals(ErrorCode.INVALID_REQUEST, FrameDescriptor.errorCode(invalid, 0));
        invalid.release();
        ch.finishAndReleaseAll();
    }
}
