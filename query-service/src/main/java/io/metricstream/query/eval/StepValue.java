package io.metricstream.query.eval;

/** The value of an expression at every step of an evaluation range. */
public sealed interface StepValue permits StepVector, StepScalar, StepString {
}
