package io.metricstream.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsoTimestampsTest {
    private static final int CASES = 50_000;
    private static final long MIN_SECOND = IsoTimestamps.MIN_FORMATTABLE_MS / 1000 - 86_400;
    private static final long MAX_SECOND = IsoTimestamps.MAX_FORMATTABLE_MS / 1000 + 86_400;
    private static final DateTimeFormatter MILLIS_UTC =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** What java.time takes and we leave out on purpose: signed or long years, a point with no digits. */
    private static final Pattern DOCUMENTED_GAP = Pattern.compile("^[+-].*|^\\d{5}.*|.*\\.(?!\\d).*");
    private static final String MUTATION_CHARS = "0123456789-:+TtZz. x";

    /** Epoch ms by java.time, or null where it rejects the text. */
    private static Long javaTime(final String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (final DateTimeParseException e) {
            return null;
        }
    }

    /** A random timestamp in the grammar, built from a random instant, offset and spelling. */
    private static String randomTimestamp(final SplittableRandom r) {
        final int offsetSeconds = switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextInt(-18, 19) * 3600;
            case 2 -> r.nextInt(-18 * 60, 18 * 60 + 1) * 60;
            default -> r.nextInt(-18 * 3600, 18 * 3600 + 1);
        };
        final ZoneOffset zone = ZoneOffset.ofTotalSeconds(offsetSeconds);
        final OffsetDateTime t = Instant.ofEpochSecond(r.nextLong(MIN_SECOND, MAX_SECOND), r.nextInt(1_000_000_000))
            .atOffset(zone);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return randomTimestamp(r);
        }
        final StringBuilder sb = new StringBuilder(40);
        sb.append(String.format(Locale.ROOT, "%04d-%02d-%02d%c%02d:%02d", t.getYear(), t.getMonthValue(),
            t.getDayOfMonth(), r.nextBoolean() ? 'T' : 't', t.getHour(), t.getMinute()));
        final boolean dropSeconds = t.getSecond() == 0 && t.getNano() == 0 && r.nextBoolean();
        if (!dropSeconds) {
            sb.append(String.format(Locale.ROOT, ":%02d", t.getSecond()));
            final int digits = r.nextInt(10);
            if (digits > 0) {
                final String nanos = String.format(Locale.ROOT, "%09d", t.getNano());
                sb.append('.').append(nanos, 0, digits);
            }
        }
        appendOffset(r, sb, offsetSeconds);
        return sb.toString();
    }

    private static void appendOffset(final SplittableRandom r, final StringBuilder sb, final int offsetSeconds) {
        final int abs = Math.abs(offsetSeconds);
        if (offsetSeconds == 0 && r.nextInt(3) > 0) {
            sb.append(r.nextBoolean() ? 'Z' : 'z');
            return;
        }
        sb.append(offsetSeconds < 0 || offsetSeconds == 0 && r.nextBoolean() ? '-' : '+');
        sb.append(String.format(Locale.ROOT, "%02d", abs / 3600));
        final boolean needSeconds = abs % 60 != 0;
        final boolean needMinutes = needSeconds || abs % 3600 != 0;
        if (needMinutes || r.nextBoolean()) {
            sb.append(String.format(Locale.ROOT, ":%02d", abs / 60 % 60));
            if (needSeconds || r.nextInt(4) == 0) {
                sb.append(String.format(Locale.ROOT, ":%02d", abs % 60));
            }
        }
    }

    private static String mutate(final SplittableRandom r, final String s) {
        final StringBuilder sb = new StringBuilder(s);
        final int edits = 1 + r.nextInt(2);
        for (int e = 0; e < edits && !sb.isEmpty(); e++) {
            final int at = r.nextInt(sb.length());
            final char c = MUTATION_CHARS.charAt(r.nextInt(MUTATION_CHARS.length()));
            switch (r.nextInt(4)) {
                case 0 -> sb.setCharAt(at, c);
                case 1 -> sb.deleteCharAt(at);
                case 2 -> sb.insert(at, c);
                default -> sb.setLength(at);
            }
        }
        return sb.toString();
    }

    @Test
    void shouldMatchJavaTimeWhenTimestampIsRandomInstantOffsetAndFraction() throws Exception {
        Seeds.run(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < CASES; i++) {
                final String text = randomTimestamp(r);
                final Long expected = javaTime(text);
                assertTrue(expected != null, () -> "java.time rejects generated " + text);
                assertEquals(expected.longValue(), IsoTimestamps.parseMillis(text), text);
            }
        });
    }

    @Test
    void shouldAgreeWithJavaTimeWhenTimestampIsMutated() throws Exception {
        Seeds.run(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            int rejected = 0;
            for (int i = 0; i < CASES; i++) {
                final String text = mutate(r, randomTimestamp(r));
                final Long expected = javaTime(text);
                final long actual = IsoTimestamps.parseMillis(text);
                if (actual != IsoTimestamps.INVALID) {
                    assertEquals(expected, Long.valueOf(actual), text);
                } else {
                    rejected++;
                    assertTrue(expected == null || DOCUMENTED_GAP.matcher(text).matches(),
                        () -> "we reject what java.time takes: " + text);
                }
            }
            assertTrue(rejected > CASES / 4, "mutations should mostly break the text: rejected=" + rejected);
        });
    }

    @Test
    void shouldRejectTextWhenOutsideGrammarOrCalendar() {
        for (final String text : new String[] {
            "", "2025-09-17", "2025-09-17T13:45", "2025-09-17T13:45:23", "2025-09-17 13:45:23Z",
            "2025-9-17T13:45:23Z", "2025-09-17T13:45:23.Z", "2025-09-17T13:45:23.1234567890Z", "2025-09-17T13:45:2Z",
            "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z", "2025-09-17T24:00:00Z", "2025-09-17T23:60:00Z", "2025-09-17T23:59:60Z",
            "2025-09-17T13:45:23+18:01", "2025-09-17T13:45:23+19", "2025-09-17T13:45:23+0200",
            "2025-09-17T13:45:23+02:3", "2025-09-17T13:45:23+02:30:", "2025-09-17T13:45:23+02:60",
            "2025-09-17T13:45:23ZZ", "2025-09-17T13:45:23Z ", " 2025-09-17T13:45:23Z", "+2025-09-17T13:45:23Z",
            "20250-09-17T13:45:23Z", "2025-09-17T13:45:23,5Z", "2025-09-17T13:45:23.5", "abcd-ef-ghTij:klZ",
        }) {
            assertEquals(IsoTimestamps.INVALID, IsoTimestamps.parseMillis(text), text);
        }
    }

    @Test
    void shouldParseEdgesWhenTimestampIsAtEndsOfRange() {
        assertEquals(IsoTimestamps.MIN_FORMATTABLE_MS, IsoTimestamps.parseMillis("0000-01-01T00:00:00Z"));
        assertEquals(IsoTimestamps.MAX_FORMATTABLE_MS, IsoTimestamps.parseMillis("9999-12-31T23:59:59.999999999Z"));
        assertEquals(IsoTimestamps.MIN_FORMATTABLE_MS - 18 * 3_600_000L,
            IsoTimestamps.parseMillis("0000-01-01T00:00+18:00"));
        assertEquals(IsoTimestamps.MAX_FORMATTABLE_MS + 18 * 3_600_000L,
            IsoTimestamps.parseMillis("9999-12-31T23:59:59.999-18:00:00"));
        assertEquals(951_782_400_000L, IsoTimestamps.parseMillis("2000-02-29T00:00:00Z"));
        assertEquals(-1L, IsoTimestamps.parseMillis("1969-12-31T23:59:59.999999Z"));
    }

    @Test
    void shouldFormatLikeJavaTimeWhenInstantIsRandom() throws Exception {
        Seeds.run(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final char[] out = new char[IsoTimestamps.FORMATTED_LENGTH + 2];
            for (int i = 0; i < CASES; i++) {
                final long ms = r.nextLong(IsoTimestamps.MIN_FORMATTABLE_MS, IsoTimestamps.MAX_FORMATTABLE_MS + 1);
                assertEquals(IsoTimestamps.FORMATTED_LENGTH + 1, IsoTimestamps.format(ms, out, 1));
                final String text = new String(out, 1, IsoTimestamps.FORMATTED_LENGTH);
                assertEquals(MILLIS_UTC.format(Instant.ofEpochMilli(ms)), text);
                assertEquals(ms, IsoTimestamps.parseMillis(text), text);
            }
        });
    }

    @Test
    void shouldRefuseToFormatWhenYearIsOutsideFourDigits() {
        assertTrue(IsoTimestamps.isFormattable(IsoTimestamps.MIN_FORMATTABLE_MS));
        assertTrue(IsoTimestamps.isFormattable(IsoTimestamps.MAX_FORMATTABLE_MS));
        assertFalse(IsoTimestamps.isFormattable(IsoTimestamps.MIN_FORMATTABLE_MS - 1));
        assertFalse(IsoTimestamps.isFormattable(IsoTimestamps.MAX_FORMATTABLE_MS + 1));
        assertEquals("0000-01-01T00:00:00.000Z",
            IsoTimestamps.format(IsoTimestamps.MIN_FORMATTABLE_MS, new StringBuilder()).toString());
        assertEquals("9999-12-31T23:59:59.999Z",
            IsoTimestamps.format(IsoTimestamps.MAX_FORMATTABLE_MS, new StringBuilder()).toString());
        assertThrows(IllegalArgumentException.class, () -> IsoTimestamps.format(Long.MAX_VALUE, new StringBuilder()));
    }
}
