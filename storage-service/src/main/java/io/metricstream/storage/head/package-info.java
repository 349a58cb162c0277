/** The in-memory head: series registry, open chunks, out-of-order window and head checkpoints. */
package io.metricstream.storage.head;
