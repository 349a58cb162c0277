package io.metricstream.contracts.storage;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.client.PipelinedClient;
import io.metricstream.contracts.client.ServerAddress;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Client of the storage select protocol (one connection, pipelined, streamed SELECT answers). Futures fail
 * with a {@link ContractException}. Thread-safe.
 */
public final class StorageClient implements AutoCloseable {
    /** Bound on strings/series one metadata answer may declare (decoding bound). */
    public static final int MAX_LIST_ENTRIES = 10_000_000;

    private final PipelinedClient client;
    private final int requestTimeoutMs;

    /** Connects (lazily) to a storage instance at host:port with its own event loop. */
    public StorageClient(final String host, final int port, final ClientOptions options) {
        this(host, port, options, null);
    }

    /** Connects (lazily) to a storage instance on a shared event loop group. */
    public StorageClient(final String host, final int port, final ClientOptions options,
                         final EventLoopGroup group) {
        this.client = new PipelinedClient(host, port, options, group);
        this.requestTimeoutMs = options.requestTimeoutMs();
    }

    /**
     * Connects (lazily) to a storage instance at {@code address}, {@code host:port} or {@code local:NAME} (see
     * {@link ServerAddress}), on a shared event loop group of that address's transport ({@code null} = its own).
     */
    public StorageClient(final String address, final ClientOptions options, final EventLoopGroup group) {
        this.client = new PipelinedClient(ServerAddress.parse(address), options, group);
        this.requestTimeoutMs = options.requestTimeoutMs();
    }

    /** The address of the storage instance, as configured. */
    public String address() {
        return client.address();
    }

    /** Selects series and samples; consecutive entries of one split series are merged. */
    public CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
        return stream(ApiKey.SELECT, request::encode, SeriesSamples::decodeList).thenApply(StorageClient::mergeSplit);
    }

    /**
     * Selects series with their samples as encoded chunks (SELECT_CHUNKS): a ninth of SELECT's bytes on the wire,
     * decoded by the caller ({@link SeriesChunks#decode}) where it likes, e.g. in parallel. Split series are joined.
     */
    public CompletableFuture<List<SeriesChunks>> selectChunks(final SelectRequest request) {
        return stream(ApiKey.SELECT_CHUNKS, request::encode, SeriesChunks::decodeList);
    }

    /**
     * Like {@link #selectChunks(SelectRequest)}, streamed: {@code batches} gets the series of each answer frame as
     * the frame arrives, in answer order, so the caller can decode while storage still selects and sends. Each series
     * comes whole, in exactly one batch: the last series of a frame is held back until the next frame shows whether
     * it continues there. {@code batches} runs on the connection's event loop and must hand its work off; what it
     * throws fails the select. The future completes after the last batch was handed over.
     */
    public CompletableFuture<Void> selectChunks(final SelectRequest request,
                                                final Consumer<List<SeriesChunks>> batches) {
        final WireReader r = new WireReader();
        final List<SeriesChunks> held = new ArrayList<>(1);
        return client.requestStream(ApiKey.SELECT_CHUNKS, request::encode, requestTimeoutMs, (frame, more) -> {
            body(r, frame);
            // the held series first: SeriesChunks.decodeList joins a continuation of it to it
            final List<SeriesChunks> batch = new ArrayList<>(held);
            held.clear();
            if (!SeriesChunks.decodeList(r, frame, batch)) {
                throw bad(ApiKey.SELECT_CHUNKS.name(), r.problem());
            }
            if (more && !batch.isEmpty()) {
                held.add(batch.removeLast());
            }
            if (!batch.isEmpty()) {
                batches.accept(batch);
            }
        });
    }

    /** An aggregate over windows of every matching series (SELECT_WINDOWS). */
    public CompletableFuture<List<SeriesWindows>> selectWindows(final WindowRequest request) {
        return stream(ApiKey.SELECT_WINDOWS, request::encode, SeriesWindows::decodeList);
    }

    /** Decodes one streamed answer body into a list; false when malformed (the reader names the problem). */
    @FunctionalInterface
    private interface AnswerDecoder<T> {
        boolean decode(WireReader r, ByteBuf frame, List<T> into);
    }

    private <T> CompletableFuture<List<T>> stream(final ApiKey key, final Consumer<ByteBuf> body,
                                                  final AnswerDecoder<T> decoder) {
        final List<T> out = new ArrayList<>();
        final WireReader r = new WireReader();
        return client.requestStream(key, body, requestTimeoutMs, (frame, more) -> {
            body(r, frame);
            if (!decoder.decode(r, frame, out)) {
                throw bad(key.name(), r.problem());
            }
        }).thenApply(ignored -> out);
    }

    /** Label names over the matching series. */
    public CompletableFuture<List<String>> labelNames(final MetadataRequest request) {
        return strings(ApiKey.LABEL_NAMES, request);
    }

    /** Values of {@code request.labelName()} over the matching series. */
    public CompletableFuture<List<String>> labelValues(final MetadataRequest request) {
        return strings(ApiKey.LABEL_VALUES, request);
    }

    /** Label sets of the matching series. */
    public CompletableFuture<List<LabelSet>> series(final MetadataRequest request) {
        return client.request(ApiKey.SERIES, request::encode, requestTimeoutMs).thenApply(frame -> {
            try {
                final WireReader r = body(new WireReader(), frame);
                final int count = r.int32("count");
                if (!r.ok() || count < 0 || count > MAX_LIST_ENTRIES || count > r.remaining() / 4) {
                    throw bad("series", "bad count " + count);
                }
                final List<LabelSet> series = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    final int at = r.bytes32("seriesKey");
                    if (!r.ok() || SeriesKeyCodec.check(frame, at, r.lastLength()) != DecodeStatus.OK) {
                        throw bad("series", "bad series key " + i);
                    }
                    series.add(SeriesKeyCodec.decode(frame, at, r.lastLength()));
                }
                if (!r.expectEnd("series answer")) {
                    throw bad("series", r.problem());
                }
                return series;
            } finally {
                frame.release();
            }
        });
    }

    /** Deletes samples in the range of the matching series; answers the number of series touched. */
    public CompletableFuture<Long> deleteSeries(final MetadataRequest request) {
        return client.request(ApiKey.DELETE_SERIES, request::encode, requestTimeoutMs).thenApply(frame -> {
            try {
                final WireReader r = body(new WireReader(), frame);
                final long touched = r.int64("seriesTouched");
                if (!r.expectEnd("delete answer")) {
                    throw bad("delete", r.problem());
                }
                return touched;
            } finally {
                frame.release();
            }
        });
    }

    /**
     * Rewrites the blocks that have tombstones without the deleted samples (request body empty); answers the
     * number of blocks rewritten.
     */
    public CompletableFuture<Long> cleanTombstones() {
        return client.request(ApiKey.CLEAN_TOMBSTONES, out -> { }, requestTimeoutMs).thenApply(frame -> {
            try {
                final WireReader r = body(new WireReader(), frame);
                final long rewritten = r.int64("blocksRewritten");
                if (!r.expectEnd("clean tombstones answer")) {
                    throw bad("clean tombstones", r.problem());
                }
                return rewritten;
            } finally {
                frame.release();
            }
        });
    }

    private CompletableFuture<List<String>> strings(final ApiKey key, final MetadataRequest request) {
        return client.request(key, request::encode, requestTimeoutMs).thenApply(frame -> {
            try {
                final WireReader r = body(new WireReader(), frame);
                final int count = r.int32("count");
                if (!r.ok() || count < 0 || count > MAX_LIST_ENTRIES || count > r.remaining() / 2) {
                    throw bad(key.name(), "bad count " + count);
                }
                final List<String> strings = new ArrayList<>(count);
                for (int i = 0; i < count && r.ok(); i++) {
                    strings.add(r.string16("value"));
                }
                if (!r.expectEnd(key + " answer")) {
                    throw bad(key.name(), r.problem());
                }
                return strings;
            } finally {
                frame.release();
            }
        });
    }

    private ContractException bad(final String what, final String problem) {
        return new ContractException(ErrorCode.INVALID_REQUEST, "bad " + what + " answer from " + address() + ": "
            + problem);
    }

    private static WireReader body(final WireReader r, final ByteBuf frame) {
        final int at = frame.readerIndex() + FrameDescriptor.RESPONSE_HEADER_LENGTH;
        return r.wrap(frame, at, frame.writerIndex() - at);
    }

    static List<SeriesSamples> mergeSplit(final List<SeriesSamples> in) {
        final List<SeriesSamples> out = new ArrayList<>(in.size());
        for (final SeriesSamples s : in) {
            final int last = out.size() - 1;
            if (last >= 0 && out.get(last).labels().equals(s.labels())) {
                final SeriesSamples prev = out.get(last);
                final long[] ts = new long[prev.size() + s.size()];
                final double[] vs = new double[ts.length];
                System.arraycopy(prev.timestamps(), 0, ts, 0, prev.size());
                System.arraycopy(s.timestamps(), 0, ts, prev.size(), s.size());
                System.arraycopy(prev.values(), 0, vs, 0, prev.size());
                System.arraycopy(s.values(), 0, vs, prev.size(), s.size());
                out.set(last, new SeriesSamples(s.labels(), ts, vs));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** Closes the connection. */
    @Override
    public void close() {
        client.close();
    }
}
