package io.metricstream.storage.block;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases a file mapping now instead of when the GC collects its {@link MappedByteBuffer}: a deleted block's files
 * keep their disk space while they are mapped, on a big idle heap for hours. Uses
 * {@code sun.misc.Unsafe#invokeCleaner} (module jdk.unsupported), looked up reflectively as Netty's
 * {@code PlatformDependent} does, since a direct reference to a deprecated-for-removal method fails
 * {@code -Xlint:all -Werror}. Where it is missing or denied ({@code --sun-misc-unsafe-memory-access=deny}) the
 * mapping is left to the GC, logged once at INFO.
 *
 * <p>The caller guarantees that no thread reads the buffer, or any slice or duplicate of it, afterwards: a read of
 * an unmapped buffer crashes the JVM (SIGSEGV), it does not throw. Stateless; thread-safe.
 */
final class Unmapper {
    private static final Logger LOG = LoggerFactory.getLogger(Unmapper.class);
    // set once unmapping is found unavailable (declared before INVOKE_CLEANER: its lookup may set it)
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    // null when the JVM has no invokeCleaner; (ByteBuffer)void, bound to the Unsafe instance
    private static final MethodHandle INVOKE_CLEANER = lookUp();

    private Unmapper() {
    }

    /** Unmaps {@code map} (an original mapping, never a slice); false when it is left to the GC. */
    static boolean unmap(final MappedByteBuffer map) {
        if (!available()) {
            return false;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) map);
            return true;
        } catch (final UnsupportedOperationException e) {
            // --sun-misc-unsafe-memory-access=deny
            fallBack(e.toString());
            return false;
        } catch (final Throwable e) {
            // invokeExact declares Throwable; an IllegalArgumentException here is our bug (a slice): say so once
            fallBack(e.toString());
            return false;
        }
    }

    /** Whether {@link #unmap} can release mappings in this JVM (tests assume it). */
    static boolean available() {
        return INVOKE_CLEANER != null && !FALLBACK_LOGGED.get();
    }

    private static MethodHandle lookUp() {
        try {
            final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            final Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return MethodHandles.lookup()
                .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(theUnsafe.get(null));
        } catch (final ReflectiveOperationException | RuntimeException e) {
            fallBack(e.toString());
            return null;
        }
    }

    private static void fallBack(final String why) {
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            LOG.info("cannot unmap deleted block files at once ({}); their disk space is released when the GC "
                + "collects their mappings", why);
        }
    }
}
