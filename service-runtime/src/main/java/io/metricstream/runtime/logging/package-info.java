/** Log profiles (dev text, prod JSON lines, test quiet) and de-duplicated error logging. */
package io.metricstream.runtime.logging;
