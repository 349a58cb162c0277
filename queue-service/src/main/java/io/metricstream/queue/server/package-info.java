/** The queue's front ends: the binary frame adapter, the HTTP routes and long-poll fetch waiters. */
package io.metricstream.queue.server;
