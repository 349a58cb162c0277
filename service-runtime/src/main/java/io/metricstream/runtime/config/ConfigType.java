package io.metricstream.runtime.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a key's text form is parsed. {@link #parse(String)} returns null when the text does not parse;
 * {@link #want()} then completes the message "got X; want …".
 *
 * @param <T> the parsed value type
 */
public abstract class ConfigType<T> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private final String name;
    private final String want;

    ConfigType(String name, String want) {
        this.name = name;
        this.want = want;
    }

    /** The type's name as printed by {@code config keys}: int, long, double, boolean, string, duration, … */
    public String name() {
        return name;
    }

    /** What a valid value looks like, e.g. "a size like 128MiB". */
    public String want() {
        return want;
    }

    /** Parses {@code text}; returns null when it is not a valid value of this type. */
    public abstract T parse(String text);

    /** Formats {@code value} back to text that {@link #parse(String)} accepts. */
    public String format(T value) {
        return String.valueOf(value);
    }

    /** Parses a YAML sequence; only list types accept one (others return null). */
    public T parseList(List<String> items) {
        return null;
    }

    static final ConfigType<Integer> INT = new ConfigType<>("int", "an integer") {
        @Override
        public Integer parse(String text) {
            try {
                return Integer.valueOf(text.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    static final ConfigType<Long> LONG = new ConfigType<>("long", "an integer") {
        @Override
        public Long parse(String text) {
            try {
                return Long.valueOf(text.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    static final ConfigType<Double> DOUBLE = new ConfigType<>("double", "a number like 0.5") {
        @Override
        public Double parse(String text) {
            try {
                final double d = Double.parseDouble(text.trim());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    static final ConfigType<Boolean> BOOLEAN = new ConfigType<>("boolean", "true or false") {
        @Override
        public Boolean parse(String text) {
            final String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return Boolean.TRUE;
            }
            return t.equals("false") ? Boolean.FALSE : null;
        }
    };

    static final ConfigType<String> STRING = new ConfigType<>("string", "a string") {
        @Override
        public String parse(String text) {
            return text;
        }
    };

    /** Durations "500ms", "15s", "5m", "2h", "7d" (a bare integer is milliseconds), parsed to milliseconds. */
    static final ConfigType<Long> DURATION_MS = new ConfigType<>("duration", "a duration like 15s or 500ms") {
        @Override
        public Long parse(String text) {
            final String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.matches("\\d{1,18}")) {
                return Long.valueOf(t);
            }
            final Matcher m = DURATION.matcher(t);
            if (!m.matches() || m.group(1).length() > 15) {
                return null;
            }
            final long n = Long.parseLong(m.group(1));
            final long unitMs = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return Math.multiplyHigh(n, unitMs) == 0 && n * unitMs >= 0 ? n * unitMs : null;
        }

        @Override
        public String format(Long ms) {
            if (ms != 0 && ms % 86_400_000L == 0) {
                return ms / 86_400_000L + "d";
            }
            if (ms != 0 && ms % 3_600_000L == 0) {
                return ms / 3_600_000L + "h";
            }
            if (ms != 0 && ms % 60_000L == 0) {
                return ms / 60_000L + "m";
            }
            return ms % 1000 == 0 && ms != 0 ? ms / 1000 + "s" : ms + "ms";
        }
    };

    /**
     * Sizes in bytes: a plain integer, or a number with a unit. k, m, g, t, KiB, MiB, GiB, TiB are powers of 1024;
     * KB, MB, GB, TB are powers of 1000; B is bytes. Case-insensitive apart from that distinction being by spelling.
     */
    static final ConfigType<Long> SIZE_BYTES = new ConfigType<>("size", "a size like 128MiB") {
        @Override
        public Long parse(String text) {
            final Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (!m.matches() || m.group(1).length() > 15) {
                return null;
            }
            final long n = Long.parseLong(m.group(1));
            final long unit = switch (m.group(2)) {
                case "", "b" -> 1L;
                case "k", "kib" -> 1L << 10;
                case "m", "mib" -> 1L << 20;
                case "g", "gib" -> 1L << 30;
                case "t", "tib" -> 1L << 40;
                case "kb" -> 1_000L;
                case "mb" -> 1_000_000L;
                case "gb" -> 1_000_000_000L;
                case "tb" -> 1_000_000_000_000L;
                default -> -1L;
            };
            if (unit < 0 || Math.multiplyHigh(n, unit) != 0 || n * unit < 0) {
                return null;
            }
            return n * unit;
        }

        @Override
        public String format(Long bytes) {
            final String[] units = {"TiB", "GiB", "MiB", "KiB"};
            for (int i = 0; i < units.length; i++) {
                final long u = 1L << (10 * (4 - i));
                if (bytes != 0 && bytes % u == 0) {
                    return bytes / u + units[i];
                }
            }
            return Long.toString(bytes);
        }
    };

    /** A list of strings: a YAML sequence, or comma-separated text (env and flags). */
    static final ConfigType<List<String>> STRING_LIST = new ConfigType<>("list", "a list of strings (a,b,c)") {
        @Override
        public List<String> parse(String text) {
            final List<String> out = new ArrayList<>();
            for (String s : text.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return List.copyOf(out);
        }

        @Override
        public List<String> parseList(List<String> items) {
            return List.copyOf(items);
        }

        @Override
        public String format(List<String> value) {
            return String.join(",", value);
        }
    };

    static ConfigType<String> oneOf(String... values) {
        final List<String> allowed = Arrays.asList(values);
        return new ConfigType<>("enum", "one of " + String.join(", ", allowed)) {
            @Override
            public String parse(String text) {
                final String t = text.trim();
                return allowed.contains(t) ? t : null;
            }
        };
    }
}
