/** Sample buffers for chunk building and merged reads (the encoding itself: io.metricstream.contracts.chunk). */
package io.metricstream.storage.chunk;
