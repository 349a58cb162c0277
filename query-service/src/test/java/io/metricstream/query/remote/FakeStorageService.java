package io.metricstream.query.remote;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.List;

/**
 * A storage instance speaking the real binary storage protocol (SELECT streamed over two frames, LABEL_NAMES,
 * LABEL_VALUES, SERIES, DELETE_SERIES) over an {@link InMemorySeriesSource}, to test the fan-out end to end.
 */
public final class FakeStorageService implements Service {
    private final String name;
    private final InMemorySeriesSource data;

    /** A fake named {@code name} serving {@code data}. */
    public FakeStorageService(final String name, final InMemorySeriesSource data) {
        this.name = name;
        this.data = data;
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
            if (key == ApiKey.SELECT) {
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

        private void strings(final ByteBuf out, final List<String> values) {
            out.writeInt(values.size());
            values.forEach(v -> WireWriter.string16(out, v));
        }
    }
}
