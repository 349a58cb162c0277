package io.metricstream.runtime.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One configuration key, declared once with its type, default, validator, unit and doc (Kafka's {@code ConfigDef}).
 * Immutable: every builder step returns a new key, so the declaration reads as one chain:
 * <pre>{@code
 * static final ConfigKey<Integer> SEGMENT_BYTES = ConfigKey.key("queue.segment_bytes").intType()
 *     .defaultValue(128 << 20).atLeast(1 << 20).unit("bytes").doc("Roll the active segment at this size.");
 * }</pre>
 * Names are snake_case {@code <section>.<key>}; the environment override is
 * {@code METRICSTREAM_<SECTION>_<KEY>} in upper case.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");

    private final String name;
    private final ConfigType<T> type;
    private final T defaultValue;
    private final String unit;
    private final String doc;
    private final List<Validator<T>> validators;

    /** A validation rule: a test and the "want …" text used when it fails. */
    private record Validator<T>(Predicate<T> test, String want) {
    }

    private ConfigKey(String name, ConfigType<T> type, T defaultValue, String unit, String doc,
                      List<Validator<T>> validators) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.unit = unit;
        this.doc = doc;
        this.validators = validators;
    }

    /** Starts the declaration of key {@code name} ({@code <section>.<key>}, snake_case); pick a type next. */
    public static Untyped key(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad config key name: got \"" + name + "\"; want section.snake_case");
        }
        return new Untyped(name);
    }

    /** A key name waiting for its type. */
    public static final class Untyped {
        private final String name;

        private Untyped(String name) {
            this.name = name;
        }

        /** A 32-bit integer key. */
        public ConfigKey<Integer> intType() {
            return of(ConfigType.INT);
        }

        /** A 64-bit integer key. */
        public ConfigKey<Long> longType() {
            return of(ConfigType.LONG);
        }

        /** A floating-point key (finite values only). */
        public ConfigKey<Double> doubleType() {
            return of(ConfigType.DOUBLE);
        }

        /** A true/false key. */
        public ConfigKey<Boolean> booleanType() {
            return of(ConfigType.BOOLEAN);
        }

        /** A free-text key. */
        public ConfigKey<String> stringType() {
            return of(ConfigType.STRING);
        }

        /** A duration ("500ms", "15s", "5m", "2h", "7d"); the value is in milliseconds. */
        public ConfigKey<Long> durationType() {
            return of(ConfigType.DURATION_MS).unit("ms");
        }

        /** A size ("128MiB", "1g", or plain bytes); the value is in bytes. */
        public ConfigKey<Long> sizeType() {
            return of(ConfigType.SIZE_BYTES).unit("bytes");
        }

        /** A list of strings (YAML sequence, or comma-separated in env and flags). */
        public ConfigKey<List<String>> listType() {
            return of(ConfigType.STRING_LIST).defaultValue(List.of());
        }

        /** A string restricted to {@code values}. */
        public ConfigKey<String> oneOf(String... values) {
            return of(ConfigType.oneOf(values)).defaultValue(values[0]);
        }

        private <T> ConfigKey<T> of(ConfigType<T> type) {
            return new ConfigKey<>(name, type, null, "", "", List.of());
        }
    }

    /** Returns this key with default {@code value}; every key needs one (so no file at all means all defaults). */
    public ConfigKey<T> defaultValue(T value) {
        return new ConfigKey<>(name, type, Objects.requireNonNull(value), unit, doc, validators);
    }

    /** Returns this key with unit {@code unitName} (documentation only, e.g. "bytes", "ms"). */
    public ConfigKey<T> unit(String unitName) {
        return new ConfigKey<>(name, type, defaultValue, unitName, doc, validators);
    }

    /** Returns this key with documentation {@code text}. */
    public ConfigKey<T> doc(String text) {
        return new ConfigKey<>(name, type, defaultValue, unit, text, validators);
    }

    /** Returns this key requiring a numeric value {@code >= min}. */
    public ConfigKey<T> atLeast(long min) {
        return validate(v -> ((Number) v).doubleValue() >= min, ">= " + formatBound(min));
    }

    /** Returns this key requiring a numeric value {@code <= max}. */
    public ConfigKey<T> atMost(long max) {
        return validate(v -> ((Number) v).doubleValue() <= max, "<= " + formatBound(max));
    }

    /** Returns this key with an extra rule; {@code want} completes "got X; want …" when {@code test} fails. */
    public ConfigKey<T> validate(Predicate<T> test, String want) {
        final List<Validator<T>> more = new java.util.ArrayList<>(validators);
        more.add(new Validator<>(test, want));
        return new ConfigKey<>(name, type, defaultValue, unit, doc, List.copyOf(more));
    }

    private String formatBound(long bound) {
        if (type == ConfigType.SIZE_BYTES) {
            return ConfigType.SIZE_BYTES.format(bound);
        }
        return type == ConfigType.DURATION_MS ? ConfigType.DURATION_MS.format(bound) : Long.toString(bound);
    }

    /** The full name, {@code <section>.<key>}. */
    public String name() {
        return name;
    }

    /** The section, the part before the dot. */
    public String section() {
        return name.substring(0, name.indexOf('.'));
    }

    /** The key within its section, the part after the dot. */
    public String shortName() {
        return name.substring(name.indexOf('.') + 1);
    }

    /** The environment variable overriding this key: {@code METRICSTREAM_<SECTION>_<KEY>}. */
    public String envName() {
        return "METRICSTREAM_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The value type. */
    public ConfigType<T> type() {
        return type;
    }

    /** The default value. */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default in text form, as {@code config keys} prints it. */
    public String defaultText() {
        return type.format(defaultValue);
    }

    /** The unit ("" when none). */
    public String unit() {
        return unit;
    }

    /** The documentation line. */
    public String doc() {
        return doc;
    }

    /**
     * Checks {@code value} against every validator; returns null when valid, else the "want …" text of the first
     * failing rule.
     */
    public String check(T value) {
        for (Validator<T> v : validators) {
            if (!v.test().test(value)) {
                return v.want();
            }
        }
        return null;
    }

    /** Formats {@code value} like the key's text form. */
    public String format(Object value) {
        @SuppressWarnings("unchecked") final T t = (T) value;
        return type.format(t);
    }


    @Override
    public String toString() {
        return name;
    }
}
