/** The partition log: segments, recovery of a torn tail, retention. */
package io.metricstream.queue.log;
