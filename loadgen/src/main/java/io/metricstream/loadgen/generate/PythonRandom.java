package io.metricstream.loadgen.generate;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * CPython's {@code random.Random}: MT19937 seeded the way {@code random.seed(a, version=2)} does, and
 * {@code random()} built from two 32-bit draws exactly as {@code _randommodule.c} does. Only what
 * {@code peers/gen.py} uses is here: string seeds and {@link #random()}.
 *
 * <p>A str seed becomes {@code int.from_bytes(utf8 + sha512(utf8).digest(), "big")}; its absolute value is cut
 * into 32-bit words, least significant first, and fed to {@code init_by_array}. Not thread-safe.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int mti = N + 1;

    /** Seeds like {@code random.Random(seed)} for a str {@code seed}. */
    public PythonRandom(final String seed) {
        seed(seedKey(seed));
    }

    /** The {@code init_by_array} key CPython derives from a str seed. */
    static int[] seedKey(final String seed) {
        final byte[] utf8 = seed.getBytes(StandardCharsets.UTF_8);
        final byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-512").digest(utf8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e);
        }
        final byte[] all = new byte[utf8.length + digest.length];
        System.arraycopy(utf8, 0, all, 0, utf8.length);
        System.arraycopy(digest, 0, all, utf8.length, digest.length);
        final BigInteger a = new BigInteger(1, all);
        final int bits = a.bitLength();
        final int words = bits == 0 ? 1 : (bits - 1) / 32 + 1;
        final int[] key = new int[words];
        for (int i = 0; i < words; i++) {
            key[i] = a.shiftRight(32 * i).intValue();
        }
        return key;
    }

    private void initGenrand(final int s) {
        mt[0] = s;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    private void seed(final int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32 random bits ({@code genrand_uint32}), as an unsigned value in an int. */
    int nextUint32() {
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                final int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            }
            for (; kk < N - 1; kk++) {
                final int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            }
            final int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code random.random()}: a double in [0, 1) with 53 random bits. */
    public double random() {
        final long a = (nextUint32() & 0xFFFFFFFFL) >>> 5;
        final long b = (nextUint32() & 0xFFFFFFFFL) >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }
}
