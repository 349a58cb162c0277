package io.metricstream.storage.select;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadTruncatedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes storage requests (SELECT, LABEL_NAMES, LABEL_VALUES, SERIES, DELETE_SERIES, CLEAN_TOMBSTONES,
 * SELECT_CHUNKS, SELECT_WINDOWS) from whole frames and answers them from the query executor, never on the event
 * loop. SELECT, SELECT_CHUNKS and SELECT_WINDOWS answers stream as frames of about {@code frameBytes} each
 * (SELECT_CHUNKS at most {@link #CHUNK_FRAME_BYTES}), all but the last flagged MORE; a SELECT or SELECT_CHUNKS
 * series larger than a frame is split across consecutive entries with the same key (a SELECT_WINDOWS series never
 * is; one larger than a frame gets a frame of its own). One instance per connection; the frame is released here.
 */
public final class SelectFrameAdapter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SelectFrameAdapter.class);
    private static final DistinctErrorLog ERRORS = new DistinctErrorLog(LOG, Duration.ofSeconds(10));
    /**
     * Largest SELECT_CHUNKS frame (when {@code frameBytes} is larger): the query side decodes each frame as it
     * arrives, so smaller frames let decoding overlap this select and the transfer. Q1 of PEERS.md (825 KB of
     * chunks) was one 1 MiB frame whose decoding could only start once the whole select was done.
     */
    static final int CHUNK_FRAME_BYTES = 128 << 10;
    private final TimeSeriesDb db;
    private final ExecutorService executor;
    private final int frameBytes;
    private final Supplier<CompletableFuture<Integer>> cleanTombstones;
    private final SelectMetrics metrics;
    private final WireReader reader = new WireReader();

    /** An adapter answering from {@code db} on {@code executor}; CLEAN_TOMBSTONES is not served. */
    public SelectFrameAdapter(final TimeSeriesDb db, final ExecutorService executor, final int frameBytes) {
        this(db, executor, frameBytes, null, new SelectMetrics(new MetricsRegistry()));
    }

    /**
     * An adapter answering from {@code db} on {@code executor}; {@code cleanTombstones} runs tombstone cleaning
     * (on the ingest thread) and completes with the number of blocks rewritten; {@code metrics} counts selects.
     */
    public SelectFrameAdapter(final TimeSeriesDb db, final ExecutorService executor, final int frameBytes,
                              final Supplier<CompletableFuture<Integer>> cleanTombstones, final SelectMetrics metrics) {
        this.metrics = metrics;
        this.db = db;
        this.executor = executor;
        this.frameBytes = frameBytes;
        this.cleanTombstones = cleanTombstones;
    }

    /**
     * Lets about {@code frameBytes} of SELECT_CHUNKS frames wait in the outbound buffer (the bytes one whole frame held
     * before chunk frames were cut to {@link #CHUNK_FRAME_BYTES}). Under Netty's default 64 KiB high-water mark every
     * chunk frame made the channel unwritable, and the select thread parked in 1 ms steps before its next frame
     * whenever the event loop had not flushed the previous one: measured on ~96 of 100 Q1 selects (PEERS.md).
     */
    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        final int frame = Math.min(frameBytes, CHUNK_FRAME_BYTES) + 4096;
        final int high = Math.max(2 * frame, frameBytes + frame);
        final WriteBufferWaterMark mark = ctx.channel().config().getWriteBufferWaterMark();
        if (mark.high() < high) {
            ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf frame = (ByteBuf) msg;
        try {
            final int at = frame.readerIndex();
            if (frame.readableBytes() < FrameDescriptor.REQUEST_HEADER_LENGTH) {
                ctx.close();
                return;
            }
            final int correlationId = FrameDescriptor.requestCorrelationId(frame, at);
            final ApiKey key = ApiKey.fromId(FrameDescriptor.apiKey(frame, at));
            if (FrameDescriptor.version(frame, at) != FrameDescriptor.VERSION || key == null
                || key.id() < ApiKey.SELECT.id()) {
                error(ctx, correlationId, ErrorCode.UNSUPPORTED_VERSION, "unsupported api key "
                    + FrameDescriptor.apiKey(frame, at) + " version " + FrameDescriptor.version(frame, at));
                return;
            }
            FrameDescriptor.wrapRequestBody(reader, frame, at);
            final Runnable task = decode(ctx, key, correlationId);
            if (task == null) {
                error(ctx, correlationId, ErrorCode.INVALID_REQUEST, reader.problem());
                return;
            }
            try {
                executor.execute(task);
            } catch (final RejectedExecutionException e) {
                error(ctx, correlationId, ErrorCode.NOT_READY, "storage is shutting down");
            }
        } finally {
            frame.release();
        }
    }

    private Runnable decode(final ChannelHandlerContext ctx, final ApiKey key, final int correlationId) {
        if (key == ApiKey.CLEAN_TOMBSTONES) {
            if (!reader.expectEnd("clean tombstones")) {
                return null;
            }
            if (cleanTombstones == null) {
                reader.fail("clean tombstones is not served here");
                return null;
            }
            return () -> cleanTombstones.get().whenComplete((rewritten, e) -> {
                if (e != null) {
                    error(ctx, correlationId, ErrorCode.INTERNAL, "clean tombstones failed: " + e.getMessage());
                    return;
                }
                final ByteBuf out = ctx.alloc().buffer();
                final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
                out.writeLong(rewritten);
                FrameDescriptor.finish(out, start);
                ctx.writeAndFlush(out);
            });
        }
        if (key == ApiKey.SELECT || key == ApiKey.SELECT_CHUNKS) {
            final SelectRequest q = SelectRequest.decode(reader);
            if (q == null) {
                return null;
            }
            return key == ApiKey.SELECT ? () -> guarded(ctx, correlationId, () -> select(ctx, correlationId, q))
                : () -> guarded(ctx, correlationId, () -> selectChunks(ctx, correlationId, q));
        }
        if (key == ApiKey.SELECT_WINDOWS) {
            final WindowRequest q = WindowRequest.decode(reader);
            return q == null ? null : () -> guarded(ctx, correlationId, () -> selectWindows(ctx, correlationId, q));
        }
        final MetadataRequest q = MetadataRequest.decode(reader);
        if (q == null) {
            return null;
        }
        if ((key == ApiKey.SERIES || key == ApiKey.DELETE_SERIES) && q.matchers().isEmpty()) {
            reader.fail("at least one matcher is required for " + key);
            return null;
        }
        if (key == ApiKey.LABEL_VALUES && q.labelName().isEmpty()) {
            reader.fail("labelName is required for LABEL_VALUES");
            return null;
        }
        return () -> guarded(ctx, correlationId, () -> metadata(ctx, correlationId, key, q));
    }

    private interface Work {
        void run() throws Exception;
    }

    private void guarded(final ChannelHandlerContext ctx, final int correlationId, final Work work) {
        try {
            work.run();
        } catch (final Querier.TooManySeriesException e) {
            error(ctx, correlationId, ErrorCode.LIMIT_EXCEEDED, e.getMessage());
        } catch (final HeadTruncatedException e) {
            // retriable: a new select takes the current block list
            error(ctx, correlationId, ErrorCode.TIMEOUT, e.getMessage());
        } catch (final Exception | StackOverflowError e) {
            ERRORS.error(DistinctErrorLog.keyOf(e), "storage request failed: " + e, e);
            error(ctx, correlationId, ErrorCode.INTERNAL, String.valueOf(e.getMessage()));
        }
    }

    private void select(final ChannelHandlerContext ctx, final int correlationId, final SelectRequest q)
        throws Querier.TooManySeriesException {
        final long t0 = System.nanoTime();
        final FrameStream stream = new FrameStream(ctx, correlationId, frameBytes);
        final ThreadQueriers queriers = ThreadQueriers.acquire(db);
        try {
            queriers.querier.select(q.matchers(), q.minTimeMs(), q.maxTimeMs(), q.maxSeries(), stream::series);
            metrics.select.increment();
            metrics.selectLatency.recordNanos(System.nanoTime() - t0);
            stream.finish();
        } finally {
            queriers.release();
            stream.discard();
        }
    }

    private void selectChunks(final ChannelHandlerContext ctx, final int correlationId, final SelectRequest q)
        throws Querier.TooManySeriesException {
        final long t0 = System.nanoTime();
        final FrameStream stream = new FrameStream(ctx, correlationId, Math.min(frameBytes, CHUNK_FRAME_BYTES));
        final ThreadQueriers queriers = ThreadQueriers.acquire(db);
        try {
            // the querier's counters run over every select of this thread: this select's share is the difference
            final ChunkQuerier querier = queriers.chunkQuerier;
            final long copied = querier.chunksCopied();
            final long encoded = querier.chunksEncoded();
            querier.select(q.matchers(), q.minTimeMs(), q.maxTimeMs(), q.maxSeries(), stream::chunkSeries);
            metrics.selectChunks.increment();
            metrics.chunksCopied.add(querier.chunksCopied() - copied);
            metrics.chunksEncoded.add(querier.chunksEncoded() - encoded);
            metrics.selectChunksLatency.recordNanos(System.nanoTime() - t0);
            stream.finish();
        } finally {
            queriers.release();
            stream.discard();
        }
    }

    private void selectWindows(final ChannelHandlerContext ctx, final int correlationId, final WindowRequest q)
        throws Querier.TooManySeriesException {
        final long t0 = System.nanoTime();
        final FrameStream stream = new FrameStream(ctx, correlationId, frameBytes);
        final ThreadQueriers queriers = ThreadQueriers.acquire(db);
        try {
            final WindowQuerier querier = queriers.windowQuerier;
            final long fromRollups = querier.windowsFromRollups();
            final long buckets = querier.bucketsRead();
            final long fromChunks = querier.seriesFromChunks();
            querier.select(q, stream::windowSeries);
            metrics.selectWindows.increment();
            metrics.windowsFromRollups.add(querier.windowsFromRollups() - fromRollups);
            metrics.rollupBuckets.add(querier.bucketsRead() - buckets);
            metrics.windowSeriesFromChunks.add(querier.seriesFromChunks() - fromChunks);
            metrics.selectWindowsLatency.recordNanos(System.nanoTime() - t0);
            // counted before the last frame goes out, so a client that reads /metrics after its answer sees it
            stream.finish();
        } finally {
            queriers.release();
            stream.discard();
        }
    }

    private void metadata(final ChannelHandlerContext ctx, final int correlationId, final ApiKey key,
                          final MetadataRequest q) throws java.io.IOException {
        final Querier querier = new Querier(db);
        final ByteBuf out = ctx.alloc().buffer();
        try {
            final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
            switch (key) {
                case LABEL_NAMES -> strings(out, querier.labelNames(q.matchers(), q.minTimeMs(), q.maxTimeMs(),
                    q.limit()));
                case LABEL_VALUES -> strings(out, querier.labelValues(q.labelName(), q.matchers(), q.minTimeMs(),
                    q.maxTimeMs(), q.limit()));
                case SERIES -> {
                    final List<LabelSet> series = querier.series(q.matchers(), q.minTimeMs(), q.maxTimeMs(),
                        q.limit());
                    out.writeInt(series.size());
                    for (final LabelSet l : series) {
                        writeKey(out, l);
                    }
                }
                default -> {
                    final List<LabelSet> series = querier.series(q.matchers(), q.minTimeMs(), q.maxTimeMs(), 0);
                    db.delete(series, q.minTimeMs(), q.maxTimeMs());
                    out.writeLong(series.size());
                }
            }
            FrameDescriptor.finish(out, start);
            ctx.writeAndFlush(out.retain());
        } finally {
            out.release();
        }
    }

    private static void strings(final ByteBuf out, final List<String> strings) {
        out.writeInt(strings.size());
        for (final String s : strings) {
            WireWriter.string16(out, s);
        }
    }

    private static void writeKey(final ByteBuf out, final LabelSet labels) {
        final int lengthAt = out.writerIndex();
        out.writeInt(0);
        out.setInt(lengthAt, SeriesKeyCodec.encode(labels, out));
    }

    private static void error(final ChannelHandlerContext ctx, final int correlationId, final ErrorCode code,
                              final String message) {
        final ByteBuf out = ctx.alloc().buffer();
        FrameDescriptor.writeError(out, correlationId, code, message == null ? code.wireName() : message);
        ctx.writeAndFlush(out);
    }

    /** Builds SELECT answer frames of about {@code frameBytes}, writing each full one with MORE set. */
    private static final class FrameStream {
        private final ChannelHandlerContext ctx;
        private final int correlationId;
        private final int frameBytes;
        private ByteBuf frame;
        private int start;
        private int countAt;
        private int count;

        FrameStream(final ChannelHandlerContext ctx, final int correlationId, final int frameBytes) {
            this.ctx = ctx;
            this.correlationId = correlationId;
            this.frameBytes = frameBytes;
            begin();
        }

        private void begin() {
            // a whole frame's room at once: from 64 KiB, the 825 KB SELECT_CHUNKS answer of Q1 (PEERS.md) was
            // reallocated and copied four times on the way, ~0.2 ms of the select; pooled, the size costs the same
            frame = ctx.alloc().buffer(frameBytes + 4096);
            start = FrameDescriptor.beginResponse(frame, correlationId, ErrorCode.NONE, false);
            countAt = frame.writerIndex();
            frame.writeInt(0);
            count = 0;
        }

        void series(final LabelSet labels, final SampleBuffer samples) {
            int from = 0;
            final int keyBytes = SeriesKeyCodec.encodedLength(labels) + 8;
            while (from < samples.size()) {
                if (count > 0 && frame.writerIndex() - start + keyBytes + 16 > frameBytes) {
                    flush(true);
                }
                final int room = Math.max(1, (frameBytes - (frame.writerIndex() - start) - keyBytes) / 16);
                final int n = Math.min(room, samples.size() - from);
                writeKey(frame, labels);
                frame.writeInt(n);
                for (int i = from; i < from + n; i++) {
                    frame.writeLong(samples.timestampAt(i));
                    frame.writeLong(samples.valueBitsAt(i));
                }
                count++;
                from += n;
            }
        }

        void chunkSeries(final LabelSet labels, final ChunkQuerier.ChunkList chunks) {
            final int keyBytes = SeriesKeyCodec.encodedLength(labels) + 8;
            int i = 0;
            while (i < chunks.size()) {
                if (count > 0 && used() + keyBytes + entryBytes(chunks, i) > frameBytes) {
                    flush(true);
                }
                writeKey(frame, labels);
                final int chunkCountAt = frame.writerIndex();
                frame.writeInt(0);
                int n = 0;
                do {
                    SeriesChunks.writeChunk(frame, chunks.minTimeAt(i), chunks.maxTimeAt(i), chunks.bufferAt(i),
                        chunks.offsetAt(i), chunks.lengthAt(i));
                    i++;
                    n++;
                } while (i < chunks.size() && used() + entryBytes(chunks, i) <= frameBytes);
                SeriesChunks.endSeries(frame, chunkCountAt, n);
                count++;
            }
        }

        private int entryBytes(final ChunkQuerier.ChunkList chunks, final int i) {
            return SeriesChunks.CHUNK_ENTRY_OVERHEAD + chunks.lengthAt(i);
        }

        void windowSeries(final LabelSet labels, final int[] steps, final double[] values, final int n) {
            final int bytes = SeriesKeyCodec.encodedLength(labels) + 8 + 12 * n;
            if (count > 0 && used() + bytes > frameBytes) {
                flush(true);
            }
            writeKey(frame, labels);
            frame.writeInt(n);
            for (int i = 0; i < n; i++) {
                SeriesWindows.writePoint(frame, steps[i], values[i]);
            }
            count++;
        }

        private int used() {
            return frame.writerIndex() - start;
        }

        private void flush(final boolean more) {
            frame.setInt(countAt, count);
            frame.setByte(start + FrameDescriptor.FLAGS_AT, more ? FrameDescriptor.FLAG_MORE : 0);
            FrameDescriptor.finish(frame, start);
            final ByteBuf out = frame;
            frame = null;
            while (more && ctx.channel().isActive() && !ctx.channel().isWritable()) {
                LockSupport.parkNanos(1_000_000);
            }
            ctx.writeAndFlush(out);
            if (more) {
                begin();
            }
        }

        void finish() {
            flush(false);
        }

        void discard() {
            if (frame != null) {
                frame.release();
                frame = null;
            }
        }
    }
}
