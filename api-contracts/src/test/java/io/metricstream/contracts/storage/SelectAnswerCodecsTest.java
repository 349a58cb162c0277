package io.metricstream.contracts.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.wire.Seeds;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SELECT_CHUNKS and SELECT_WINDOWS answers: round trips, trimming and merging, truncation, random bytes. */
@Timeout(30)
class SelectAnswerCodecsTest {

    private static final ChunkWriter WRITER = new ChunkWriter(512);

    private static byte[] chunk(final long[] ts, final double[] vs, final int from, final int to) {
        WRITER.reset();
        for (int i = from; i < to; i++) {
            WRITER.append(ts[i], vs[i]);
        }
        final BitWriter out = new BitWriter(64);
        WRITER.encode(out);
        return out.toByteArray();
    }

    /** A series cut into chunks at random points, with an overlapping re-sent chunk now and then. */
    private static SeriesChunks randomSeries(final SplittableRandom rnd, final String name,
                                             final TreeMap<Long, Double> expected) {
        final int n = 1 + rnd.nextInt(400);
        final long[] ts = new long[n];
        final double[] vs = new double[n];
        long t = rnd.nextLong(-1_000_000, 1_000_000);
        for (int i = 0; i < n; i++) {
            t += 1 + rnd.nextInt(rnd.nextBoolean() ? 15_000 : 3);
            ts[i] = t;
            vs[i] = rnd.nextBoolean() ? Math.round(rnd.nextDouble() * 10_000) / 100.0 : rnd.nextDouble();
            expected.putIfAbsent(ts[i], vs[i]);
        }
        final List<long[]> bounds = new ArrayList<>();
        final List<byte[]> chunks = new ArrayList<>();
        int from = 0;
        while (from < n) {
            final int to = Math.min(n, from + 1 + rnd.nextInt(150));
            bounds.add(new long[] {ts[from], ts[to - 1]});
            chunks.add(chunk(ts, vs, from, to));
            if (rnd.nextInt(4) == 0) {
                // overlap: a chunk of samples already sent (same values), as out-of-order head data may give
                final int a = rnd.nextInt(to);
                bounds.add(new long[] {ts[a], ts[to - 1]});
                chunks.add(chunk(ts, vs, a, to));
            }
            from = to;
        }
        final int[] order = new int[chunks.size()];
        Arrays.setAll(order, i -> i);
        final Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (x, y) -> Long.compare(bounds.get(x)[0], bounds.get(y)[0]));
        final long[] mins = new long[boxed.length];
        final long[] maxs = new long[boxed.length];
        final byte[][] bytes = new byte[boxed.length][];
        for (int i = 0; i < boxed.length; i++) {
            mins[i] = bounds.get(boxed[i])[0];
            maxs[i] = bounds.get(boxed[i])[1];
            bytes[i] = chunks.get(boxed[i]);
        }
        return new SeriesChunks(LabelSet.of("__name__", name, "job", "j"), mins, maxs, bytes);
    }

    @Test
    void shouldWriteChunkBytesFromAnyOffsetOfAByteBufferIntoHeapDirectAndCompositeBuffers() {
        final SplittableRandom rnd = new SplittableRandom(7);
        final byte[] source = new byte[4096];
        rnd.nextBytes(source);
        final java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(source);
        final java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(source.length).put(source).flip();
        for (final java.nio.ByteBuffer chunk : List.of(heap, direct)) {
            final List<ByteBuf> outs = List.of(Unpooled.buffer(8), Unpooled.directBuffer(8),
                io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(8),
                Unpooled.compositeBuffer().addComponent(true, Unpooled.buffer(4)));
            for (final ByteBuf out : outs) {
                try {
                    out.writeByte(42);
                    final int at = rnd.nextInt(source.length / 2);
                    final int length = rnd.nextInt(source.length - at);
                    SeriesChunks.writeChunk(out, 5, 9, chunk, at, length);
                    assertEquals(1 + 8 + 8 + 4 + length, out.readableBytes(), out.toString());
                    assertEquals(42, out.readByte());
                    assertEquals(5, out.readLong());
                    assertEquals(9, out.readLong());
                    assertEquals(length, out.readInt());
                    final byte[] got = new byte[length];
                    out.readBytes(got);
                    assertArrayEquals(Arrays.copyOfRange(source, at, at + length), got, out.toString());
                    assertEquals(0, chunk.position(), "the source's position is untouched");
                } finally {
                    out.release();
                }
            }
        }
    }

    @Test
    void shouldDecodeExactlyTheSamplesInRangeWhenChunksOverlapAndStraddleIt() {
        Seeds.withSeed("select chunks round trip", rnd -> {
            final ChunkReader reader = new ChunkReader();
            for (int round = 0; round < 200; round++) {
                final List<SeriesChunks> sent = new ArrayList<>();
                final List<TreeMap<Long, Double>> expected = new ArrayList<>();
                for (int s = 0; s < 1 + rnd.nextInt(4); s++) {
                    final TreeMap<Long, Double> e = new TreeMap<>();
                    sent.add(randomSeries(rnd, "m" + s, e));
                    expected.add(e);
                }
                final ByteBuf buf = Unpooled.buffer();
                SeriesChunks.encodeList(buf, sent);
                final List<SeriesChunks> got = new ArrayList<>();
                final WireReader r = new WireReader().wrap(buf, 0, buf.readableBytes());
                assertTrue(SeriesChunks.decodeList(r, buf, got), r::problem);
                assertEquals(sent.size(), got.size());
                for (int s = 0; s < sent.size(); s++) {
                    final TreeMap<Long, Double> e = expected.get(s);
                    final long lo = rnd.nextBoolean() ? Long.MIN_VALUE : rnd.nextLong(e.firstKey() - 10, e.lastKey());
                    final long hi = rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextLong(lo == Long.MIN_VALUE
                        ? e.firstKey() : lo, e.lastKey() + 10);
                    final SeriesSamples decoded = got.get(s).decode(lo, hi, reader);
                    final var want = e.subMap(lo, true, hi, true);
                    assertArrayEquals(want.keySet().stream().mapToLong(Long::longValue).toArray(),
                        decoded.timestamps());
                    assertArrayEquals(want.values().stream().mapToDouble(Double::doubleValue).toArray(),
                        decoded.values());
                    assertEquals(sent.get(s).labels(), decoded.labels());
                }
                buf.release();
            }
        });
    }

    @Test
    void shouldJoinConsecutiveEntriesOfOneSeriesWhenItWasSplitAcrossFrames() {
        final long[] ts = {1, 2, 3, 4};
        final double[] vs = {1.5, 2.5, 3.5, 4.5};
        final LabelSet labels = LabelSet.of("__name__", "m");
        final List<SeriesChunks> got = new ArrayList<>();
        for (final int[] part : new int[][] {{0, 2}, {2, 4}}) {
            final ByteBuf buf = Unpooled.buffer();
            SeriesChunks.encodeList(buf, List.of(new SeriesChunks(labels, new long[] {ts[part[0]]},
                new long[] {ts[part[1] - 1]}, new byte[][] {chunk(ts, vs, part[0], part[1])})));
            assertTrue(SeriesChunks.decodeList(new WireReader().wrap(buf, 0, buf.readableBytes()), buf, got));
        }
        assertEquals(1, got.size());
        final SeriesSamples s = got.getFirst().decode(Long.MIN_VALUE, Long.MAX_VALUE, new ChunkReader());
        assertArrayEquals(ts, s.timestamps());
        assertArrayEquals(vs, s.values());
    }

    @Test
    void shouldRefuseEveryTruncationWhenDecodingAnswers() {
        Seeds.withSeed("answer truncation", rnd -> {
            final ByteBuf chunks = Unpooled.buffer();
            SeriesChunks.encodeList(chunks, List.of(randomSeries(rnd, "a", new TreeMap<>())));
            final ByteBuf windows = Unpooled.buffer();
            SeriesWindows.encodeList(windows, List.of(new SeriesWindows(LabelSet.of("__name__", "w"),
                new int[] {0, 3, 7}, new double[] {1, Double.NaN, -0.0})));
            for (int cut = 0; cut < chunks.readableBytes(); cut++) {
                final int at = cut;
                assertFalse(SeriesChunks.decodeList(new WireReader().wrap(chunks, 0, cut), chunks,
                    new ArrayList<>()), () -> "chunks answer cut at " + at + " decoded");
            }
            for (int cut = 0; cut < windows.readableBytes(); cut++) {
                final int at = cut;
                assertFalse(SeriesWindows.decodeList(new WireReader().wrap(windows, 0, cut), windows,
                    new ArrayList<>()), () -> "windows answer cut at " + at + " decoded");
            }
            chunks.release();
            windows.release();
        });
    }

    @Test
    void shouldRoundTripWindowsKeepingRawBitsWhenValuesAreSpecial() {
        final double[] values = {Double.NaN, Double.longBitsToDouble(0x7ff0000000000002L), -0.0,
            Double.POSITIVE_INFINITY, 42.25};
        final SeriesWindows w = new SeriesWindows(LabelSet.of("__name__", "w", "a", "b"), new int[] {0, 1, 2, 9, 10},
            values);
        final ByteBuf buf = Unpooled.buffer();
        SeriesWindows.encodeList(buf, List.of(w));
        final List<SeriesWindows> got = new ArrayList<>();
        assertTrue(SeriesWindows.decodeList(new WireReader().wrap(buf, 0, buf.readableBytes()), buf, got));
        assertEquals(w.labels(), got.getFirst().labels());
        assertArrayEquals(w.steps(), got.getFirst().steps());
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(got.getFirst().values()[i]));
        }
        buf.release();
    }

    @Test
    void shouldNeverThrowWhenAnswersAreRandomBytes() {
        Seeds.withSeed("answer fuzz", rnd -> {
            final WireReader r = new WireReader();
            for (int i = 0; i < 20_000; i++) {
                final byte[] bytes = new byte[rnd.nextInt(120)];
                rnd.nextBytes(bytes);
                if (bytes.length >= 4 && rnd.nextBoolean()) {
                    bytes[0] = 0;
                    bytes[1] = 0;
                    bytes[2] = 0;
                    bytes[3] = (byte) rnd.nextInt(3);
                }
                final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                if (rnd.nextBoolean()) {
                    SeriesChunks.decodeList(r.wrap(buf, 0, bytes.length), buf, new ArrayList<>());
                } else {
                    SeriesWindows.decodeList(r.wrap(buf, 0, bytes.length), buf, new ArrayList<>());
                }
            }
        });
    }

    @Test
    void shouldFollowPrometheusRulesWhenAggregatingAWindow() {
        final double[] v = {Double.NaN, 3, -1, Double.NaN, 2};
        assertEquals(-1, WindowFunction.MIN.over(v, 0, 5));
        assertEquals(3, WindowFunction.MAX.over(v, 0, 5));
        assertTrue(Double.isNaN(WindowFunction.MAX.over(v, 0, 1)));
        assertTrue(Double.isNaN(WindowFunction.SUM.over(v, 0, 5)));
        assertEquals(4, WindowFunction.SUM.over(v, 1, 3) + 2);
        assertEquals(5, WindowFunction.COUNT.over(v, 0, 5));
        assertEquals(2, WindowFunction.LAST.over(v, 0, 5));
        assertEquals(1.5, WindowFunction.AVG.over(new double[] {1, 2}, 0, 2));
        final double inf = Double.POSITIVE_INFINITY;
        assertEquals(inf, WindowFunction.AVG.over(new double[] {1, inf, 5}, 0, 3));
        assertTrue(Double.isNaN(WindowFunction.AVG.over(new double[] {inf, Double.NEGATIVE_INFINITY}, 0, 2)));
        for (final WindowFunction f : WindowFunction.values()) {
            assertEquals(f, WindowFunction.of(f.code()));
        }
        assertEquals(null, WindowFunction.of(0));
        assertEquals(null, WindowFunction.of(99));
    }
}
