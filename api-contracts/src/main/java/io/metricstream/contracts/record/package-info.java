/** The versioned, CRC32C-checked record batch: the unit the queue appends, stores and fetches. */
package io.metricstream.contracts.record;
