package io.metricstream.contracts.storage;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;

/** The parts every select answer body shares: the int32 series count and each entry's bytes32 series key. */
final class AnswerSeries {
    private AnswerSeries() {
    }

    /** Reads the series count; -1 (the reader failed) when malformed. */
    static int count(final WireReader r) {
        final int count = r.int32("seriesCount");
        if (!r.ok() || count < 0 || count > r.remaining() / 8) {
            r.fail("bad series count " + count);
            return -1;
        }
        return count;
    }

    /** Reads and checks entry {@code i}'s series key; null (the reader failed) when malformed. */
    static LabelSet key(final WireReader r, final ByteBuf buf, final int i) {
        final int keyAt = r.bytes32("seriesKey");
        if (!r.ok()) {
            return null;
        }
        if (SeriesKeyCodec.check(buf, keyAt, r.lastLength()) != DecodeStatus.OK) {
            r.fail("bad series key in series " + i);
            return null;
        }
        return SeriesKeyCodec.decode(buf, keyAt, r.lastLength());
    }

    /** Writes {@code labels} as a bytes32 series key. */
    static void writeKey(final ByteBuf out, final LabelSet labels) {
        final int lengthAt = out.writerIndex();
        out.writeInt(0);
        out.setInt(lengthAt, SeriesKeyCodec.encode(labels, out));
    }
}
