package io.metricstream.query.remote;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage instance speaking the real binary storage protocol (SELECT, SELECT_CHUNKS and SELECT_WINDOWS streamed
 * over two frames, LABEL_NAMES, LABEL_VALUES, SERIES, DELETE_SERIES) over an {@link InMemorySeriesSource}, to test
 * the fan-out end to end. SELECT_CHUNKS answers with whole chunks of {@code chunkSamples} samples cut from the
 * start of each series, so chunks reach outside the range and one series is split across the two frames. A
 * {@code legacy} fake answers SELECT_CHUNKS and SELECT_WINDOWS with {@code unsupported_version}, as a storage from
 * before those APIs does.
 */
public final class FakeStorageService implements Service {
    /** Samples per chunk in SELECT_CHUNKS answers of test fakes (small, so series have many chunks). */
    public static final int CHUNK_SAMPLES = 7;

    private final String name;
    private final InMemorySeriesSource data;
    private final boolean legacy;
    private final int chunkSamples;
    /** Whole-series chunks by series when the data is frozen (benchmarks), else null: encoded per request. */
    private final Map<LabelSet, SeriesChunks> frozenChunks;
    private final Map<ApiKey, AtomicInteger> requests = new ConcurrentHashMap<>();

    /** A fake named {@code name} serving {@code data}. */
    public FakeStorageService(final String name, final InMemorySeriesSource data) {
        this(name, data, false);
    }

    /** A fake; {@code legacy} ones reject SELECT_CHUNKS and SELECT_WINDOWS. */
    public FakeStorageService(final String name, final InMemorySeriesSource data, final boolean legacy) {
        this(name, data, legacy, CHUNK_SAMPLES, false);
    }

    private FakeStorageService(final String name, final InMemorySeriesSource data, final boolean legacy,
                               final int chunkSamples, final boolean frozen) {
        this.name = name;
        this.data = data;
        this.legacy = legacy;
        this.chunkSamples = chunkSamples;
        this.frozenChunks = frozen ? new ConcurrentHashMap<>() : null;
    }

    /**
     * A fake over data that no longer changes, holding each series encoded once in chunks of {@code chunkSamples}
     * (storage holds 120) so SELECT_CHUNKS copies bytes as storage does; for benchmarks.
     */
    public static FakeStorageService frozen(final String name, final InMemorySeriesSource data, final boolean legacy,
                                            final int chunkSamples) {
        return new FakeStorageService(name, data, legacy, chunkSamples, true);
    }

    /** Requests of {@code key} answered (or rejected) so far. */
    public int requests(final ApiKey key) {
        return requests.computeIfAbsent(key, k -> new AtomicInteger()).get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ConfigTable configTable() {
        return ConfigTable.of();
    }

    @Override
    public void start(final ServiceHost host) {
        host.binary(0, Handler::new, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int at = frame.readerIndex();
            final ApiKey key = ApiKey.fromId(FrameDescriptor.apiKey(frame, at));
            final int correlationId = FrameDescriptor.requestCorrelationId(frame, at);
            final WireReader r = new WireReader().wrap(frame, at + FrameDescriptor.REQUEST_HEADER_LENGTH,
                frame.readableBytes() - FrameDescriptor.REQUEST_HEADER_LENGTH);
            final ByteBuf out = ctx.alloc().buffer();
            requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (legacy && (key == ApiKey.SELECT_CHUNKS || key == ApiKey.SELECT_WINDOWS)) {
                final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.UNSUPPORTED_VERSION,
                    false);
                WireWriter.string16(out, "unsupported api key " + key.id() + " version 0");
                FrameDescriptor.finish(out, start);
            } else if (key == ApiKey.SELECT_CHUNKS) {
                selectChunks(out, correlationId, SelectRequest.decode(r));
            } else if (key == ApiKey.SELECT_WINDOWS) {
                final List<SeriesWindows> all = data.selectWindows(WindowRequest.decode(r)).join();
                final int half = all.size() / 2;
                int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, true);
                SeriesWindows.encodeList(out, all.subList(0, half));
                FrameDescriptor.finish(out, start);
                start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
                SeriesWindows.encodeList(out, all.subList(half, all.size()));
                FrameDescriptor.finish(out, start);
            } else if (key == ApiKey.SELECT) {
                final SelectRequest req = SelectRequest.decode(r);
                final List<SeriesSamples> all = data.select(req).join();
                final int half = all.size() / 2;
                int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, true);
                SeriesSamples.encodeList(out, all.subList(0, half));
                FrameDescriptor.finish(out, start);
                start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
                SeriesSamples.encodeList(out, all.subList(half, all.size()));
                FrameDescriptor.finish(out, start);
            } else {
                final MetadataRequest req = MetadataRequest.decode(r);
                final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
                switch (key) {
                    case LABEL_NAMES -> strings(out, data.labelNames(req).join());
                    case LABEL_VALUES -> strings(out, data.labelValues(req).join());
                    case SERIES -> {
                        final List<LabelSet> series = data.series(req).join();
                        out.writeInt(series.size());
                        for (final LabelSet l : series) {
                            out.writeInt(SeriesKeyCodec.encodedLength(l));
                            SeriesKeyCodec.encode(l, out);
                        }
                    }
                    default -> out.writeLong(data.deleteSeries(req).join());
                }
                FrameDescriptor.finish(out, start);
            }
            ctx.writeAndFlush(out);
        }

        private void selectChunks(final ByteBuf out, final int correlationId, final SelectRequest req) {
            final List<SeriesChunks> all = new ArrayList<>();
            for (final LabelSet labels : data.matchingLabels(req.matchers())) {
                final SeriesChunks c = frozenChunks == null
                    ? chunks(data.whole(labels), req.minTimeMs(), req.maxTimeMs(), chunkSamples)
                    : overlapping(frozenChunks.computeIfAbsent(labels, l -> chunks(data.whole(l), Long.MIN_VALUE,
                        Long.MAX_VALUE, chunkSamples)), req.minTimeMs(), req.maxTimeMs());
                if (c != null) {
                    all.add(c);
                }
            }
            final List<SeriesChunks> first = new ArrayList<>(all.subList(0, all.size() / 2));
            final List<SeriesChunks> second = new ArrayList<>(all.subList(all.size() / 2, all.size()));
            if (!second.isEmpty() && second.getFirst().chunkCount() > 1) {
                // the first series of the second frame starts in the first frame: the client joins the halves
                final SeriesChunks s = second.getFirst();
                final int cut = s.chunkCount() / 2;
                first.add(new SeriesChunks(s.labels(), Arrays.copyOf(s.minTimes(), cut),
                    Arrays.copyOf(s.maxTimes(), cut), Arrays.copyOf(s.chunks(), cut)));
                second.set(0, new SeriesChunks(s.labels(), Arrays.copyOfRange(s.minTimes(), cut, s.chunkCount()),
                    Arrays.copyOfRange(s.maxTimes(), cut, s.chunkCount()),
                    Arrays.copyOfRange(s.chunks(), cut, s.chunkCount())));
            }
            int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, true);
            SeriesChunks.encodeList(out, first);
            FrameDescriptor.finish(out, start);
            start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
            SeriesChunks.encodeList(out, second);
            FrameDescriptor.finish(out, start);
        }

        private void strings(final ByteBuf out, final List<String> values) {
            out.writeInt(values.size());
            values.forEach(v -> WireWriter.string16(out, v));
        }
    }

    /** The chunks of {@code s} that overlap [min, max]: whole chunks, so they may reach outside; null if none. */
    static SeriesChunks chunks(final SeriesSamples s, final long min, final long max, final int chunkSamples) {
        final List<byte[]> chunks = new ArrayList<>();
        final List<long[]> bounds = new ArrayList<>();
        final ChunkWriter writer = new ChunkWriter(chunkSamples);
        final BitWriter bits = new BitWriter(256);
        for (int from = 0; from < s.size(); from += chunkSamples) {
            final int to = Math.min(s.size(), from + chunkSamples);
            final long lo = s.timestamps()[from];
            final long hi = s.timestamps()[to - 1];
            if (hi < min || lo > max) {
                continue;
            }
            writer.reset();
            for (int i = from; i < to; i++) {
                writer.append(s.timestamps()[i], s.values()[i]);
            }
            bits.reset();
            writer.encode(bits);
            chunks.add(bits.toByteArray());
            bounds.add(new long[] {lo, hi});
        }
        if (chunks.isEmpty()) {
            return null;
        }
        final long[] mins = new long[chunks.size()];
        final long[] maxs = new long[chunks.size()];
        for (int i = 0; i < mins.length; i++) {
            mins[i] = bounds.get(i)[0];
            maxs[i] = bounds.get(i)[1];
        }
        return new SeriesChunks(s.labels(), mins, maxs, chunks.toArray(new byte[0][]));
    }

    /** The chunks of {@code whole} that overlap [min, max]; null if none. */
    private static SeriesChunks overlapping(final SeriesChunks whole, final long min, final long max) {
        int from = 0;
        while (from < whole.chunkCount() && whole.maxTimes()[from] < min) {
            from++;
        }
        int to = from;
        while (to < whole.chunkCount() && whole.minTimes()[to] <= max) {
            to++;
        }
        if (to == from) {
            return null;
        }
        return new SeriesChunks(whole.labels(), Arrays.copyOfRange(whole.minTimes(), from, to),
            Arrays.copyOfRange(whole.maxTimes(), from, to), Arrays.copyOfRange(whole.chunks(), from, to));
    }
}
