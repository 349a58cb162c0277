/** PagerDuty-style incidents: one per alert group, triggered → acknowledged → resolved, escalation, timeline. */
package io.metricstream.alert.incident;
