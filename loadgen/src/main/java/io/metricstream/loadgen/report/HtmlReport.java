package io.metricstream.loadgen.report;

import io.metricstream.loadgen.verify.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The final report as one self-contained HTML page: a table per stage and a latency-by-percentile plot as inline
 * SVG (x: percentile on the usual "number of nines" log scale, 0 .. 99.999; y: response time in ms), one line
 * per stage. No scripts, no external resources.
 */
public final class HtmlReport {
    private static final int W = 760;
    private static final int H = 360;
    private static final int PAD = 50;
    private static final double MAX_NINES = 5;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private HtmlReport() {
    }

    /** The page as a string. */
    public static String render(final String title, final List<StageReport> stages, final VerifyResult verify) {
        final StringBuilder sb = new StringBuilder(8192);
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
            .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body><h1>")
            .append(esc(title)).append("</h1><table><tr><th>stage</th><th>target</th><th>mode</th><th>conn</th>"
                + "<th>batch</th><th>samples/s</th><th>req/s</th><th>success %</th>");
        for (double p : StageReport.PERCENTILES) {
            sb.append("<th>p").append(TextReport.trim(p)).append(" ms</th>");
        }
        sb.append("<th>max ms</th></tr>");
        for (StageReport s : stages) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s %s</td><td>%s</td><td>%d</td><td>%d</td>"
                    + "<td>%,.0f</td><td>%,.1f</td><td>%.2f</td>", esc(s.name()), esc(s.format()), esc(s.target()),
                s.mode(), s.connections(), s.batch(), s.samplesPerSecond(), s.requestsPerSecond(),
                s.successPercent()));
            for (double p : StageReport.PERCENTILES) {
                sb.append(String.format(Locale.ROOT, "<td>%.3f</td>", s.responseMs(p)));
            }
            sb.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>", s.response().getMaxValue() / 1000.0));
        }
        sb.append("</table><h2>Response time by percentile</h2>").append(svg(stages));
        if (verify != null) {
            sb.append("<h2>Verify</h2><pre>").append(esc(verify.summary()));
            for (String ex : verify.examples()) {
                sb.append('\n').append(esc(ex));
            }
            sb.append("</pre>");
        }
        return sb.append("<p>Latency is measured from each request's due time in open loop (coordinated-omission "
            + "corrected) and from its send time in closed loop.</p></body></html>\n").toString();
    }

    /** The percentile plot. */
    static String svg(final List<StageReport> stages) {
        double maxMs = 0.001;
        for (StageReport s : stages) {
            maxMs = Math.max(maxMs, s.response().getMaxValue() / 1000.0);
        }
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
            W, H));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            + "stroke=\"#999\"/>", PAD, 10, W - PAD - 10, H - PAD - 10));
        final String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int n = 0; n <= MAX_NINES; n++) {
            final double x = x(n);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                + "%s</text>", x, H - PAD + 18, labels[n]));
        }
        for (int k = 0; k <= 4; k++) {
            final double ms = maxMs * k / 4;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">"
                + "%.2f</text>", PAD - 4, y(ms, maxMs) + 4, ms));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">ms</text>", 4, 20));
        for (int i = 0; i < stages.size(); i++) {
            final StageReport s = stages.get(i);
            if (s.response().getTotalCount() == 0) {
                continue;
            }
            final String color = COLORS[i % COLORS.length];
            sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"");
            for (HistogramIterationValue v : s.response().percentiles(5)) {
                final double p = v.getPercentileLevelIteratedTo() / 100.0;
                final double nines = p >= 1 ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - p));
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(nines),
                    y(v.getValueIteratedTo() / 1000.0, maxMs)));
            }
            sb.append("\"/>");
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>",
                PAD + 10, 28 + 14 * i, color, esc(s.name())));
        }
        return sb.append("</svg>").toString();
    }

    private static double x(final double nines) {
        return PAD + nines / MAX_NINES * (W - PAD - 10);
    }

    private static double y(final double ms, final double maxMs) {
        return H - PAD - ms / maxMs * (H - PAD - 10);
    }

    static String esc(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Writes the page to {@code file}. */
    public static void write(final Path file, final String title, final List<StageReport> stages,
                             final VerifyResult verify) throws IOException {
        Files.writeString(file, render(title, stages, verify), StandardCharsets.UTF_8);
    }
}
