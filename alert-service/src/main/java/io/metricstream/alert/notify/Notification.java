package io.metricstream.alert.notify;

import java.util.List;
import java.util.Map;

/**
 * One notification of one alert group to one receiver: Alertmanager's webhook data model.
 *
 * @param receiver          the receiver name
 * @param groupKey          the group key
 * @param status            "firing" when any alert fires, else "resolved"
 * @param groupLabels       the group labels
 * @param commonLabels      labels shared by every alert
 * @param commonAnnotations annotations shared by every alert
 * @param externalURL       this service's external URL
 * @param alerts            the alerts
 */
public record Notification(String receiver, String groupKey, String status, Map<String, String> groupLabels,
                           Map<String, String> commonLabels, Map<String, String> commonAnnotations,
                           String externalURL, List<PostableAlert> alerts) {
}
