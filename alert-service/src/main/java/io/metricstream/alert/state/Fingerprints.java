package io.metricstream.alert.state;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Alertmanager's label-set fingerprint: FNV-1a 64 over sorted name, 0xff, value, 0xff. */
public final class Fingerprints {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fingerprints() {
    }

    /** The fingerprint of {@code labels}. */
    public static long of(Map<String, String> labels) {
        long h = OFFSET;
        final Map<String, String> sorted = labels instanceof TreeMap ? labels : new TreeMap<>(labels);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            h = add(h, e.getKey());
            h = (h ^ 0xff) * PRIME;
            h = add(h, e.getValue());
            h = (h ^ 0xff) * PRIME;
        }
        return h;
    }

    /** The fingerprint as 16 lower-case hex digits. */
    public static String hex(long fingerprint) {
        final String s = Long.toHexString(fingerprint);
        return "0".repeat(16 - s.length()) + s;
    }

    private static long add(long h, String s) {
        long x = h;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            x = (x ^ (b & 0xff)) * PRIME;
        }
        return x;
    }
}
