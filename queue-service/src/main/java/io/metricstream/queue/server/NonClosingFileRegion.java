package io.metricstream.queue.server;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A zero-copy region over a segment's shared log channel: unlike {@link DefaultFileRegion} it leaves the
 * channel open when released (the segment owns it). Netty's epoll transport sends it with sendfile(2).
 */
final class NonClosingFileRegion extends DefaultFileRegion {
    NonClosingFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // the segment closes its channel
    }
}
