package io.metricstream.queue.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Names of a segment's files ({@code %020d.log}, {@code .index}, {@code .timeindex}, by base offset, as Kafka
 * names them) and the opener of its log channel, which tests replace with a fault-injecting channel.
 */
public final class SegmentFiles {
    /** Suffix of the record batch file. */
    public static final String LOG_SUFFIX = ".log";
    /** Suffix of the offset index. */
    public static final String INDEX_SUFFIX = ".index";
    /** Suffix of the time index. */
    public static final String TIME_INDEX_SUFFIX = ".timeindex";

    /** Opens a segment's log file channel (read + write, created when missing). */
    @FunctionalInterface
    public interface ChannelFactory {
        /** Opens {@code path}. */
        FileChannel open(Path path) throws IOException;
    }

    /** The real file system. */
    public static final ChannelFactory DEFAULT = path -> FileChannel.open(path, StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE);

    private SegmentFiles() {
    }

    /** {@code 00000000000000000042} for 42. */
    public static String stem(final long baseOffset) {
        return String.format(Locale.ROOT, "%020d", baseOffset);
    }

    /** The log file of the segment starting at {@code baseOffset} in {@code dir}. */
    public static Path log(final Path dir, final long baseOffset) {
        return dir.resolve(stem(baseOffset) + LOG_SUFFIX);
    }

    /** The offset index file. */
    public static Path index(final Path dir, final long baseOffset) {
        return dir.resolve(stem(baseOffset) + INDEX_SUFFIX);
    }

    /** The time index file. */
    public static Path timeIndex(final Path dir, final long baseOffset) {
        return dir.resolve(stem(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /** Base offset of a {@code .log} file name, or -1 when the name is not a segment's. */
    public static long baseOffsetOf(final String fileName) {
        if (fileName.length() != 20 + LOG_SUFFIX.length() || !fileName.endsWith(LOG_SUFFIX)) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < 20; i++) {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                return -1;
            }
        }
        return v;
    }
}
