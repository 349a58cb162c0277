package io.metricstream.alert.state;

import java.util.Locale;

/** Prometheus alert states; a resolved alert is INACTIVE with a resolved time. */
public enum AlertState {
    INACTIVE, PENDING, FIRING;

    /** The lower-case name Prometheus's API uses. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
