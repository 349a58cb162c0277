package io.metricstream.queue.topic;

/**
 * Topic name rules: {@code [a-zA-Z0-9._-]{1,200}}, and never {@code .} or {@code ..}, so a name is always a
 * safe directory-name prefix ({@code <dataDir>/<topic>-<partition>}).
 */
public final class TopicName {
    /** Longest name. */
    public static final int MAX_LENGTH = 200;
    /** Most partitions a topic may have. */
    public static final int MAX_PARTITIONS = 1024;

    private TopicName() {
    }

    /** Why {@code name} is not a valid topic name, or {@code null} when it is. */
    public static String problem(final String name) {
        if (name == null || name.isEmpty()) {
            return "topic name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "topic name too long: got " + name.length() + " chars; want <= " + MAX_LENGTH;
        }
        if (name.equals(".") || name.equals("..")) {
            return "topic name must not be \".\" or \"..\"";
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
                || c == '_' || c == '-';
            if (!ok) {
                return "bad character in topic name at index " + i + "; want [a-zA-Z0-9._-]";
            }
        }
        return null;
    }

    /** Why {@code partitions} is not a valid partition count, or {@code null}. */
    public static String partitionsProblem(final int partitions) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            return "bad partition count: got " + partitions + "; want 1..=" + MAX_PARTITIONS;
        }
        return null;
    }
}
