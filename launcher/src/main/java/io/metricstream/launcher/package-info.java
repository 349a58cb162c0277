/** The metricstream command line: up, run, config check, config keys. */
package io.metricstream.launcher;
