package io.metricstream.alert.eval;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.Hashing;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * Decodes fetched record batches of {@code metrics.inbound} and hands the samples of series whose
 * {@code __name__} is interesting to a listener. The name is located in the series key and hashed in place (no
 * allocation per record); only records of interesting metrics are decoded into a {@link LabelSet}. One view and
 * cursor per instance: calls are serialised by {@code synchronized}.
 */
public final class InboundScanner {
    private static final byte[] NAME_LABEL = "__name__".getBytes(StandardCharsets.UTF_8);
    private final LongPredicate interested;
    private final InboundWatcher.Listener listener;
    private final RecordBatchView view = new RecordBatchView();
    private final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();

    /**
     * A scanner passing samples to {@code listener} of metrics whose name hash ({@link #nameHash}) is accepted by
     * {@code interested}; a hash collision only costs a decode (the listener re-checks the name).
     */
    public InboundScanner(LongPredicate interested, InboundWatcher.Listener listener) {
        this.interested = interested;
        this.listener = listener;
    }

    /** Walks the batches of {@code buf} (readable bytes); returns the next offset to fetch. */
    public synchronized long scan(ByteBuf buf, long fetchOffset) {
        long next = fetchOffset;
        int at = buf.readerIndex();
        final int end = buf.writerIndex();
        while (at < end) {
            view.wrap(buf, at);
            if (view.check(end - at, Integer.MAX_VALUE) != DecodeStatus.OK) {
                break;
            }
            cursor.reset(view);
            while (cursor.next()) {
                if (cursor.offset() < fetchOffset) {
                    continue;
                }
                records.incrementAndGet();
                record(buf, cursor.keyAt(), cursor.keyLength(), cursor.valueAt(), cursor.valueLength());
            }
            next = Math.max(next, view.nextOffset());
            at += view.totalLength();
        }
        return next;
    }

    private void record(ByteBuf buf, int keyAt, int keyLength, int valueAt, int valueLength) {
        if (keyLength < 2 || SeriesKeyCodec.check(buf, keyAt, keyLength) != DecodeStatus.OK
            || !SampleRecordCodec.isValidLength(valueLength)) {
            return;
        }
        final int count = buf.getUnsignedShort(keyAt);
        int p = keyAt + 2;
        for (int i = 0; i < count; i++) {
            final int nameLen = buf.getUnsignedShort(p);
            final int valueLen = buf.getUnsignedShort(p + 2 + nameLen);
            if (isName(buf, p + 2, nameLen)) {
                if (interested.test(Hashing.hash64(buf, p + 4 + nameLen, valueLen))) {
                    final LabelSet labels = SeriesKeyCodec.decode(buf, keyAt, keyLength);
                    final int n = SampleRecordCodec.sampleCount(valueLength);
                    for (int s = 0; s < n; s++) {
                        samples.incrementAndGet();
                        listener.onSample(labels, SampleRecordCodec.timestampMs(buf, valueAt, s),
                            SampleRecordCodec.value(buf, valueAt, s));
                    }
                }
                return;
            }
            p += 4 + nameLen + valueLen;
        }
    }

    private static boolean isName(ByteBuf buf, int at, int len) {
        if (len != NAME_LABEL.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf.getByte(at + i) != NAME_LABEL[i]) {
                return false;
            }
        }
        return true;
    }

    /** The hash the scanner computes for metric name {@code name}: xxHash64 of its UTF-8 bytes. */
    public static long nameHash(String name) {
        final byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return Hashing.hash64(io.netty.buffer.Unpooled.wrappedBuffer(b), 0, b.length);
    }

    /** Records seen. */
    public long records() {
        return records.get();
    }

    /** Samples handed to the listener. */
    public long samples() {
        return samples.get();
    }
}
