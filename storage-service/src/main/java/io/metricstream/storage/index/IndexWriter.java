package io.metricstream.storage.index;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.agrona.collections.LongArrayList;

/**
 * Writes a block's {@code index} file (docs/format/block-index.md). Series must be given in label-set order; their
 * position is their id. Not thread-safe; one per block write.
 * <pre>
 *   int32 magic 'MSIX', int32 version 1
 *   int32 symbolCount, string16 symbols[symbolCount]            (sorted, unique)
 *   int32 seriesCount, per series:
 *     int16 labelCount, (int32 nameRef, int32 valueRef)[labelCount]
 *     uvarint chunkCount, per chunk (varints, deltas against the previous chunk of the series):
 *       svarint minTimeMs - prevMaxTimeMs (first chunk: minTimeMs), uvarint maxTimeMs - minTimeMs,
 *       uvarint chunkRef - prevChunkRef (first chunk: chunkRef), uvarint samples
 *   (uvarint: 7 bits per byte, low groups first, high bit = more; svarint: zig-zag then uvarint)
 *   int32 postingsCount, per (name, value) in order: int32 nameRef, int32 valueRef, int32 n, int32 ids[n]
 *   int32 CRC32C of every byte before it
 * </pre>
 * The postings of all series is implicit: ids 0 .. seriesCount-1.
 */
public final class IndexWriter {
    /** Magic of the index file. */
    public static final int MAGIC = 0x4D534958;
    /** Format version. */
    public static final int VERSION = 1;

    private final List<SeriesEntry> series = new ArrayList<>();

    /** Adds the next series (label-set order). */
    public void add(final SeriesEntry entry) {
        if (!series.isEmpty() && series.getLast().labels().compareTo(entry.labels()) >= 0) {
            throw new IllegalArgumentException("series out of order: " + entry.labels());
        }
        series.add(entry);
    }

    /** Writes the index to {@code path} and fsyncs it; returns its size in bytes. */
    public long write(final Path path) throws IOException {
        final List<String> strings = new ArrayList<>();
        final TreeMap<String, TreeMap<String, LongArrayList>> postings = new TreeMap<>();
        for (int id = 0; id < series.size(); id++) {
            final LabelSet l = series.get(id).labels();
            for (int i = 0; i < l.size(); i++) {
                strings.add(l.name(i));
                strings.add(l.value(i));
                postings.computeIfAbsent(l.name(i), n -> new TreeMap<>())
                    .computeIfAbsent(l.value(i), v -> new LongArrayList()).addLong(id);
            }
        }
        final SymbolTable symbols = new SymbolTable(strings);
        final ByteBuf out = Unpooled.buffer(1 << 16);
        try {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                WireWriter.string16(out, symbols.symbol(i));
            }
            out.writeInt(series.size());
            for (final SeriesEntry s : series) {
                writeSeries(out, symbols, s);
            }
            int count = 0;
            for (final TreeMap<String, LongArrayList> values : postings.values()) {
                count += values.size();
            }
            out.writeInt(count);
            for (final Map.Entry<String, TreeMap<String, LongArrayList>> e : postings.entrySet()) {
                for (final Map.Entry<String, LongArrayList> v : e.getValue().entrySet()) {
                    out.writeInt(symbols.ref(e.getKey()));
                    out.writeInt(symbols.ref(v.getKey()));
                    out.writeInt(v.getValue().size());
                    for (int i = 0; i < v.getValue().size(); i++) {
                        out.writeInt((int) v.getValue().getLong(i));
                    }
                }
            }
            final CRC32C crc = new CRC32C();
            crc.update(out.nioBuffer(0, out.writerIndex()));
            out.writeInt((int) crc.getValue());
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                final java.nio.ByteBuffer bb = out.nioBuffer(0, out.writerIndex());
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                ch.force(true);
            }
            return out.writerIndex();
        } finally {
            out.release();
        }
    }

    private static void writeSeries(final ByteBuf out, final SymbolTable symbols, final SeriesEntry s) {
        final LabelSet l = s.labels();
        out.writeShort(l.size());
        for (int i = 0; i < l.size(); i++) {
            out.writeInt(symbols.ref(l.name(i)));
            out.writeInt(symbols.ref(l.value(i)));
        }
        writeUvarint(out, s.chunkRefs().length);
        long prevMax = 0;
        long prevRef = 0;
        for (int i = 0; i < s.chunkRefs().length; i++) {
            writeUvarint(out, zigzag(s.chunkMinTimes()[i] - prevMax));
            writeUvarint(out, s.chunkMaxTimes()[i] - s.chunkMinTimes()[i]);
            writeUvarint(out, s.chunkRefs()[i] - prevRef);
            writeUvarint(out, s.chunkSamples()[i]);
            prevMax = s.chunkMaxTimes()[i];
            prevRef = s.chunkRefs()[i];
        }
    }

    private static long zigzag(final long v) {
        return (v << 1) ^ (v >> 63);
    }

    /** Writes {@code v} as an unsigned LEB128 varint. */
    static void writeUvarint(final ByteBuf out, final long v) {
        long x = v;
        while ((x & ~0x7FL) != 0) {
            out.writeByte((int) ((x & 0x7F) | 0x80));
            x >>>= 7;
        }
        out.writeByte((int) x);
    }
}
