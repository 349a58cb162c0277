package io.metricstream.query.remote;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.StorageClient;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Sends every request to every storage instance in parallel and merges the answers ({@link SeriesMerger} for
 * samples; sorted unions for names, values and series; a sum for deletes). Any failing instance fails the request:
 * a partial answer would silently under-count. Thread-safe.
 */
public final class StorageFanout implements SeriesSource, AutoCloseable {
    private final List<StorageClient> clients;

    /** One client per {@code host:port} address, on {@code group} (null = own loops). */
    public StorageFanout(final List<String> addresses, final ClientOptions options, final EventLoopGroup group) {
        final List<StorageClient> list = new ArrayList<>(addresses.size());
        for (final String address : addresses) {
            final int colon = address.lastIndexOf(':');
            list.add(new StorageClient(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
                options, group));
        }
        this.clients = List.copyOf(list);
    }

    /** The storage addresses. */
    public List<String> addresses() {
        return clients.stream().map(StorageClient::address).toList();
    }

    @Override
    public CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
        return all(c -> c.select(request)).thenApply(SeriesMerger::merge);
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
        final List<CompletableFuture<T>> futures = new ArrayList<>(clients.size());
        for (final StorageClient c : clients) {
            futures.add(call.apply(c));
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
        clients.forEach(StorageClient::close);
    }
}
