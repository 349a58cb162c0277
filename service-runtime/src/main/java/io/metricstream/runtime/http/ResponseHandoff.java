package io.metricstream.runtime.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the responses a thread sends to other event loops while {@link HttpExchange#respondBatched} runs, and
 * hands each loop its share in one task when that ends, instead of one task per response.
 *
 * <p>Design note: an ingest ack completes every request of a record batch at once (tens under one-sample
 * requests), on the queue client's thread; one task per response paid a task object, a queue insert and often a
 * loop wake-up each. Responses keep their order per loop (and so per connection) because each loop's task runs
 * them in the order they were sent.
 *
 * <p>Thread ownership: one instance per thread ({@link FastThreadLocal}), touched only by that thread; a handed
 * off {@link Batch} belongs to its loop.
 */
final class ResponseHandoff {
    private static final FastThreadLocal<ResponseHandoff> CURRENT = new FastThreadLocal<>() {
        @Override
        protected ResponseHandoff initialValue() {
            return new ResponseHandoff();
        }
    };

    private final List<Batch> batches = new ArrayList<>(4);
    private int depth;

    private ResponseHandoff() {
    }

    /** Runs {@code work}; responses it sends to other loops go out, one task per loop, when it returns. */
    static void run(Runnable work) {
        final ResponseHandoff h = CURRENT.get();
        h.depth++;
        try {
            work.run();
        } finally {
            if (--h.depth == 0) {
                h.handOff();
            }
        }
    }

    /** Queues a response for {@code executor} when this thread is inside {@link #run}; false otherwise. */
    static boolean offer(EventExecutor executor, HttpDispatchHandler dispatcher, long sequence,
                         FullHttpResponse response, FullHttpRequest request) {
        final ResponseHandoff h = CURRENT.getIfExists();
        if (h == null || h.depth == 0) {
            return false;
        }
        h.batchFor(executor).add(dispatcher, sequence, response, request);
        return true;
    }

    private Batch batchFor(EventExecutor executor) {
        for (int i = 0; i < batches.size(); i++) {
            final Batch b = batches.get(i);
            if (b.executor == executor) {
                return b;
            }
        }
        final Batch b = new Batch(executor);
        batches.add(b);
        return b;
    }

    private void handOff() {
        for (int i = 0; i < batches.size(); i++) {
            final Batch b = batches.get(i);
            b.executor.execute(b);
        }
        batches.clear();
    }

    /** One loop's responses, completed in the order they were sent. */
    private static final class Batch implements Runnable {
        final EventExecutor executor;
        private HttpDispatchHandler[] dispatchers = new HttpDispatchHandler[16];
        private long[] sequences = new long[16];
        private FullHttpResponse[] responses = new FullHttpResponse[16];
        private FullHttpRequest[] requests = new FullHttpRequest[16];
        private int count;

        Batch(EventExecutor executor) {
            this.executor = executor;
        }

        void add(HttpDispatchHandler dispatcher, long sequence, FullHttpResponse response, FullHttpRequest request) {
            if (count == sequences.length) {
                dispatchers = Arrays.copyOf(dispatchers, count * 2);
                sequences = Arrays.copyOf(sequences, count * 2);
                responses = Arrays.copyOf(responses, count * 2);
                requests = Arrays.copyOf(requests, count * 2);
            }
            dispatchers[count] = dispatcher;
            sequences[count] = sequence;
            responses[count] = response;
            requests[count] = request;
            count++;
        }

        @Override
        public void run() {
            for (int i = 0; i < count; i++) {
                dispatchers[i].complete(sequences[i], responses[i], requests[i]);
            }
        }
    }
}
