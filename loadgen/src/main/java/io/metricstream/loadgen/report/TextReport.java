package io.metricstream.loadgen.report;

import io.metricstream.loadgen.verify.VerifyResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The final report as aligned text, one block per stage. Stateless. */
public final class TextReport {
    private TextReport() {
    }

    /** Writes {@code stages} (and the verify result, if any) to {@code out}. */
    public static void write(final String title, final List<StageReport> stages, final VerifyResult verify,
                             final PrintStream out) {
        out.println("== " + title);
        for (StageReport s : stages) {
            out.println(String.format(Locale.ROOT, "-- stage %s: %s %s, %s loop, %d conn, %d samples/request, %.1f s",
                s.name(), s.format(), s.target(), s.mode(), s.connections(), s.batch(), s.elapsedNanos() / 1e9));
            out.println(String.format(Locale.ROOT,
                "   throughput: %,.0f samples/s acked, %,.1f requests/s, %.1f MB/s sent",
                s.samplesPerSecond(), s.requestsPerSecond(),
                s.bytesSent() / 1e6 / Math.max(1e-9, s.elapsedNanos() / 1e9)));
            out.println(String.format(Locale.ROOT,
                "   requests: %d ok, %d failed, %d unsent (success %.2f%%); samples acked %d",
                s.requestsAcked(), s.requestsFailed(), s.unsent(), s.successPercent(), s.samplesAcked()));
            final StringBuilder st = new StringBuilder("   status:");
            for (Map.Entry<Integer, Long> e : s.requestsByStatus().entrySet()) {
                st.append(' ').append(e.getKey() == 0 ? "no-answer" : e.getKey()).append('=').append(e.getValue())
                    .append(" (").append(s.samplesByStatus().getOrDefault(e.getKey(), 0L)).append(" samples)");
            }
            out.println(st);
            out.println("   latency ms   " + line(s, true));
            if (s.mode().equals("open")) {
                out.println("   service ms   " + line(s, false) + "  (from actual send, not corrected)");
            }
            for (Map.Entry<Integer, List<String>> e : s.reasons().entrySet()) {
                for (String r : e.getValue()) {
                    out.println("   " + (e.getKey() == 0 ? "no-answer" : e.getKey()) + ": " + r.replace('\n', ' '));
                }
            }
        }
        if (verify != null) {
            out.println(verify.summary());
            for (String ex : verify.examples()) {
                out.println("   " + ex);
            }
        }
    }

    private static String line(final StageReport s, final boolean response) {
        final StringBuilder sb = new StringBuilder();
        for (double p : StageReport.PERCENTILES) {
            sb.append(String.format(Locale.ROOT, "p%s=%.3f ", trim(p), response ? s.responseMs(p) : s.serviceMs(p)));
        }
        final long max = response ? s.response().getMaxValue() : s.service().getMaxValue();
        return sb.append(String.format(Locale.ROOT, "max=%.3f", max / 1000.0)).toString();
    }

    static String trim(final double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
