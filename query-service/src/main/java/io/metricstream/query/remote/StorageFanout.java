package io.metricstream.query.remote;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.LoggerFactory;

/**
 * Sends every request to every storage instance in parallel and merges the answers ({@link SeriesMerger} for
 * samples; sorted unions for names, values and series; a sum for deletes). Any failing instance fails the request:
 * a partial answer would silently under-count. Thread-safe.
 *
 * <p>Samples travel as chunks (SELECT_CHUNKS, a ninth of SELECT's bytes) and are decoded by a {@link ChunkDecoder}
 * off the event loop, spread over its threads; from a single instance, each answer frame is decoded as it arrives.
 * Windows ({@code *_over_time} pushdown) come from SELECT_WINDOWS; when one series is spread over several instances
 * its windows cannot be combined exactly, so the request is then answered from the merged raw samples with
 * {@link RawWindows}. An instance that answers SELECT_CHUNKS or
 * SELECT_WINDOWS with {@code unsupported_version} or {@code invalid_request} (a storage from before those APIs) is
 * asked with SELECT instead, and not asked the newer API again for {@link #LEGACY_RETRY_MS}.
 */
public final class StorageFanout implements SeriesSource, AutoCloseable {
    /** How long an instance that rejected SELECT_CHUNKS / SELECT_WINDOWS is served by SELECT before a retry. */
    static final long LEGACY_RETRY_MS = 60_000;

    private static final DistinctErrorLog LOG = new DistinctErrorLog(LoggerFactory.getLogger(StorageFanout.class),
        Duration.ofMinutes(1));

    private final List<Instance> instances;
    private final ChunkDecoder decoder;

    /** One storage instance and what it has shown it does not support (re-checked after a while). */
    private static final class Instance {
        final StorageClient client;
        /** System.nanoTime() before which SELECT_CHUNKS / SELECT_WINDOWS are not tried; written by any thread. */
        volatile long chunksRetryAtNanos;
        volatile boolean chunksRejected;
        volatile long windowsRetryAtNanos;
        volatile boolean windowsRejected;

        Instance(final StorageClient client) {
            this.client = client;
        }
    }

    /** One client per {@code host:port} address, on {@code group} (null = own loops), decoding with {@code decoder}. */
    public StorageFanout(final List<String> addresses, final ClientOptions options, final EventLoopGroup group,
                         final ChunkDecoder decoder) {
        final List<Instance> list = new ArrayList<>(addresses.size());
        for (final String address : addresses) {
            final int colon = address.lastIndexOf(':');
            list.add(new Instance(new StorageClient(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)), options, group)));
        }
        this.instances = List.copyOf(list);
        this.decoder = decoder;
    }

    /** The storage addresses. */
    public List<String> addresses() {
        return instances.stream().map(i -> i.client.address()).toList();
    }

    @Override
    public CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
        return allInstances(i -> selectOne(i, request)).thenApply(SeriesMerger::merge);
    }

    /**
     * With one instance, chunks are decoded straight into stale-free range series on the decoding threads; with
     * several, their samples are merged first (a stale marker on one instance may share its timestamp with a sample
     * on another, and merging keeps the first instance's).
     */
    @Override
    public CompletableFuture<List<RangeSeries>> selectRange(final SelectRequest request) {
        final Instance i = instances.getFirst();
        if (instances.size() > 1 || i.chunksRejected && System.nanoTime() - i.chunksRetryAtNanos < 0) {
            return rangeFromSamples(request);
        }
        final ChunkDecoder.Streamed<RangeSeries> decoding = decoder.streamRanges(request.minTimeMs(),
            request.maxTimeMs());
        return i.client.selectChunks(request, decoding)
            .thenCompose(ignored -> {
                i.chunksRejected = false;
                return decoding.result();
            })
            .exceptionallyCompose(t -> isLegacyRejection(t) ? rangeFromSamples(request)
                : CompletableFuture.failedFuture(t));
    }

    /**
     * With one instance, each series is mapped on the decoding thread right after its chunks were decoded into that
     * thread's reused arrays; with several (or an older storage), the merged samples are mapped on the decoder's
     * threads.
     */
    @Override
    public <T> CompletableFuture<List<Mapped<T>>> selectRangeMapped(final SelectRequest request,
                                                                   final Function<RangeSeries, T> mapper) {
        final Instance i = instances.getFirst();
        if (instances.size() > 1 || i.chunksRejected && System.nanoTime() - i.chunksRetryAtNanos < 0) {
            return rangeFromSamples(request).thenApply(all -> SeriesSource.mapRanges(all, mapper));
        }
        final ChunkDecoder.Streamed<Mapped<T>> decoding = decoder.streamRangesMapped(request.minTimeMs(),
            request.maxTimeMs(), mapper);
        return i.client.selectChunks(request, decoding)
            .thenCompose(ignored -> {
                i.chunksRejected = false;
                return decoding.result();
            })
            .exceptionallyCompose(t -> isLegacyRejection(t)
                ? rangeFromSamples(request).thenApply(all -> SeriesSource.mapRanges(all, mapper))
                : CompletableFuture.failedFuture(t));
    }

    /** Like {@link #selectRangeMapped}, for samples with their stale markers ({@link #select}). */
    @Override
    public <T> CompletableFuture<List<Mapped<T>>> selectMapped(final SelectRequest request,
                                                              final SamplesMapper<T> mapper) {
        final Instance i = instances.getFirst();
        if (instances.size() > 1 || i.chunksRejected && System.nanoTime() - i.chunksRetryAtNanos < 0) {
            return mappedFromSamples(request, mapper);
        }
        final ChunkDecoder.Streamed<Mapped<T>> decoding = decoder.streamMapped(request.minTimeMs(),
            request.maxTimeMs(), mapper);
        return i.client.selectChunks(request, decoding)
            .thenCompose(ignored -> {
                i.chunksRejected = false;
                return decoding.result();
            })
            .exceptionallyCompose(t -> isLegacyRejection(t) ? mappedFromSamples(request, mapper)
                : CompletableFuture.failedFuture(t));
    }

    private <T> CompletableFuture<List<Mapped<T>>> mappedFromSamples(final SelectRequest request,
                                                                    final SamplesMapper<T> mapper) {
        return select(request).thenApplyAsync(all -> SeriesSource.mapSamples(all, mapper), decoder.executor());
    }

    /** The merged samples as range series, converted on the decoder's threads (never an event loop). */
    private CompletableFuture<List<RangeSeries>> rangeFromSamples(final SelectRequest request) {
        return select(request).thenApplyAsync(RangeDecoding::fromSamples, decoder.executor());
    }

    private CompletableFuture<List<SeriesSamples>> selectOne(final Instance i, final SelectRequest request) {
        if (i.chunksRejected && System.nanoTime() - i.chunksRetryAtNanos < 0) {
            return i.client.select(request);
        }
        return i.client.selectChunks(request)
            .thenCompose(chunks -> {
                i.chunksRejected = false;
                return decoder.decode(chunks, request.minTimeMs(), request.maxTimeMs());
            })
            .exceptionallyCompose(t -> {
                if (!isLegacyRejection(t)) {
                    return CompletableFuture.failedFuture(t);
                }
                i.chunksRetryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEGACY_RETRY_MS);
                i.chunksRejected = true;
                LOG.error("select_chunks:" + i.client.address(), "storage " + i.client.address()
                    + " rejected SELECT_CHUNKS; using SELECT for " + LEGACY_RETRY_MS + " ms: " + cause(t).getMessage(),
                    null);
                return i.client.select(request);
            });
    }

    /** On the decoding threads and the caller ({@link ChunkDecoder#forEach}). */
    @Override
    public void forEachSeries(final int n, final IntConsumer body) {
        decoder.forEach(n, body);
    }

    @Override
    public CompletableFuture<List<SeriesWindows>> selectWindows(final WindowRequest request) {
        final SelectRequest raw = new SelectRequest(request.minTimeMs(), request.maxTimeMs(), request.maxSeries(),
            request.matchers());
        return allInstances(i -> windowsOne(i, request, raw)).thenCompose(answers -> {
            if (answers.size() == 1) {
                return CompletableFuture.completedFuture(answers.getFirst());
            }
            final Set<LabelSet> seen = new HashSet<>();
            final List<SeriesWindows> out = new ArrayList<>();
            for (final List<SeriesWindows> answer : answers) {
                for (final SeriesWindows w : answer) {
                    if (!seen.add(w.labels())) {
                        // one series on several instances: its windows are only exact over the merged samples
                        return select(raw).thenApplyAsync(merged -> RawWindows.compute(merged, request),
                            decoder.executor());
                    }
                    out.add(w);
                }
            }
            return CompletableFuture.completedFuture(out);
        });
    }

    private CompletableFuture<List<SeriesWindows>> windowsOne(final Instance i, final WindowRequest request,
                                                              final SelectRequest raw) {
        if (i.windowsRejected && System.nanoTime() - i.windowsRetryAtNanos < 0) {
            return rawWindows(i, request, raw);
        }
        return i.client.selectWindows(request)
            .thenApply(windows -> {
                i.windowsRejected = false;
                return windows;
            })
            .exceptionallyCompose(t -> {
                if (!isLegacyRejection(t)) {
                    return CompletableFuture.failedFuture(t);
                }
                i.windowsRetryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEGACY_RETRY_MS);
                i.windowsRejected = true;
                LOG.error("select_windows:" + i.client.address(), "storage " + i.client.address()
                    + " rejected SELECT_WINDOWS; computing windows from samples for " + LEGACY_RETRY_MS + " ms: "
                    + cause(t).getMessage(), null);
                return rawWindows(i, request, raw);
            });
    }

    /** The windows computed here from the instance's samples, on the decoder's threads (never an event loop). */
    private CompletableFuture<List<SeriesWindows>> rawWindows(final Instance i, final WindowRequest request,
                                                             final SelectRequest raw) {
        return selectOne(i, raw).thenApplyAsync(samples -> RawWindows.compute(samples, request), decoder.executor());
    }

    private static boolean isLegacyRejection(final Throwable t) {
        return cause(t) instanceof ContractException ce
            && (ce.code() == ErrorCode.UNSUPPORTED_VERSION || ce.code() == ErrorCode.INVALID_REQUEST);
    }

    private static Throwable cause(final Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    @Override
    public CompletableFuture<List<String>> labelNames(final MetadataRequest request) {
        return all(c -> c.labelNames(request)).thenApply(StorageFanout::sortedUnion);
    }

    @Override
    public CompletableFuture<List<String>> labelValues(final MetadataRequest request) {
        return all(c -> c.labelValues(request)).thenApply(StorageFanout::sortedUnion);
    }

    @Override
    public CompletableFuture<List<LabelSet>> series(final MetadataRequest request) {
        return all(c -> c.series(request)).thenApply(lists -> {
            final Set<LabelSet> set = new LinkedHashSet<>();
            lists.forEach(set::addAll);
            return List.copyOf(set);
        });
    }

    @Override
    public CompletableFuture<Long> deleteSeries(final MetadataRequest request) {
        return all(c -> c.deleteSeries(request)).thenApply(l -> l.stream().mapToLong(Long::longValue).sum());
    }

    @Override
    public CompletableFuture<Long> cleanTombstones() {
        return all(StorageClient::cleanTombstones).thenApply(l -> l.stream().mapToLong(Long::longValue).sum());
    }

    private <T> CompletableFuture<List<T>> all(final Function<StorageClient, CompletableFuture<T>> call) {
        return allInstances(i -> call.apply(i.client));
    }

    private <T> CompletableFuture<List<T>> allInstances(final Function<Instance, CompletableFuture<T>> call) {
        final List<CompletableFuture<T>> futures = new ArrayList<>(instances.size());
        for (final Instance i : instances) {
            futures.add(call.apply(i));
        }
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
            .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
    }

    private static List<String> sortedUnion(final List<List<String>> lists) {
        if (lists.size() == 1) {
            return lists.getFirst();
        }
        final TreeSet<String> set = new TreeSet<>();
        lists.forEach(set::addAll);
        return List.copyOf(set);
    }

    @Override
    public void close() {
        instances.forEach(i -> i.client.close());
    }
}
