package io.metricstream.alert.notify;

/** One integration of a receiver (webhook, Slack, Alertmanager): renders a notification into a delivery. */
public interface Receiver {
    /** The integration's name for logs ({@code team-a/webhook[0]}). */
    String name();

    /** Whether resolved notifications are sent. */
    boolean sendResolved();

    /**
     * Whether notifications pass through the notification log (sent only when the group changed or
     * repeat_interval passed). False for forwarding to an Alertmanager, which deduplicates itself and needs
     * firing alerts refreshed every group_interval so it does not auto-resolve them.
     */
    default boolean deduplicated() {
        return true;
    }

    /** The request for {@code n} at {@code nowMs}. */
    Delivery render(Notification n, long nowMs);
}
