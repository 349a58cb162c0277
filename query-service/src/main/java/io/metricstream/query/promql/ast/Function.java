package io.metricstream.query.promql.ast;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The PromQL function library: argument types, how many trailing arguments are optional ({@code -1} = any number
 * of repeats of the last type), and the return type.
 */
public enum Function {
    ABS(v(), 0), ABSENT(v(), 0), ABSENT_OVER_TIME(m(), 0),
    ACOS(v(), 0), ACOSH(v(), 0), ASIN(v(), 0), ASINH(v(), 0), ATAN(v(), 0), ATANH(v(), 0),
    COS(v(), 0), COSH(v(), 0), SIN(v(), 0), SINH(v(), 0), TAN(v(), 0), TANH(v(), 0), DEG(v(), 0), RAD(v(), 0),
    PI(new ValueType[0], 0, ValueType.SCALAR),
    AVG_OVER_TIME(m(), 0), CEIL(v(), 0), CHANGES(m(), 0),
    CLAMP(new ValueType[] {ValueType.VECTOR, ValueType.SCALAR, ValueType.SCALAR}, 0),
    CLAMP_MAX(new ValueType[] {ValueType.VECTOR, ValueType.SCALAR}, 0),
    CLAMP_MIN(new ValueType[] {ValueType.VECTOR, ValueType.SCALAR}, 0),
    COUNT_OVER_TIME(m(), 0),
    DAY_OF_MONTH(v(), 1), DAY_OF_WEEK(v(), 1), DAY_OF_YEAR(v(), 1), DAYS_IN_MONTH(v(), 1),
    DELTA(m(), 0), DERIV(m(), 0), EXP(v(), 0), FLOOR(v(), 0),
    HISTOGRAM_QUANTILE(new ValueType[] {ValueType.SCALAR, ValueType.VECTOR}, 0),
    HOLT_WINTERS(new ValueType[] {ValueType.MATRIX, ValueType.SCALAR, ValueType.SCALAR}, 0),
    HOUR(v(), 1), IDELTA(m(), 0), INCREASE(m(), 0), IRATE(m(), 0),
    LABEL_REPLACE(new ValueType[] {ValueType.VECTOR, ValueType.STRING, ValueType.STRING, ValueType.STRING,
        ValueType.STRING}, 0),
    LABEL_JOIN(new ValueType[] {ValueType.VECTOR, ValueType.STRING, ValueType.STRING, ValueType.STRING}, -1),
    LAST_OVER_TIME(m(), 0), LN(v(), 0), LOG10(v(), 0), LOG2(v(), 0),
    MAX_OVER_TIME(m(), 0), MIN_OVER_TIME(m(), 0), MINUTE(v(), 1), MONTH(v(), 1),
    PREDICT_LINEAR(new ValueType[] {ValueType.MATRIX, ValueType.SCALAR}, 0),
    PRESENT_OVER_TIME(m(), 0),
    QUANTILE_OVER_TIME(new ValueType[] {ValueType.SCALAR, ValueType.MATRIX}, 0),
    RATE(m(), 0), RESETS(m(), 0),
    ROUND(new ValueType[] {ValueType.VECTOR, ValueType.SCALAR}, 1),
    SCALAR(v(), 0, ValueType.SCALAR), SGN(v(), 0), SORT(v(), 0), SORT_DESC(v(), 0), SQRT(v(), 0),
    STDDEV_OVER_TIME(m(), 0), STDVAR_OVER_TIME(m(), 0), SUM_OVER_TIME(m(), 0),
    TIME(new ValueType[0], 0, ValueType.SCALAR), TIMESTAMP(v(), 0),
    VECTOR(new ValueType[] {ValueType.SCALAR}, 0), YEAR(v(), 1);

    private static final Map<String, Function> BY_NAME = new HashMap<>();

    static {
        for (final Function f : values()) {
            BY_NAME.put(f.text(), f);
        }
    }

    private final ValueType[] argTypes;
    private final int optional;
    private final ValueType returnType;

    Function(final ValueType[] argTypes, final int optional) {
        this(argTypes, optional, ValueType.VECTOR);
    }

    Function(final ValueType[] argTypes, final int optional, final ValueType returnType) {
        this.argTypes = argTypes;
        this.optional = optional;
        this.returnType = returnType;
    }

    private static ValueType[] v() {
        return new ValueType[] {ValueType.VECTOR};
    }

    private static ValueType[] m() {
        return new ValueType[] {ValueType.MATRIX};
    }

    /** The function named {@code name} (case-sensitive, as in Prometheus), or null. */
    public static Function of(final String name) {
        return BY_NAME.get(name);
    }

    /** The PromQL spelling. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Declared argument types. */
    public ValueType argType(final int i) {
        return argTypes[Math.min(i, argTypes.length - 1)];
    }

    /** Number of declared argument types. */
    public int declaredArgs() {
        return argTypes.length;
    }

    /** How many trailing arguments may be left out ({@code -1}: the last one repeats any number of times). */
    public int optional() {
        return optional;
    }

    /** The return type. */
    public ValueType returnType() {
        return returnType;
    }
}
