package io.metricstream.contracts.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.wire.Seeds;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Round trip, truncation and fuzz properties of every request body codec of the queue and storage APIs. */
@Timeout(60)
class RequestCodecsTest {

    private static String word(final SplittableRandom rnd) {
        final StringBuilder sb = new StringBuilder();
        final int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private static <T> T roundTrip(final Consumer<ByteBuf> encoder, final Function<WireReader, T> decoder) {
        final ByteBuf buf = Unpooled.buffer();
        encoder.accept(buf);
        final WireReader r = new WireReader().wrap(buf, 0, buf.readableBytes());
        final T decoded = decoder.apply(r);
        assertNotNull(decoded, () -> "decode failed: " + r.problem());
        for (int cut = 0; cut < buf.readableBytes(); cut++) {
            final WireReader truncated = new WireReader().wrap(buf, 0, cut);
            final int at = cut;
            assertNull(decoder.apply(truncated), () -> "truncated at " + at + " decoded anyway");
        }
        return decoded;
    }

    private static List<LabelMatcher> matchers(final SplittableRandom rnd, final int min) {
        final int n = min + rnd.nextInt(4);
        final LabelMatcher[] out = new LabelMatcher[n];
        for (int i = 0; i < n; i++) {
            out[i] = LabelMatcher.of(LabelMatcher.Type.values()[rnd.nextInt(4)], "l" + word(rnd), word(rnd));
        }
        return List.of(out);
    }

    @Test
    void shouldRoundTripEveryRequestWhenFieldsAreRandom() {
        Seeds.withSeed("request round trip", rnd -> {
            for (int i = 0; i < 300; i++) {
                final FetchRequest f = new FetchRequest(word(rnd), rnd.nextInt(), rnd.nextLong(), rnd.nextInt(1 << 20),
                    rnd.nextInt(1 << 20), rnd.nextInt(1 << 24));
                assertEquals(f, roundTrip(f::encode, FetchRequest::decode));
                final ListOffsetsRequest l = new ListOffsetsRequest(word(rnd), rnd.nextInt(), rnd.nextLong());
                assertEquals(l, roundTrip(l::encode, ListOffsetsRequest::decode));
                final OffsetCommitRequest c = new OffsetCommitRequest(word(rnd), word(rnd), rnd.nextInt(), word(rnd),
                    rnd.nextInt(), rnd.nextLong());
                assertEquals(c, roundTrip(c::encode, OffsetCommitRequest::decode));
                final OffsetFetchRequest o = new OffsetFetchRequest(word(rnd), word(rnd), rnd.nextInt());
                assertEquals(o, roundTrip(o::encode, OffsetFetchRequest::decode));
                final GroupRequests.Join j = new GroupRequests.Join(word(rnd), word(rnd), word(rnd), rnd.nextInt());
                assertEquals(j, roundTrip(j::encode, GroupRequests.Join::decode));
                final GroupRequests.Heartbeat h = new GroupRequests.Heartbeat(word(rnd), word(rnd), rnd.nextInt());
                assertEquals(h, roundTrip(h::encode, GroupRequests.Heartbeat::decode));
                final GroupRequests.Leave lv = new GroupRequests.Leave(word(rnd), word(rnd));
                assertEquals(lv, roundTrip(lv::encode, GroupRequests.Leave::decode));
                final GroupRequests.CreateTopic ct = new GroupRequests.CreateTopic(word(rnd), rnd.nextInt());
                assertEquals(ct, roundTrip(ct::encode, GroupRequests.CreateTopic::decode));
                final int[] parts = rnd.ints(rnd.nextInt(10), 0, 64).toArray();
                final GroupAssignment a = new GroupAssignment(word(rnd), rnd.nextInt(), parts);
                final GroupAssignment back = roundTrip(a::encode, GroupAssignment::decode);
                assertEquals(a.memberId(), back.memberId());
                assertArrayEquals(parts, back.partitions());
                final List<TopicMetadata> topics = List.of(new TopicMetadata(word(rnd), rnd.nextInt(1, 9)));
                assertEquals(topics, roundTrip(out -> TopicMetadata.encodeList(out, topics),
                    TopicMetadata::decodeList));
                final SelectRequest s = new SelectRequest(rnd.nextLong(), rnd.nextLong(), rnd.nextInt(1 << 20),
                    matchers(rnd, 1));
                assertEquals(s.toString(), roundTrip(s::encode, SelectRequest::decode).toString());
                final WindowRequest w = new WindowRequest(rnd.nextLong(-(1L << 50), 1L << 50), rnd.nextLong(1 << 20),
                    rnd.nextInt(1, WindowRequest.MAX_STEPS + 1), rnd.nextLong(1, 1L << 40),
                    WindowFunction.values()[rnd.nextInt(WindowFunction.values().length)], rnd.nextInt(1 << 20),
                    matchers(rnd, 1));
                assertEquals(w.toString(), roundTrip(w::encode, WindowRequest::decode).toString());
                final MetadataRequest m = new MetadataRequest(word(rnd), rnd.nextLong(), rnd.nextLong(),
                    rnd.nextInt(1 << 20), matchers(rnd, 0));
                assertEquals(m.toString(), roundTrip(m::encode, MetadataRequest::decode).toString());
            }
        });
    }

    @Test
    void shouldRoundTripProduceWhenBatchBytesAreArbitrary() {
        final ByteBuf batch = Unpooled.wrappedBuffer(new byte[] {9, 8, 7, 6});
        final ByteBuf buf = Unpooled.buffer();
        ProduceRequest.encode(buf, "metrics.inbound", 3, 500, batch);
        final ProduceRequest p = ProduceRequest.decode(new WireReader().wrap(buf, 0, buf.readableBytes()));
        assertEquals("metrics.inbound", p.topic());
        assertEquals(3, p.partition());
        assertEquals(500, p.timeoutMs());
        assertEquals(4, p.batchLength());
        assertEquals(9, buf.getByte(p.batchAt()));
    }

    @Test
    void shouldWriteSameBodyWhenHeaderIsEncodedFromCachedTopicAndBatchFollows() {
        for (final String topic : List.of("metrics.inbound", "", "t\u00e9l\u00e9m\u00e9trie-\u6e2c\u5b9a")) {
            final ByteBuf batch = Unpooled.wrappedBuffer(new byte[] {9, 8, 7, 6, 5});
            final ByteBuf whole = Unpooled.buffer();
            ProduceRequest.encode(whole, topic, 7, 250, batch);
            final byte[] topicBytes = ProduceRequest.topicString16(topic);
            final ByteBuf split = Unpooled.buffer();
            ProduceRequest.encodeHeader(split, topicBytes, 7, 250, batch.readableBytes());
            assertEquals(topicBytes.length + ProduceRequest.FIXED_HEADER_LENGTH, split.readableBytes());
            split.writeBytes(batch, batch.readerIndex(), batch.readableBytes());
            assertEquals(whole, split, topic);
            final ProduceRequest p = ProduceRequest.decode(new WireReader().wrap(split, 0, split.readableBytes()));
            assertEquals(topic, p.topic());
            assertEquals(5, p.batchLength());
        }
    }

    @Test
    void shouldNeverThrowWhenBodiesAreRandomBytes() {
        final List<Function<WireReader, ?>> decoders = List.of(FetchRequest::decode, ListOffsetsRequest::decode,
            OffsetCommitRequest::decode, OffsetFetchRequest::decode, GroupRequests.Join::decode,
            GroupRequests.Heartbeat::decode, GroupRequests.Leave::decode, GroupRequests.CreateTopic::decode,
            GroupAssignment::decode, TopicMetadata::decodeList, SelectRequest::decode, MetadataRequest::decode,
            ProduceRequest::decode, WindowRequest::decode);
        Seeds.withSeed("request fuzz", rnd -> {
            final WireReader r = new WireReader();
            for (int i = 0; i < 20_000; i++) {
                final byte[] bytes = new byte[rnd.nextInt(80)];
                rnd.nextBytes(bytes);
                final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                decoders.get(rnd.nextInt(decoders.size())).apply(r.wrap(buf, 0, bytes.length));
            }
        });
    }
}
