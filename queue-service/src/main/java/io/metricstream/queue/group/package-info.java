/** Consumer groups: membership, session expiry, range assignment and durable committed offsets. */
package io.metricstream.queue.group;
