package io.metricstream.alert.incident;

import java.util.ArrayList;
import java.util.List;

/** The events of one incident, in time order. Not thread-safe: owned by the engine thread. */
public final class Timeline {
    /** Most events kept per incident (oldest dropped first, after the first one). */
    public static final int MAX_EVENTS = 200;
    private final List<Event> events = new ArrayList<>();

    /**
     * One event.
     *
     * @param atMs    when
     * @param type    triggered, updated, escalated, acknowledged, resolved
     * @param message what happened
     */
    public record Event(long atMs, String type, String message) {
    }

    /** Appends an event. */
    public void add(long atMs, String type, String message) {
        if (events.size() >= MAX_EVENTS) {
            events.remove(1);
        }
        events.add(new Event(atMs, type, message));
    }

    /** The events. */
    public List<Event> events() {
        return List.copyOf(events);
    }
}
