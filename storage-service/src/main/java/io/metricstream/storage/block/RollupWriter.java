package io.metricstream.storage.block;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.storage.head.HeadChunk;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a block's rollup file for one resolution (layout in docs/format/rollup.md): header, one 8-byte record
 * ref per index series (same order as the index, so series id = position), then per series a CRC-protected record
 * of window groups, each group five chunks (min, max, sum, count keyed by window start; last keyed by the last
 * sample's timestamp) in the ordinary chunk encoding. Called by {@link BlockWriter} inside the block's temporary
 * directory, so rollups become visible atomically with the block. Stateless.
 */
public final class RollupWriter {
    /** Magic of a rollup file ('MSRU'). */
    public static final int MAGIC = 0x4D535255;
    /** Format version. */
    public static final int VERSION = 1;
    /** Bytes before the refs: magic, version, resolution, series count. */
    public static final int HEADER = 20;
    /** At most this many windows per group (chunks hold up to 65,535 samples). */
    public static final int GROUP = 4096;
    /** 5 minutes. */
    public static final long RES_5M = 300_000L;
    /** 1 hour. */
    public static final long RES_1H = 3_600_000L;
    /** The resolutions written for every block. */
    public static final long[] RESOLUTIONS = {RES_5M, RES_1H};

    private RollupWriter() {
    }

    /** File name of the rollup of {@code resolutionMs} inside a block directory. */
    public static String fileName(final long resolutionMs) {
        return resolutionMs == RES_1H ? "rollup-1h" : resolutionMs == RES_5M ? "rollup-5m"
            : "rollup-" + resolutionMs + "ms";
    }

    /** Writes the rollup of {@code series} (already in index order) at {@code resolutionMs} to {@code file}. */
    public static void write(final Path file, final long resolutionMs, final List<BlockWriter.SeriesChunks> series)
        throws IOException {
        final ChunkReader reader = new ChunkReader();
        final ChunkWriter chunkWriter = new ChunkWriter(GROUP);
        final BitWriter bits = new BitWriter(4096);
        final RollupWindows windows = new RollupWindows();
        final long[] ts = new long[GROUP];
        final long[] col = new long[GROUP];
        final ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream(4096);
        final DataOutputStream payload = new DataOutputStream(payloadBytes);
        final CRC32C crc = new CRC32C();
        final long[] refs = new long[series.size()];
        final FileOutputStream file0 = new FileOutputStream(file.toFile());
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file0, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(resolutionMs);
            out.writeInt(series.size());
            for (int i = 0; i < series.size(); i++) {
                out.writeLong(0);
            }
            long pos = HEADER + 8L * series.size();
            for (int s = 0; s < series.size(); s++) {
                windows.clear();
                for (final HeadChunk c : series.get(s).chunks()) {
                    reader.reset(c.data(), "block chunk");
                    for (int j = 0; j < reader.count(); j++) {
                        windows.addSample(reader.timestampAt(j), reader.valueBitsAt(j), resolutionMs);
                    }
                }
                if (windows.size() == 0) {
                    continue;
                }
                payloadBytes.reset();
                final int groups = (windows.size() + GROUP - 1) / GROUP;
                payload.writeInt(groups);
                for (int g = 0; g < groups; g++) {
                    final int from = g * GROUP;
                    final int n = Math.min(GROUP, windows.size() - from);
                    for (int k = 0; k < 5; k++) {
                        column(windows, from, n, k, ts, col);
                        bits.reset();
                        chunkWriter.encode(ts, col, n, bits);
                        final byte[] chunk = bits.toByteArray();
                        payload.writeInt(chunk.length);
                        payload.write(chunk);
                    }
                }
                payload.flush();
                final byte[] p = payloadBytes.toByteArray();
                refs[s] = pos;
                out.writeInt(p.length);
                out.write(p);
                crc.reset();
                crc.update(p);
                out.writeInt((int) crc.getValue());
                pos += 8L + p.length;
            }
            out.flush();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(HEADER);
            final ByteArrayOutputStream table = new ByteArrayOutputStream(refs.length * 8);
            final DataOutputStream t = new DataOutputStream(table);
            for (final long r : refs) {
                t.writeLong(r);
            }
            raf.write(table.toByteArray());
            raf.getChannel().force(true);
        }
    }

    private static void column(final RollupWindows w, final int from, final int n, final int k, final long[] ts,
                               final long[] col) {
        for (int i = 0; i < n; i++) {
            final int at = from + i;
            ts[i] = k == 4 ? w.lastTimestampAt(at) : w.startAt(at);
            final RollupWindows.Agg agg = switch (k) {
                case 0 -> RollupWindows.Agg.MIN;
                case 1 -> RollupWindows.Agg.MAX;
                case 2 -> RollupWindows.Agg.SUM;
                case 3 -> RollupWindows.Agg.COUNT;
                default -> RollupWindows.Agg.LAST;
            };
            col[i] = Double.doubleToRawLongBits(w.value(at, agg));
        }
    }
}
