package io.metricstream.contracts.json;

/**
 * ISO-8601 timestamps with a zone, parsed and formatted by hand over chars without allocating: the seed JSON
 * format's hot path, where {@code java.time} parsing allocates several objects per call.
 * <pre>
 *   timestamp = date ("T" | "t") time offset
 *   date      = YYYY "-" MM "-" DD                     year 0000..9999; day valid for the month and leap year
 *   time      = HH ":" MM [":" SS ["." 1*9DIGIT]]      hour 00..23; second 00..59 (no leap second)
 *   offset    = "Z" | "z" | ("+" | "-") HH [":" MM [":" SS]]   at most 18:00 either way
 * </pre>
 * The accepted set is {@link java.time.format.DateTimeFormatter#ISO_OFFSET_DATE_TIME}'s without its signed or
 * five-digit years and without a decimal point followed by no digits ({@code "23.Z"}); on that set both give
 * the same instant ({@code IsoTimestampsTest}). Digits finer than a millisecond are truncated toward the past,
 * as {@link java.time.Instant#toEpochMilli()} does.
 *
 * <p>Stateless and thread-safe.
 */
public final class IsoTimestamps {
    /** Returned by {@link #parseMillis} for text outside the grammar; no valid timestamp maps to it. */
    public static final long INVALID = Long.MIN_VALUE;
    /** {@code 0000-01-01T00:00:00.000Z}, the earliest instant {@link #format} writes. */
    public static final long MIN_FORMATTABLE_MS = -62_167_219_200_000L;
    /** {@code 9999-12-31T23:59:59.999Z}, the latest instant {@link #format} writes. */
    public static final long MAX_FORMATTABLE_MS = 253_402_300_799_999L;
    /** Chars {@link #format} writes: {@code YYYY-MM-DDTHH:MM:SS.mmmZ}. */
    public static final int FORMATTED_LENGTH = 24;

    /** Shortest text in the grammar: {@code YYYY-MM-DDTHH:MMZ}. */
    private static final int MIN_LENGTH = 17;
    private static final int MAX_OFFSET_SECONDS = 18 * 3600;
    private static final int MAX_FRACTION_DIGITS = 9;
    private static final long SECONDS_PER_DAY = 86_400L;
    /** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
    private static final long DAYS_0000_03_01_TO_EPOCH = 719_468L;
    private static final int DAYS_PER_ERA = 146_097;

    private IsoTimestamps() {
    }

    /** Parses {@code text}; returns epoch milliseconds, or {@link #INVALID}. Copies the text: for tests and tools. */
    public static long parseMillis(final CharSequence text) {
        final char[] chars = new char[text.length()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = text.charAt(i);
        }
        return parseMillis(chars, 0, chars.length);
    }

    /**
     * Parses {@code length} chars at {@code offset}; returns epoch milliseconds, or {@link #INVALID} when the text
     * is outside the grammar or names no real instant (February 30, hour 24, offset +19:00). Allocation-free.
     */
    public static long parseMillis(final char[] c, final int offset, final int length) {
        if (length < MIN_LENGTH) {
            return INVALID;
        }
        final int end = offset + length;
        final int century = digits2(c, offset);
        final int yearOfCentury = digits2(c, offset + 2);
        final int year = century * 100 + yearOfCentury;
        final int month = digits2(c, offset + 5);
        final int day = digits2(c, offset + 8);
        final int hour = digits2(c, offset + 11);
        final int minute = digits2(c, offset + 14);
        if (century < 0 || yearOfCentury < 0 || c[offset + 4] != '-'
            || month < 1 || month > 12 || c[offset + 7] != '-' || day < 1 || day > daysInMonth(year, month)
            || c[offset + 10] != 'T' && c[offset + 10] != 't'
            || hour < 0 || hour > 23 || c[offset + 13] != ':' || minute < 0 || minute > 59) {
            return INVALID;
        }
        int p = offset + 16;
        int second = 0;
        int millis = 0;
        if (c[p] == ':') {
            if (end - p < 3) {
                return INVALID;
            }
            second = digits2(c, p + 1);
            if (second < 0 || second > 59) {
                return INVALID;
            }
            p += 3;
            if (p < end && c[p] == '.') {
                p++;
                int digits = 0;
                while (p < end && c[p] >= '0' && c[p] <= '9') {
                    if (digits < 3) {
                        millis = millis * 10 + c[p] - '0';
                    }
                    digits++;
                    p++;
                }
                if (digits == 0 || digits > MAX_FRACTION_DIGITS) {
                    return INVALID;
                }
                for (int d = digits; d < 3; d++) {
                    millis *= 10;
                }
            }
        }
        final int offsetSeconds = parseOffsetSeconds(c, p, end);
        if (offsetSeconds == Integer.MIN_VALUE) {
            return INVALID;
        }
        final long seconds = epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second
            - offsetSeconds;
        return seconds * 1000L + millis;
    }

    /** Parses the offset that must end the text at {@code end}; returns seconds east of UTC or MIN_VALUE. */
    private static int parseOffsetSeconds(final char[] c, final int at, final int end) {
        if (at >= end) {
            return Integer.MIN_VALUE;
        }
        final char sign = c[at];
        if (sign == 'Z' || sign == 'z') {
            return at + 1 == end ? 0 : Integer.MIN_VALUE;
        }
        if (sign != '+' && sign != '-' || end - at < 3) {
            return Integer.MIN_VALUE;
        }
        int total = 0;
        int parts = 0;
        int p = at + 1;
        while (true) {
            final int v = digits2(c, p);
            if (v < 0 || parts > 0 && v > 59) {
                return Integer.MIN_VALUE;
            }
            total = total * 60 + v;
            p += 2;
            parts++;
            if (parts == 3 || p == end) {
                break;
            }
            if (c[p] != ':' || end - p < 3) {
                return Integer.MIN_VALUE;
            }
            p++;
        }
        for (; parts < 3; parts++) {
            total *= 60;
        }
        if (p != end || total > MAX_OFFSET_SECONDS) {
            return Integer.MIN_VALUE;
        }
        return sign == '-' ? -total : total;
    }

    /** Two ASCII digits at {@code at} as 0..99, or -1. */
    private static int digits2(final char[] c, final int at) {
        final int hi = c[at] - '0';
        final int lo = c[at + 1] - '0';
        if (hi < 0 || hi > 9 || lo < 0 || lo > 9) {
            return -1;
        }
        return hi * 10 + lo;
    }

    private static boolean isLeapYear(final int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int daysInMonth(final int year, final int month) {
        return switch (month) {
            case 2 -> isLeapYear(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's {@code days_from_civil}). */
    static long epochDay(final int year, final int month, final int day) {
        final int y = month <= 2 ? year - 1 : year;
        final int era = (y >= 0 ? y : y - 399) / 400;
        final int yearOfEra = y - era * 400;
        final int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return (long) era * DAYS_PER_ERA + dayOfEra - DAYS_0000_03_01_TO_EPOCH;
    }

    /** Returns whether {@link #format} can write {@code epochMs} (years 0000..9999). */
    public static boolean isFormattable(final long epochMs) {
        return epochMs >= MIN_FORMATTABLE_MS && epochMs <= MAX_FORMATTABLE_MS;
    }

    /**
     * Writes {@code epochMs} as {@code YYYY-MM-DDTHH:MM:SS.mmmZ} ({@link #FORMATTED_LENGTH} chars) at
     * {@code offset}; returns the offset after it. The instant must be {@link #isFormattable}.
     */
    public static int format(final long epochMs, final char[] out, final int offset) {
        if (!isFormattable(epochMs)) {
            throw new IllegalArgumentException("cannot format epochMs=" + epochMs + ": want year 0000..9999");
        }
        final long seconds = Math.floorDiv(epochMs, 1000L);
        final int millis = (int) Math.floorMod(epochMs, 1000L);
        final long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        final int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        // H. Hinnant's civil_from_days.
        final long z = days + DAYS_0000_03_01_TO_EPOCH;
        final long era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
        final int dayOfEra = (int) (z - era * DAYS_PER_ERA);
        final int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        final int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final int mp = (5 * dayOfYear + 2) / 153;
        final int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        final int month = mp < 10 ? mp + 3 : mp - 9;
        final int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        int p = offset;
        p = put2(out, p, year / 100);
        p = put2(out, p, year % 100);
        out[p++] = '-';
        p = put2(out, p, month);
        out[p++] = '-';
        p = put2(out, p, day);
        out[p++] = 'T';
        p = put2(out, p, secondOfDay / 3600);
        out[p++] = ':';
        p = put2(out, p, secondOfDay / 60 % 60);
        out[p++] = ':';
        p = put2(out, p, secondOfDay % 60);
        out[p++] = '.';
        out[p++] = (char) ('0' + millis / 100);
        p = put2(out, p, millis % 100);
        out[p++] = 'Z';
        return p;
    }

    /** Appends {@code epochMs} as {@code YYYY-MM-DDTHH:MM:SS.mmmZ}; the instant must be {@link #isFormattable}. */
    public static StringBuilder format(final long epochMs, final StringBuilder out) {
        final char[] chars = new char[FORMATTED_LENGTH];
        format(epochMs, chars, 0);
        return out.append(chars);
    }

    private static int put2(final char[] out, final int at, final int value) {
        out[at] = (char) ('0' + value / 10);
        out[at + 1] = (char) ('0' + value % 10);
        return at + 2;
    }
}
