package io.metricstream.queue.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.queue.flush.AppendAck;
import io.metricstream.queue.log.FetchSlice;
import io.metricstream.queue.log.PartitionLog;
import io.metricstream.queue.log.Segment;
import io.metricstream.queue.topic.Partition;
import io.metricstream.queue.topic.TopicRegistry;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.Router;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue's HTTP API for people and scripts: produce one record or one record batch, consume as JSON
 * (base64 keys and values), commit and read group offsets, and topic admin. Errors use the runtime's one
 * JSON error body naming the field. Handlers run on the event loop and answer later from writer, flush or
 * offsets threads; they never block.
 */
public final class QueueHttpRoutes {
    /** Content type of a whole record batch body. */
    public static final String RECORD_BATCH_TYPE = "application/vnd.metricstream.record-batch";
    private static final JsonFactory JSON = new JsonFactory();
    private static final int DEFAULT_CONSUME_BYTES = 1 << 20;

    private final BrokerContext broker;
    private final ScheduledExecutorService timers;

    /** Routes over {@code broker}; {@code timers} runs long-poll deadlines. */
    public QueueHttpRoutes(final BrokerContext broker, final ScheduledExecutorService timers) {
        this.broker = broker;
        this.timers = timers;
    }

    /** Registers every route. */
    public void install(final Router router) {
        router.post("/produce", this::produce);
        router.get("/consume", this::consume);
        router.post("/commit", this::commit);
        router.get("/committed", this::committed);
        router.post("/topics", this::createTopic);
        router.get("/topics", this::listTopics);
        router.get("/topics/{name}", this::describeTopic);
    }

    private void error(final HttpExchange x, final String api, final ErrorCode code, final String message,
                       final String field) {
        broker.failed().labels(api, code.wireName()).increment();
        x.respondError(HttpResponseStatus.valueOf(code.httpStatus()), code.wireName(), message, field);
    }

    private String required(final HttpExchange x, final String api, final String name) {
        final String v = x.queryParam(name);
        if (v == null || v.isEmpty()) {
            error(x, api, ErrorCode.INVALID_REQUEST, "missing query parameter " + name, name);
            return null;
        }
        return v;
    }

    private long number(final HttpExchange x, final String api, final String name, final long fallback,
                        final long min, final long max) {
        final String v = x.queryParam(name);
        if (v == null || v.isEmpty()) {
            if (fallback == Long.MIN_VALUE) {
                error(x, api, ErrorCode.INVALID_REQUEST, "missing query parameter " + name, name);
            }
            return fallback;
        }
        try {
            final long n = Long.parseLong(v);
            if (n < min || n > max) {
                error(x, api, ErrorCode.INVALID_REQUEST, name + ": got " + n + "; want " + min + "..=" + max, name);
                return Long.MIN_VALUE;
            }
            return n;
        } catch (NumberFormatException e) {
            error(x, api, ErrorCode.INVALID_REQUEST, name + ": got \"" + v + "\"; want an integer", name);
            return Long.MIN_VALUE;
        }
    }

    private Partition partition(final HttpExchange x, final String api) {
        final String topic = required(x, api, "topic");
        if (topic == null) {
            return null;
        }
        final long index = number(x, api, "partition", Long.MIN_VALUE, 0, Integer.MAX_VALUE);
        if (index == Long.MIN_VALUE) {
            return null;
        }
        final Partition[] ps = broker.topics().partitions(topic);
        if (ps == null) {
            error(x, api, ErrorCode.UNKNOWN_TOPIC, "unknown topic: " + topic, "topic");
            return null;
        }
        if (index >= ps.length) {
            error(x, api, ErrorCode.UNKNOWN_PARTITION, "unknown partition " + index + " of topic " + topic
                + "; want 0.." + (ps.length - 1), "partition");
            return null;
        }
        return ps[(int) index];
    }

    private void produce(final HttpExchange x) {
        final Partition p = partition(x, "produce");
        if (p == null) {
            return;
        }
        final String type = x.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        final boolean wholeBatch = type.toLowerCase(Locale.ROOT).startsWith(RECORD_BATCH_TYPE);
        final ByteBuf batch;
        final int recordCount;
        if (wholeBatch) {
            batch = x.body().retainedSlice();
            recordCount = batch.readableBytes() >= RecordBatchDescriptor.HEADER_LENGTH
                ? batch.getInt(RecordBatchDescriptor.RECORD_COUNT_AT) : 0;
        } else {
            batch = x.alloc().ioBuffer(x.body().readableBytes() + 128);
            final RecordBatchWriter w = new RecordBatchWriter().begin(batch);
            final String key = x.queryParam("key");
            final ByteBuf keyBytes = key == null ? null : io.netty.buffer.Unpooled.copiedBuffer(key,
                StandardCharsets.UTF_8);
            w.appendRecord(System.currentTimeMillis(), keyBytes, 0, keyBytes == null ? 0 : keyBytes.readableBytes(),
                x.body(), x.body().readerIndex(), x.body().readableBytes());
            w.finish();
            if (keyBytes != null) {
                keyBytes.release();
            }
            recordCount = 1;
        }
        final int length = batch.readableBytes();
        if (!broker.inFlight().tryAcquire(length)) {
            batch.release();
            error(x, "produce", ErrorCode.THROTTLED, "in-flight produce bytes at queue.max_inflight_bytes; retry",
                null);
            return;
        }
        final long startNs = System.nanoTime();
        p.append(batch, batch.readerIndex(), length, new AppendAck() {
            @Override
            public void acked(final long baseOffset) {
                broker.inFlight().release(length);
                broker.produceLatency().recordNanos(System.nanoTime() - startNs);
                final String body = wholeBatch
                    ? "{\"base_offset\":" + baseOffset + ",\"record_count\":" + recordCount + "}"
                    : "{\"offset\":" + baseOffset + "}";
                x.respondJson(HttpResponseStatus.OK, body.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void failed(final ErrorCode code, final String message) {
                broker.inFlight().release(length);
                error(x, "produce", code, message, wholeBatch ? "body" : null);
            }
        });
    }

    private void consume(final HttpExchange x) {
        final Partition p = partition(x, "consume");
        if (p == null) {
            return;
        }
        final long offset = number(x, "consume", "offset", Long.MIN_VALUE, 0, Long.MAX_VALUE);
        final long maxBytes = offset == Long.MIN_VALUE ? Long.MIN_VALUE
            : number(x, "consume", "max_bytes", DEFAULT_CONSUME_BYTES, 1, broker.maxFetchBytes());
        final long maxWaitMs = maxBytes == Long.MIN_VALUE ? Long.MIN_VALUE
            : number(x, "consume", "max_wait_ms", 0, 0, broker.maxFetchWaitMs());
        if (maxWaitMs == Long.MIN_VALUE) {
            return;
        }
        final ConsumeWait wait = new ConsumeWait(x, p, offset, (int) maxBytes);
        if (!wait.attempt(maxWaitMs == 0)) {
            wait.timer = timers.schedule(() -> wait.attempt(true), maxWaitMs, TimeUnit.MILLISECONDS);
            p.waiters().park(wait);
            wait.attempt(false);
        }
    }

    /** One HTTP consume, answered at once or when data arrives or its deadline passes (any thread). */
    private final class ConsumeWait implements FetchWaiters.Waiter {
        private final HttpExchange x;
        private final Partition partition;
        private final long offset;
        private final int maxBytes;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        ConsumeWait(HttpExchange x, Partition partition, long offset, int maxBytes) {
            this.x = x;
            this.partition = partition;
            this.offset = offset;
            this.maxBytes = maxBytes;
        }

        boolean attempt(final boolean force) {
            if (done.get()) {
                return true;
            }
            final PartitionLog log = partition.log();
            if (offset < log.logStartOffset() || offset > log.highWatermark()) {
                if (finish()) {
                    error(x, "consume", ErrorCode.OFFSET_OUT_OF_RANGE, "offset " + offset + " outside ["
                        + "log_start_offset=" + log.logStartOffset() + ", high_watermark=" + log.highWatermark()
                        + "]", "offset");
                }
                return true;
            }
            try {
                final FetchSlice slice = log.read(offset, maxBytes);
                if (slice.length() == 0 && !force) {
                    return false;
                }
                if (finish()) {
                    x.respondJson(HttpResponseStatus.OK, render(x, slice, offset));
                }
            } catch (IOException e) {
                if (finish()) {
                    error(x, "consume", ErrorCode.INTERNAL, "read failed: " + e.getMessage(), null);
                }
            }
            return true;
        }

        private boolean finish() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            final ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            partition.waiters().remove(this);
            return true;
        }

        /** Re-checks on the timer pool, never on the flush thread that woke it (rendering JSON takes time). */
        @Override
        public void wake() {
            try {
                timers.execute(() -> {
                    if (!attempt(false)) {
                        partition.waiters().park(this);
                        attempt(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                attempt(true);
            }
        }
    }

    private static ByteBuf render(final HttpExchange x, final FetchSlice slice, final long offset)
        throws IOException {
        final ByteBuf records = x.alloc().heapBuffer(Math.max(slice.length(), 1));
        final ByteBuf out = x.alloc().buffer(slice.length() * 2 + 128);
        try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            final Segment segment = slice.segment();
            if (segment != null) {
                segment.read(records, slice.position(), slice.length());
            }
            g.writeStartObject();
            g.writeArrayFieldStart("records");
            long next = offset;
            final RecordBatchView view = new RecordBatchView();
            final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
            int at = 0;
            while (at < records.writerIndex()) {
                view.wrap(records, at);
                if (view.check(records.writerIndex() - at, Integer.MAX_VALUE) != DecodeStatus.OK) {
                    break;
                }
                cursor.reset(view);
                while (cursor.next()) {
                    if (cursor.offset() < offset) {
                        continue;
                    }
                    g.writeStartObject();
                    g.writeNumberField("offset", cursor.offset());
                    g.writeNumberField("timestamp", cursor.timestampMs());
                    writeBytes(g, "key", records, cursor.keyAt(), cursor.keyLength());
                    writeBytes(g, "value", records, cursor.valueAt(), cursor.valueLength());
                    g.writeEndObject();
                    next = cursor.offset() + 1;
                }
                at += view.totalLength();
            }
            g.writeEndArray();
            g.writeNumberField("next_offset", next);
            g.writeNumberField("high_watermark", slice.highWatermark());
            g.writeNumberField("log_start_offset", slice.logStartOffset());
            g.writeEndObject();
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        } finally {
            records.release();
        }
        return out;
    }

    private static void writeBytes(final JsonGenerator g, final String name, final ByteBuf buf, final int at,
                                   final int length) throws IOException {
        if (length < 0) {
            g.writeNullField(name);
            return;
        }
        final byte[] bytes = new byte[length];
        buf.getBytes(at, bytes);
        g.writeBinaryField(name, bytes);
    }

    private void commit(final HttpExchange x) {
        final String group = required(x, "commit", "group");
        if (group == null) {
            return;
        }
        final Partition p = partition(x, "commit");
        if (p == null) {
            return;
        }
        final long offset = number(x, "commit", "offset", Long.MIN_VALUE, 0, Long.MAX_VALUE);
        if (offset == Long.MIN_VALUE) {
            return;
        }
        broker.offsets().commit(group, p.topic(), p.index(), offset, failure -> {
            if (failure == null) {
                x.respondJson(HttpResponseStatus.OK, "{}".getBytes(StandardCharsets.UTF_8));
            } else {
                error(x, "commit", ErrorCode.INTERNAL, "commit failed: " + failure.getMessage(), null);
            }
        });
    }

    private void committed(final HttpExchange x) {
        final String group = required(x, "committed", "group");
        if (group == null) {
            return;
        }
        final Partition p = partition(x, "committed");
        if (p == null) {
            return;
        }
        final long offset = broker.offsets().committed(group, p.topic(), p.index());
        x.respondJson(HttpResponseStatus.OK, ("{\"offset\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void createTopic(final HttpExchange x) throws IOException {
        String name = null;
        int partitions = 0;
        boolean hasPartitions = false;
        final java.io.InputStream in = new io.netty.buffer.ByteBufInputStream(x.body().duplicate());
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                error(x, "create_topic", ErrorCode.INVALID_REQUEST, "body must be a JSON object", "body");
                return;
            }
            JsonToken t;
            while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                final String field = parser.currentName();
                final JsonToken v = parser.nextToken();
                if ("name".equals(field) && v == JsonToken.VALUE_STRING) {
                    name = parser.getText();
                } else if ("partitions".equals(field) && v == JsonToken.VALUE_NUMBER_INT) {
                    partitions = parser.getIntValue();
                    hasPartitions = true;
                } else {
                    parser.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            error(x, "create_topic", ErrorCode.INVALID_REQUEST, "bad JSON: " + e.getOriginalMessage(), "body");
            return;
        }
        if (name == null) {
            error(x, "create_topic", ErrorCode.INVALID_REQUEST, "missing string field name", "name");
            return;
        }
        if (!hasPartitions) {
            error(x, "create_topic", ErrorCode.INVALID_REQUEST, "missing integer field partitions", "partitions");
            return;
        }
        final String topic = name;
        final int count = partitions;
        broker.blocking().execute(() -> {
            try {
                final TopicRegistry.Outcome o = broker.topics().create(topic, count);
                if (o.code() == ErrorCode.NONE) {
                    x.respondJson(HttpResponseStatus.CREATED, ("{\"name\":\"" + topic + "\",\"partitions\":" + count
                        + "}").getBytes(StandardCharsets.UTF_8));
                } else {
                    error(x, "create_topic", o.code(), o.message(),
                        o.code() == ErrorCode.INVALID_REQUEST ? "partitions" : "name");
                }
            } catch (IOException | RuntimeException e) {
                error(x, "create_topic", ErrorCode.INTERNAL, "cannot create topic: " + e, null);
            }
        });
    }

    private void listTopics(final HttpExchange x) throws IOException {
        final ByteBuf out = x.alloc().buffer();
        try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeArrayFieldStart("topics");
            for (final TopicMetadata t : broker.topics().list()) {
                g.writeStartObject();
                g.writeStringField("name", t.name());
                g.writeNumberField("partitions", t.partitions());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        x.respondJson(HttpResponseStatus.OK, out);
    }

    private void describeTopic(final HttpExchange x) throws IOException {
        final String name = x.pathParam("name");
        final Partition[] ps = broker.topics().partitions(name);
        if (ps == null) {
            error(x, "describe_topic", ErrorCode.UNKNOWN_TOPIC, "unknown topic: " + name, "name");
            return;
        }
        final ByteBuf out = x.alloc().buffer();
        try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeNumberField("partitions", ps.length);
            g.writeArrayFieldStart("partition_details");
            for (final Partition p : ps) {
                g.writeStartObject();
                g.writeNumberField("partition", p.index());
                g.writeNumberField("log_start_offset", p.log().logStartOffset());
                g.writeNumberField("high_watermark", p.log().highWatermark());
                g.writeNumberField("segments", p.log().segments().size());
                g.writeNumberField("bytes", p.log().totalBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        x.respondJson(HttpResponseStatus.OK, out);
    }
}
