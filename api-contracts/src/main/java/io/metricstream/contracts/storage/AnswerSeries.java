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

    /** Decodes the rest of one entry, whose key is {@code labels}; false when malformed. */
    @FunctionalInterface
    interface EntryDecoder {
        boolean decode(LabelSet labels, int index);
    }

    /** Reads the series count, then each entry's key followed by {@code entry}; false when malformed. */
    static boolean decodeEntries(final WireReader r, final ByteBuf buf, final EntryDecoder entry) {
        final int count = count(r);
        if (count < 0) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            final LabelSet labels = key(r, buf, i);
            if (labels == null || !entry.decode(labels, i)) {
                return false;
            }
        }
        return true;
    }

    /** Writes a series key and a placeholder for the entry's int32 count; returns where the count goes. */
    static int beginEntry(final ByteBuf out, final byte[] seriesKey) {
        out.writeInt(seriesKey.length);
        out.writeBytes(seriesKey);
        final int countAt = out.writerIndex();
        out.writeInt(0);
        return countAt;
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
