package io.metricstream.alert;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.GroupAssignment;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-partition stand-in for the queue's binary protocol, enough for the alert watcher: JOIN_GROUP / HEARTBEAT
 * (always partition 0), LEAVE_GROUP, LIST_OFFSETS (latest), FETCH with long-poll. Blocking sockets; each request
 * is answered from a pool thread so a parked FETCH does not hold up a HEARTBEAT on the same connection.
 */
public final class FakeQueue implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        final Thread t = new Thread(r, "fake-queue");
        t.setDaemon(true);
        return t;
    });
    private final List<byte[]> batches = new ArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile boolean closed;

    /** Listens on an ephemeral loopback port. */
    public FakeQueue() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(this::accept);
    }

    /** host:port. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** FETCH requests received. */
    public int fetches() {
        return fetches.get();
    }

    /** Appends one record (one sample of {@code labels}) as one batch; returns its offset. */
    public long append(LabelSet labels, long ts, double value) {
        final ByteBuf b = Unpooled.buffer();
        try {
            final RecordBatchWriter w = new RecordBatchWriter().begin(b);
            w.beginRecord(ts);
            SeriesKeyCodec.encode(labels, b);
            w.endKey();
            SampleRecordCodec.writeSample(b, ts, value);
            w.endRecord();
            w.finish();
            synchronized (batches) {
                final long offset = batches.size();
                b.setLong(RecordBatchDescriptor.BASE_OFFSET_AT, offset);
                final byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(0, bytes);
                batches.add(bytes);
                batches.notifyAll();
                return offset;
            }
        } finally {
            b.release();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                final Socket s = server.accept();
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream())) {
            final OutputStream out = s.getOutputStream();
            while (!closed) {
                final int length = in.readInt();
                final byte[] frame = new byte[length + 4];
                in.readFully(frame, 4, length);
                pool.execute(() -> answer(Unpooled.wrappedBuffer(frame).setInt(0, length), out));
            }
        } catch (IOException e) {
            // connection closed
        }
    }

    private void answer(ByteBuf frame, OutputStream out) {
        final ApiKey key = ApiKey.fromId(FrameDescriptor.apiKey(frame, 0));
        final int id = FrameDescriptor.requestCorrelationId(frame, 0);
        final WireReader r = new WireReader().wrap(frame, FrameDescriptor.REQUEST_HEADER_LENGTH,
            frame.readableBytes() - FrameDescriptor.REQUEST_HEADER_LENGTH);
        final ByteBuf resp = Unpooled.buffer();
        try {
            final int start = FrameDescriptor.beginResponse(resp, id, ErrorCode.NONE, false);
            switch (key) {
                case JOIN_GROUP, HEARTBEAT -> new GroupAssignment("m1", 1, new int[] {0}).encode(resp);
                case LIST_OFFSETS -> {
                    synchronized (batches) {
                        resp.writeLong(batches.size());
                    }
                    resp.writeLong(-1);
                }
                case FETCH -> fetch(FetchRequest.decode(r), resp);
                default -> {
                }
            }
            FrameDescriptor.finish(resp, start);
            synchronized (out) {
                out.write(resp.array(), resp.arrayOffset(), resp.readableBytes());
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // client went away
        } finally {
            resp.release();
        }
    }

    private void fetch(FetchRequest req, ByteBuf resp) throws InterruptedException {
        fetches.incrementAndGet();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(req.maxWaitMs());
        final List<byte[]> out = new ArrayList<>();
        long hw;
        synchronized (batches) {
            while (batches.size() <= req.fetchOffset() && System.nanoTime() < deadline && !closed) {
                batches.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            for (long o = req.fetchOffset(); o < batches.size(); o++) {
                out.add(batches.get((int) o));
            }
            hw = batches.size();
        }
        int len = 0;
        for (byte[] b : out) {
            len += b.length;
        }
        FetchResponse.encodeHeader(resp, hw, 0, len);
        out.forEach(resp::writeBytes);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (batches) {
            batches.notifyAll();
        }
        server.close();
        pool.shutdownNow();
    }
}
