package io.metricstream.storage.index;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Reads a block {@code index} file (layout in {@link IndexWriter}) fully into memory after checking its CRC and
 * every count against the bytes present; a bad file throws {@link ChunkCorruptException} naming file and offset.
 * Immutable after {@link #open}; thread-safe.
 */
public final class IndexReader {
    private final SeriesEntry[] series;
    private final TreeMap<String, TreeMap<String, long[]>> postings;

    private IndexReader(final SeriesEntry[] series, final TreeMap<String, TreeMap<String, long[]>> postings) {
        this.series = series;
        this.postings = postings;
    }

    /** Opens and validates the index at {@code path}. */
    public static IndexReader open(final Path path) throws IOException {
        final byte[] bytes = Files.readAllBytes(path);
        final String source = path.toString();
        if (bytes.length < 12) {
            throw new ChunkCorruptException(source, 0, "index too short: " + bytes.length + " bytes");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            throw new ChunkCorruptException(source, bytes.length - 4, "index CRC mismatch");
        }
        final WireReader r = new WireReader().wrap(buf, 0, bytes.length - 4);
        if (r.int32("magic") != IndexWriter.MAGIC || r.int32("version") != IndexWriter.VERSION) {
            throw new ChunkCorruptException(source, 0, "bad index magic or version");
        }
        final String[] symbols = new String[count(r, 2, source)];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = r.string16("symbol");
        }
        final SeriesEntry[] series = new SeriesEntry[count(r, 6, source)];
        for (int id = 0; id < series.length; id++) {
            series[id] = readSeries(r, symbols, source);
        }
        final TreeMap<String, TreeMap<String, long[]>> postings = new TreeMap<>();
        final int entries = count(r, 12, source);
        for (int e = 0; e < entries; e++) {
            final String name = symbol(r, symbols, source);
            final String value = symbol(r, symbols, source);
            final long[] ids = new long[count(r, 4, source)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = r.int32("posting");
                if (ids[i] < 0 || ids[i] >= series.length || i > 0 && ids[i] <= ids[i - 1]) {
                    throw new ChunkCorruptException(source, r.position(), "bad posting " + ids[i]);
                }
            }
            postings.computeIfAbsent(name, n -> new TreeMap<>()).put(value, ids);
        }
        if (!r.expectEnd("index")) {
            throw new ChunkCorruptException(source, r.position(), r.problem());
        }
        return new IndexReader(series, postings);
    }

    private static int count(final WireReader r, final int minBytesEach, final String source) {
        final int at = r.position();
        final int n = r.int32("count");
        if (!r.ok() || n < 0 || (long) n * minBytesEach > r.remaining()) {
            throw new ChunkCorruptException(source, at, "bad count " + n + (r.ok() ? "" : ": " + r.problem()));
        }
        return n;
    }

    private static String symbol(final WireReader r, final String[] symbols, final String source) {
        final int at = r.position();
        final int ref = r.int32("symbol ref");
        if (!r.ok() || ref < 0 || ref >= symbols.length) {
            throw new ChunkCorruptException(source, at, "bad symbol ref " + ref);
        }
        return symbols[ref];
    }

    private static SeriesEntry readSeries(final WireReader r, final String[] symbols, final String source) {
        final int labels = r.int16("labelCount") & 0xFFFF;
        final LabelSet.Builder b = LabelSet.builder();
        for (int i = 0; i < labels; i++) {
            b.add(symbol(r, symbols, source), symbol(r, symbols, source));
        }
        final long declared = uvarint(r, source);
        if (declared < 0 || declared * 4 > r.remaining()) {
            throw new ChunkCorruptException(source, r.position(), "bad chunk count " + declared);
        }
        final int chunks = (int) declared;
        final long[] minT = new long[chunks];
        final long[] maxT = new long[chunks];
        final long[] refs = new long[chunks];
        final int[] samples = new int[chunks];
        long prevMax = 0;
        long prevRef = 0;
        for (int i = 0; i < chunks; i++) {
            final long z = uvarint(r, source);
            minT[i] = prevMax + ((z >>> 1) ^ -(z & 1));
            maxT[i] = minT[i] + uvarint(r, source);
            refs[i] = prevRef + uvarint(r, source);
            final long n = uvarint(r, source);
            if (n <= 0 || n > 0xFFFF || maxT[i] < minT[i]) {
                throw new ChunkCorruptException(source, r.position(), "bad chunk meta: samples=" + n);
            }
            samples[i] = (int) n;
            prevMax = maxT[i];
            prevRef = refs[i];
        }
        if (!r.ok()) {
            throw new ChunkCorruptException(source, r.position(), r.problem());
        }
        return new SeriesEntry(b.build(), minT, maxT, refs, samples);
    }

    private static long uvarint(final WireReader r, final String source) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            final int b = r.int8("varint");
            if (!r.ok()) {
                throw new ChunkCorruptException(source, r.position(), r.problem());
            }
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new ChunkCorruptException(source, r.position(), "varint longer than 10 bytes");
    }

    /** Number of series. */
    public int seriesCount() {
        return series.length;
    }

    /** The series with {@code id}. */
    public SeriesEntry series(final long id) {
        return series[(int) id];
    }

    /** Ids with label name=value, ascending (shared array: do not modify). */
    public long[] postings(final String name, final String value) {
        final TreeMap<String, long[]> values = postings.get(name);
        final long[] ids = values == null ? null : values.get(value);
        return ids == null ? new long[0] : ids;
    }

    /** Label names, sorted. */
    public List<String> labelNames() {
        return new ArrayList<>(postings.keySet());
    }

    /**
     * Adds the postings of every value of {@code name} that {@code matches}, in value order, to {@code into}: the
     * lists themselves (read-only), walked in place rather than copying the values and looking each up again.
     */
    public void postingsMatching(final String name, final Predicate<String> matches, final List<long[]> into) {
        final TreeMap<String, long[]> values = postings.get(name);
        if (values == null) {
            return;
        }
        for (final Map.Entry<String, long[]> e : values.entrySet()) {
            if (matches.test(e.getKey())) {
                into.add(e.getValue());
            }
        }
    }

    /** Values of {@code name}, sorted. */
    public List<String> labelValues(final String name) {
        final TreeMap<String, long[]> values = postings.get(name);
        return values == null ? List.of() : new ArrayList<>(values.keySet());
    }
}
