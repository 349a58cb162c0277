package io.metricstream.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@link FileChannel} that behaves like its delegate until {@code faultAfterBytes} bytes were written, then
 * injects a fault: {@link Fault#SHORT_WRITE} writes only up to the budget and returns a short count (then 0),
 * {@link Fault#IO_EXCEPTION} writes up to the budget and throws for the rest. Prometheus's {@code faultySegmentFile}.
 */
public final class FaultyFileChannel extends FileChannel {
    /** What happens once the write budget is spent. */
    public enum Fault { SHORT_WRITE, IO_EXCEPTION }

    private final FileChannel delegate;
    private final Fault fault;
    private long remainingBytes;

    /** Wraps {@code delegate}; writes past {@code faultAfterBytes} in total trigger {@code fault}. */
    public FaultyFileChannel(FileChannel delegate, long faultAfterBytes, Fault fault) {
        this.delegate = delegate;
        this.remainingBytes = faultAfterBytes;
        this.fault = fault;
    }

    /** Bytes that may still be written before the fault. */
    public long remainingBytes() {
        return remainingBytes;
    }

    private int budgeted(ByteBuffer src, long position, boolean positional) throws IOException {
        final int wanted = src.remaining();
        if (wanted <= remainingBytes) {
            final int n = positional ? delegate.write(src, position) : delegate.write(src);
            remainingBytes -= n;
            return n;
        }
        final int allowed = (int) remainingBytes;
        final int oldLimit = src.limit();
        src.limit(src.position() + allowed);
        final int n;
        try {
            n = positional ? delegate.write(src, position) : delegate.write(src);
        } finally {
            src.limit(oldLimit);
        }
        remainingBytes -= n;
        if (fault == Fault.IO_EXCEPTION) {
            throw new IOException("injected fault: wrote " + n + " of " + wanted + " bytes");
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return budgeted(src, -1, false);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return budgeted(src, position, true);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            final int wanted = srcs[i].remaining();
            final int n = write(srcs[i]);
            total += n;
            if (n < wanted) {
                break;
            }
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        final ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 64 * 1024));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            final int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            final int w = write(buf, position + done);
            done += w;
            if (w < n) {
                break;
            }
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
