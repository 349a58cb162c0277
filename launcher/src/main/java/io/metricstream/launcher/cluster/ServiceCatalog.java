package io.metricstream.launcher.cluster;

import io.metricstream.launcher.Services;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.Service;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live service list and config table of the launcher ({@code Services.all()} and {@code Services.table()}), so the
 * cluster wiring and the deployment tests check against the keys the services declare today, never a copy.

 */
public final class ServiceCatalog {
    private static final Pattern PEER = Pattern.compile("([a-z]+)_(address|addresses|url)");

    private ServiceCatalog() {
    }

    /** Fresh instances of every service, in start order. */
    public static List<Service> services() {
        return Services.all();
    }

    /** Names of every service, in start order. */
    public static List<String> names() {
        return services().stream().map(Service::name).toList();
    }

    /** The global keys plus every service's keys: what {@code run} and {@code up} validate against. */
    public static ConfigTable table() {
        return Services.table();
    }

    /**
     * The keys of {@code service}'s section that point at another service, by the naming convention
     * {@code <peer>_address}, {@code <peer>_addresses} or {@code <peer>_url} where {@code <peer>} is a service name
     * ({@code storage.queue_address}, {@code alert.query_url}). Their defaults point at the peer's default port on
     * 127.0.0.1, which is wrong in every multi-process deployment, so each deployment must override them.
     */
    public static List<ConfigKey<?>> peerKeys(String service) {
        final List<String> services = names();
        return table().keys().stream().filter(k -> k.section().equals(service)).filter(k -> {
            final Matcher m = PEER.matcher(k.shortName());
            return m.matches() && services.contains(m.group(1));
        }).toList();
    }
}
