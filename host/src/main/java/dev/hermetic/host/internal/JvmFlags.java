package dev.hermetic.host.internal;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the running JVM will do with engine code. HotSpot by default never JIT-compiles a method
 * over 8,000 bytes of bytecode ({@code DontCompileHugeMethods}); Chicory turns each large engine
 * function into one such method, which then runs in the JVM's bytecode interpreter for the life
 * of the process. {@code -XX:-DontCompileHugeMethods} lifts the limit.
 */
public final class JvmFlags {
    /** Set once the advice has been logged, so a JVM says it once however many hosts it builds. */
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private JvmFlags() {}

    /** Whether this JVM compiles huge methods; empty when it cannot tell (not HotSpot). */
    public static Optional<Boolean> compilesHugeMethods() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (bean == null) {
                return Optional.empty();
            }
            return Optional.of(!Boolean.parseBoolean(bean.getVMOption("DontCompileHugeMethods").getValue()));
        } catch (RuntimeException | LinkageError e) {
            // Not HotSpot, no such option, or no management module: nothing to advise.
            return Optional.empty();
        }
    }

    /** Logs, once per JVM, that large engine functions will stay interpreted here, and how to fix it. */
    public static void adviseOnce(Optional<Boolean> compilesHugeMethods) {
        if (compilesHugeMethods.orElse(true) || !WARNED.compareAndSet(false, true)) {
            return;
        }
        System.getLogger(JvmFlags.class.getName()).log(System.Logger.Level.WARNING,
                "this JVM never JIT-compiles methods over 8000 bytes of bytecode, so large engine functions run in "
                        + "its interpreter (the bundled deflate engine: 6x slower): run with -XX:-DontCompileHugeMethods "
                        + "(host/bin/hermetic does)");
    }
}
