package io.metricstream.loadgen.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * For the canary scenario: polls an alert service's Prometheus-shaped {@code GET /api/v1/alerts} until every
 * canary host has a firing alert or the deadline passes, and reports which hosts fired, which fired without being
 * bad (false positives), and how long after the hosts turned bad each alert was first seen firing.
 */
public final class AlertCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param canaryHosts hosts that turned bad
     * @param firingCanary canary hosts with a firing alert
     * @param firingOthers other hosts with a firing alert (false positives)
     * @param detectionMs per canary host that fired: ms from turning bad to first seen firing (poll resolution)
     * @param error a problem reaching the alert service, or {@code null}
     */
    public record Result(List<String> canaryHosts, List<String> firingCanary, List<String> firingOthers,
                         Map<String, Long> detectionMs, String error) {
        /** Whether exactly the canary hosts fired. */
        public boolean ok() {
            return error == null && firingCanary.size() == canaryHosts.size() && firingOthers.isEmpty();
        }

        /** One line for reports. */
        public String summary() {
            final long max = detectionMs.values().stream().mapToLong(Long::longValue).max().orElse(-1);
            return String.format(Locale.ROOT, "alerts %s: firing for %d of %d canary hosts, %d other hosts %s; "
                    + "slowest detection %s", ok() ? "OK" : "FAILED", firingCanary.size(), canaryHosts.size(),
                firingOthers.size(), firingOthers, max < 0 ? "-" : max + " ms")
                + (error == null ? "" : "; " + error);
        }
    }

    private AlertCheck() {
    }

    /**
     * Polls {@code baseUrl + "/api/v1/alerts"} once a second until all {@code canaryHosts} fire or {@code deadline}.
     * Only alerts named {@code alertName} count ({@code null} = any); hosts come from the alert's {@code host} label.
     */
    public static Result run(final String baseUrl, final String alertName, final List<String> canaryHosts,
                             final long canaryStartMs, final Duration deadline) {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final URI uri = URI.create((baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
            + "/api/v1/alerts");
        final Set<String> canary = new LinkedHashSet<>(canaryHosts);
        final Map<String, Long> firstSeen = new HashMap<>();
        final Set<String> others = new LinkedHashSet<>();
        final long end = System.nanoTime() + deadline.toNanos();
        String error = null;
        while (true) {
            try {
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                error = response.statusCode() == 200 ? null : uri + " answered " + response.statusCode();
                if (error == null) {
                    final long now = System.currentTimeMillis();
                    for (JsonNode alert : JSON.readTree(response.body()).path("data").path("alerts")) {
                        final String host = alert.path("labels").path("host").asText(null);
                        final boolean named = alertName == null
                            || alertName.equals(alert.path("labels").path("alertname").asText());
                        if (host == null || !named || !"firing".equals(alert.path("state").asText())) {
                            continue;
                        }
                        if (canary.contains(host)) {
                            firstSeen.putIfAbsent(host, Math.max(0, now - canaryStartMs));
                        } else {
                            others.add(host);
                        }
                    }
                }
            } catch (IOException e) {
                error = "cannot read " + uri + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
                break;
            }
            if (firstSeen.size() == canary.size() || System.nanoTime() - end >= 0) {
                break;
            }
            LockSupport.parkNanos(Math.min(1_000_000_000L, Math.max(0, end - System.nanoTime())));
        }
        final List<String> firing = new ArrayList<>();
        for (String h : canary) {
            if (firstSeen.containsKey(h)) {
                firing.add(h);
            }
        }
        return new Result(List.copyOf(canary), firing, List.copyOf(others), Map.copyOf(firstSeen), error);
    }
}
