package io.metricstream.ingestion.http;

import io.metricstream.contracts.json.SeedJsonCodec;
import io.metricstream.ingestion.auth.ApiKeyAuthenticator;
import io.metricstream.runtime.flow.InFlightBudget;
import io.metricstream.ingestion.batch.PartitionChooser;
import io.metricstream.ingestion.batch.SizeHistogram;
import io.metricstream.ingestion.format.InfluxLineParser;
import io.metricstream.ingestion.format.ParseError;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.RemoteWriteDecoder;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ratelimit.LimiterShards;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.IngestRing;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.CounterFamily;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The admission path every ingest format shares, in order: authenticate (401/403), check the queue is known and
 * reachable (503), parse the whole body into staging (400, nothing enqueued), rate-limit the client by its sample
 * count (429), take the in-flight budget (503), publish to the ring, and answer only when the queue acked every
 * batch holding the request's samples (2xx), or 503 when one failed.
 *
 * <p>Design note: the three handlers are thin (routes only); this class owns the order of checks, so every format
 * answers the same statuses for the same conditions. Per-event-loop parsers live in a {@link FastThreadLocal}.
 */
public final class IngestPipeline {
    /** The client-id header (rate limiting; partitioning for Influx and remote write). */
    public static final String CLIENT_ID_HEADER = "X-Client-Id";
    private static final AsciiString CLIENT_ID_NAME = AsciiString.cached(CLIENT_ID_HEADER);
    // what admit() answers without a rate limit: then nothing reads the rate-limit client id
    private static final String UNLIMITED_CLIENT = "unlimited";
    /**
     * Bodies up to this size stage into small unpooled heap buffers. The batcher thread releases staging, so a
     * pooled buffer never returns to the event loop's thread cache and each allocation takes the arena's lock: in a
     * JFR profile of loadgen/bench/tiny.sh (remote write, one sample per request) the two pooled 1 KiB buffers
     * took 8 of the 40 samples under RemoteWriteHandler.handle. Larger bodies keep the pooled buffers.
     */
    static final int SMALL_BODY_BYTES = 4096;
    private static final int SMALL_STAGING_BYTES = 256;
    private static final byte[] ACCEPTED_PREFIX = "{\"accepted\":".getBytes(StandardCharsets.UTF_8);

    /** The per-event-loop parsers and body view. */
    static final class Scratch {
        final BodyView body = new BodyView();
        final InfluxLineParser influx;
        final RemoteWriteDecoder remoteWrite;
        final SeedJsonCodec json;
        final JsonSampleStager jsonStager;
        int[] groupCounts = new int[1024];

        Scratch(final ParseLimits limits, final boolean skipSingleField) {
            influx = new InfluxLineParser(limits, skipSingleField);
            remoteWrite = new RemoteWriteDecoder(limits);
            // the codec counts UTF-16 chars: the byte limits as char limits refuse only what breaks the byte
            // limits too; the stager then checks the UTF-8 bytes, as the Influx and remote-write parsers do
            jsonStager = new JsonSampleStager(limits);
            json = new SeedJsonCodec(new SeedJsonCodec.Limits(Math.max(1, limits.maxLabelsPerSeries() - 1),
                limits.maxLabelNameLength(), Math.min(limits.maxLabelValueLength(), 65_535 / 3),
                limits.maxSamplesPerRequest()));
        }
    }

    /** How a successful request is answered. */
    enum Reply {
        /** 204, empty (Influx, remote write). */
        NO_CONTENT,
        /** 200 {@code {"accepted":N}} (seed JSON). */
        ACCEPTED_JSON
    }

    private final ParseLimits limits;
    private final ApiKeyAuthenticator authenticator;
    private final LimiterShards limiter;
    private final InFlightBudget budget;
    private final IngestRing ring;
    private final PartitionChooser chooser;
    private final BooleanSupplier queueAvailable;
    private final String retryAfterSeconds;
    private final FastThreadLocal<Scratch> scratch;
    private final Counter received;
    private final Counter accepted;
    private final Counter requests;
    private final Counter requestBytes;
    private final CounterFamily rejected;
    private final Counter rejectedBadData;
    private final Counter rejectedRateLimited;
    private final Counter rejectedUnavailable;
    private final Counter rejectedInflight;
    private final Counter rejectedQueueFailed;
    private final Counter skippedValues;
    private final SizeHistogram requestSamples;

    /** A pipeline over the shared components; {@code limiter} null = no rate limit. */
    public IngestPipeline(final ParseLimits limits, final boolean skipSingleField,
                          final ApiKeyAuthenticator authenticator, final LimiterShards limiter,
                          final InFlightBudget budget, final IngestRing ring, final PartitionChooser chooser,
                          final BooleanSupplier queueAvailable, final int retryAfterSeconds,
                          final MetricsRegistry metrics) {
        this.limits = limits;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.budget = budget;
        this.ring = ring;
        this.chooser = chooser;
        this.queueAvailable = queueAvailable;
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
        this.scratch = new FastThreadLocal<>() {
            @Override
            protected Scratch initialValue() {
                return new Scratch(limits, skipSingleField);
            }
        };
        received = metrics.counter("ingestion_samples_received_total", "Samples in requests that parsed.");
        accepted = metrics.counter("ingestion_samples_accepted_total", "Samples acked by the queue.");
        requests = metrics.counter("ingestion_requests_total", "Ingest requests received.");
        requestBytes = metrics.counter("ingestion_request_bytes_total", "Decompressed ingest body bytes received.");
        rejected = metrics.counterFamily("ingestion_samples_rejected_total",
            "Samples not accepted, by reason (bad_data counts the samples parsed before the first error plus one).",
            "reason");
        rejectedBadData = rejected.labels("bad_data");
        rejectedRateLimited = rejected.labels("rate_limited");
        rejectedUnavailable = rejected.labels("queue_unavailable");
        rejectedInflight = rejected.labels("inflight_full");
        rejectedQueueFailed = rejected.labels("queue_failed");
        skippedValues = rejected.labels("not_a_float");
        requestSamples = new SizeHistogram(metrics, "ingestion_request_samples", "Samples per parsed request",
            1L << 31);
    }

    /** This event loop's parsers. */
    Scratch scratch() {
        return scratch.get();
    }

    /** The limits in force. */
    ParseLimits limits() {
        return limits;
    }

    /**
     * Authenticates and checks the queue; returns the rate-limit client id (API key, else {@code client_id} query
     * argument, else {@code X-Client-Id}, else the peer's IP address, else "anonymous"; "unlimited" when no rate
     * limit is configured), or null when a response was already sent.
     */
    String admit(final HttpExchange ex) {
        requests.increment();
        requestBytes.add(ex.body().readableBytes());
        // with authentication off and no rate limit nobody reads the key: skip the header lookups
        final String key = authenticator.enabled() || limiter != null ? ApiKeyAuthenticator.presentedKey(ex.headers())
            : null;
        switch (authenticator.check(key)) {
            case MISSING -> {
                ex.responseHeaders().set("WWW-Authenticate", "Bearer");
                ex.respondError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", "Authorization");
                return null;
            }
            case WRONG -> {
                ex.respondError(HttpResponseStatus.FORBIDDEN, "forbidden", "unknown API key", "Authorization");
                return null;
            }
            default -> {
            }
        }
        if (chooser.partitions() == 0 || !queueAvailable.getAsBoolean()) {
            ex.responseHeaders().set("Retry-After", retryAfterSeconds);
            ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "queue_unavailable",
                "the queue is not reachable; retry later", null);
            return null;
        }
        if (key != null) {
            return key;
        }
        if (limiter == null) {
            // the rate-limit client id is only ever read by the limiter: no per-request address formatting
            return UNLIMITED_CLIENT;
        }
        final String id = sampleClientId(ex);
        return id != null ? id : addressClient(ex.remoteAddress());
    }

    /**
     * The rate-limit client of a request without API key or client id: the peer's IP address without the port
     * (each connection has its own port; one host is one client), or "anonymous" when the address is unknown.
     */
    static String addressClient(final SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return "anonymous";
    }

    /**
     * Checks the body's {@code Content-Encoding}: none or {@code identity} always (gzip and deflate arrive inflated
     * by the runtime, header removed), {@code snappy} only when {@code snappyBody} (remote write, whose decoder
     * reads the snappy block format); otherwise answers 415 naming the header and returns false. The runtime hands
     * any other encoding through untouched, so without this check a compressed body would be parsed as text.
     */
    boolean acceptEncoding(final HttpExchange ex, final boolean snappyBody) {
        final String encoding = ex.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding == null) {
            return true;
        }
        final String e = encoding.trim();
        if (e.isEmpty() || e.equalsIgnoreCase("identity") || snappyBody && e.equalsIgnoreCase("snappy")) {
            return true;
        }
        ex.respondError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
            "unsupported Content-Encoding: got " + encoding.toLowerCase(Locale.ROOT) + "; want "
                + (snappyBody ? "snappy, gzip, deflate or none" : "gzip, deflate or none"), "Content-Encoding");
        return false;
    }

    /** The request-level {@code client_id} (query argument, else header) that picks the partition, or null. */
    static String sampleClientId(final HttpExchange ex) {
        final String q = ex.queryParam("client_id");
        if (q != null && !q.isEmpty()) {
            return q;
        }
        final String h = ex.headers().get(CLIENT_ID_NAME);
        return h == null || h.isEmpty() ? null : h;
    }

    /** New staging for a request of {@code bodyBytes} (decompressed), with the partition count in force now. */
    StagedSamples newStaging(final int bodyBytes) {
        final int partitions = Math.max(1, chooser.partitions());
        if (bodyBytes <= SMALL_BODY_BYTES) {
            return new StagedSamples(UnpooledByteBufAllocator.DEFAULT, partitions, limits.maxSamplesPerRequest(),
                SMALL_STAGING_BYTES);
        }
        return new StagedSamples(PooledByteBufAllocator.DEFAULT, partitions, limits.maxSamplesPerRequest());
    }

    /** Answers 400 for a body that did not parse; nothing of it is enqueued. */
    void rejectBadData(final HttpExchange ex, final StagedSamples staged, final ParseError error) {
        rejectedBadData.add(staged.sampleCount() + 1L);
        staged.release();
        ex.respondJson(HttpResponseStatus.BAD_REQUEST, ErrorBodies.badData(error));
    }

    /** Answers 400 for a request-level problem (bad query argument). */
    void rejectBadRequest(final HttpExchange ex, final String field, final String message) {
        ex.respondError(HttpResponseStatus.BAD_REQUEST, "bad_data", message, field);
    }

    /** Rate-limits, budgets and publishes a parsed request; the response follows the queue's acks. */
    void submit(final HttpExchange ex, final String clientId, final StagedSamples staged, final Reply reply) {
        final int n = staged.sampleCount();
        received.add(n);
        requestSamples.record(n);
        if (staged.skippedValues() > 0) {
            skippedValues.add(staged.skippedValues());
        }
        if (limiter != null && n > 0) {
            final long waitMs = limiter.tryAcquire(clientId, n, System.currentTimeMillis());
            if (waitMs > 0) {
                rejectedRateLimited.add(n);
                staged.release();
                ex.responseHeaders().set("Retry-After", Long.toString((waitMs + 999) / 1000));
                ex.respondError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited", "client " + clientId
                    + " exceeds its rate: got " + n + " samples; retry in " + waitMs + " ms", null);
                return;
            }
        }
        if (n == 0) {
            staged.release();
            succeed(ex, reply, 0);
            return;
        }
        final long cost = inFlightEstimate(staged.stagedBytes(), staged.keyBytes(), n);
        if (!budget.tryAcquire(cost)) {
            rejectedInflight.add(n);
            staged.release();
            ex.responseHeaders().set("Retry-After", retryAfterSeconds);
            ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded", "in-flight bytes at their bound "
                + budget.maxBytes() + " (the queue is slow); retry later", null);
            return;
        }
        ring.publish(new IngestRequest(staged, cost, (request, failure) -> complete(ex, reply, request, failure)));
    }

    private void complete(final HttpExchange ex, final Reply reply, final IngestRequest request,
                          final String failure) {
        budget.release(request.budgetBytes());
        if (failure == null) {
            accepted.add(request.sampleCount());
            succeed(ex, reply, request.sampleCount());
        } else {
            rejectedQueueFailed.add(request.sampleCount());
            ex.responseHeaders().set("Retry-After", retryAfterSeconds);
            ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "queue_unavailable",
                "the queue did not ack: " + failure + "; the request is not acknowledged: resend it whole", null);
        }
    }

    private static void succeed(final HttpExchange ex, final Reply reply, final int samples) {
        if (reply == Reply.NO_CONTENT) {
            ex.respond(HttpResponseStatus.NO_CONTENT, null, io.netty.buffer.Unpooled.EMPTY_BUFFER);
        } else {
            final byte[] n = Integer.toString(samples).getBytes(StandardCharsets.US_ASCII);
            final io.netty.buffer.ByteBuf body = ex.alloc().buffer(ACCEPTED_PREFIX.length + n.length + 1);
            body.writeBytes(ACCEPTED_PREFIX).writeBytes(n).writeByte('}');
            ex.respondJson(HttpResponseStatus.OK, body);
        }
    }

    /**
     * What a request of {@code stagedBytes} staging, {@code keyBytes} of series keys and {@code samples} samples
     * can hold at most while in flight: its staging, plus the record bytes built from it (each sample may start a
     * record of 40 B framing + value, plus its key).
     */
    static long inFlightEstimate(final int stagedBytes, final int keyBytes, final int samples) {
        return (long) stagedBytes + keyBytes + 40L * samples;
    }
}
