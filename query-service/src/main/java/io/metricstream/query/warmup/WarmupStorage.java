package io.metricstream.query.warmup;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.runtime.binary.BinaryServer;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;

/**
 * A storage-protocol server on an ephemeral loopback port answering SELECT_CHUNKS, SELECT_WINDOWS and SELECT from a
 * {@link WarmupSource}'s synthetic series, in the frames storage sends, so that the warm-up's queries run the
 * service's real {@link io.metricstream.query.remote.StorageFanout} and
 * {@link io.metricstream.contracts.storage.StorageClient}: request encoding, response framing, the streamed
 * frame-by-frame chunk decoding and the windows decoding. Answers are cut into frames of at most
 * {@link #FRAME_BYTES}, all but the last flagged MORE. Other requests are answered {@code invalid_request}. Counts
 * what it answered ({@link #traffic()}). Thread-safe; closed with {@link #close()}.
 */
final class WarmupStorage implements AutoCloseable {
    /**
     * Largest answer frame: storage cuts SELECT_CHUNKS answers at 128 KiB and Q1 of PEERS.md (825 KB) arrives in
     * seven frames; the warm-up's answers are a few hundred KB at most, so smaller frames make every select of the
     * warm-up run the several-frame streamed decoding path.
     */
    static final int FRAME_BYTES = 32 << 10;

    private final WarmupSource source;
    private final BinaryServer server;
    private final AtomicLong selectChunks = new AtomicLong();
    private final AtomicLong chunkFrames = new AtomicLong();
    private final AtomicLong selectWindows = new AtomicLong();
    private final AtomicLong selects = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /** Binds on 127.0.0.1, an ephemeral port, on {@code loops}. */
    WarmupStorage(final WarmupSource source, final EventLoops loops) throws InterruptedException {
        this.source = source;
        this.server = BinaryServer.bind(loops, "127.0.0.1", 0, Handler::new, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
    }

    /** The address to give a storage client. */
    String address() {
        return "127.0.0.1:" + server.port();
    }

    /** What was answered so far. */
    QueryWarmup.Traffic traffic() {
        return new QueryWarmup.Traffic(selectChunks.get(), chunkFrames.get(), selectWindows.get(), selects.get(),
            errors.get());
    }

    @Override
    public void close() {
        server.stopAccepting();
        server.closeConnections(Duration.ofSeconds(1));
    }

    /** One per connection: decodes each whole request frame (and releases it), answers on the decoding threads. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final WireReader reader = new WireReader();

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
                FrameDescriptor.wrapRequestBody(reader, frame, at);
                if (key == ApiKey.SELECT_CHUNKS || key == ApiKey.SELECT) {
                    final SelectRequest q = SelectRequest.decode(reader);
                    if (q == null) {
                        error(ctx, correlationId, ErrorCode.INVALID_REQUEST, reader.problem());
                    } else if (key == ApiKey.SELECT_CHUNKS) {
                        // the chunks are copied as storage copies its blocks' chunks: no decoding on this side
                        final List<SeriesChunks> chunks = WarmupSource.entries(source.matching(q.matchers(),
                            q.minTimeMs(), q.maxTimeMs()));
                        chunkFrames.addAndGet(answer(ctx, correlationId, chunks, WarmupStorage::chunkBytes,
                            SeriesChunks::encodeList));
                        selectChunks.incrementAndGet();
                    } else {
                        reply(ctx, correlationId, source.select(q), selects, WarmupStorage::sampleBytes,
                            SeriesSamples::encodeList);
                    }
                } else if (key == ApiKey.SELECT_WINDOWS) {
                    final WindowRequest q = WindowRequest.decode(reader);
                    if (q == null) {
                        error(ctx, correlationId, ErrorCode.INVALID_REQUEST, reader.problem());
                    } else {
                        reply(ctx, correlationId, source.selectWindows(q), selectWindows, WarmupStorage::windowBytes,
                            SeriesWindows::encodeList);
                    }
                } else {
                    error(ctx, correlationId, ErrorCode.INVALID_REQUEST, "the warm-up storage serves selects only");
                }
            } catch (final RuntimeException e) {
                error(ctx, FrameDescriptor.requestCorrelationId(frame, frame.readerIndex()), ErrorCode.INTERNAL,
                    String.valueOf(e));
            } finally {
                frame.release();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }

    /** Answers with {@code answer}'s series once computed (on the source's decoding threads), or its failure. */
    private <S> void reply(final ChannelHandlerContext ctx, final int correlationId,
                           final CompletableFuture<List<S>> answer, final AtomicLong counter,
                           final ToIntFunction<S> bytes, final BiConsumer<ByteBuf, List<S>> encode) {
        answer.whenComplete((series, e) -> {
            if (e != null) {
                error(ctx, correlationId, ErrorCode.INTERNAL, String.valueOf(e));
            } else {
                answer(ctx, correlationId, series, bytes, encode);
                counter.incrementAndGet();
            }
        });
    }

    /**
     * Writes {@code series} as answer frames of at most about {@link #FRAME_BYTES} (a larger series gets a frame of
     * its own), all but the last flagged MORE; returns the number of frames.
     */
    private static <S> int answer(final ChannelHandlerContext ctx, final int correlationId, final List<S> series,
                                  final ToIntFunction<S> bytes, final BiConsumer<ByteBuf, List<S>> encode) {
        final List<List<S>> frames = new ArrayList<>();
        List<S> frame = new ArrayList<>();
        int used = 0;
        for (final S s : series) {
            final int b = bytes.applyAsInt(s);
            if (!frame.isEmpty() && used + b > FRAME_BYTES) {
                frames.add(frame);
                frame = new ArrayList<>();
                used = 0;
            }
            frame.add(s);
            used += b;
        }
        frames.add(frame);
        for (int i = 0; i < frames.size(); i++) {
            final ByteBuf out = ctx.alloc().buffer();
            final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, i < frames.size() - 1);
            encode.accept(out, frames.get(i));
            FrameDescriptor.finish(out, start);
            ctx.writeAndFlush(out);
        }
        return frames.size();
    }

    private static int keyBytes(final LabelSet labels) {
        return SeriesKeyCodec.encodedLength(labels) + 8;
    }

    private static int chunkBytes(final SeriesChunks s) {
        int b = keyBytes(s.labels());
        for (final byte[] c : s.chunks()) {
            b += SeriesChunks.CHUNK_ENTRY_OVERHEAD + c.length;
        }
        return b;
    }

    private static int sampleBytes(final SeriesSamples s) {
        return keyBytes(s.labels()) + 16 * s.size();
    }

    private static int windowBytes(final SeriesWindows s) {
        return keyBytes(s.labels()) + 12 * s.size();
    }

    private void error(final ChannelHandlerContext ctx, final int correlationId, final ErrorCode code,
                       final String message) {
        errors.incrementAndGet();
        final ByteBuf out = ctx.alloc().buffer();
        FrameDescriptor.writeError(out, correlationId, code, message == null ? code.wireName() : message);
        ctx.writeAndFlush(out);
    }
}
