package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine cache is bounded in entries and bytes; a closed engine starts nothing new and lets running processes finish. */
class EngineCacheTest {
    private static final ProcessResult FORTY = new ProcessResult.Returned(Optional.of(Value.i32(40)));

    /** hc-add with a custom section naming {@code n}: a distinct module (and SHA-256) that runs the same. */
    static byte[] distinctAdd(int n) {
        byte[] name = ("n" + n).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Fixtures.engine("hc-add"));
        out.write(0);
        out.write(name.length + 1);
        out.write(name.length);
        out.writeBytes(name);
        return out.toByteArray();
    }

    @Test
    void theLeastRecentlyUsedEngineLeavesFirst() throws Exception {
        try (Host host = Host.builder().withEngineCache(3, Long.MAX_VALUE).build()) {
            Engine first = host.load(distinctAdd(0));
            Engine second = host.load(distinctAdd(1));
            host.load(distinctAdd(2));
            assertThat(host.load(distinctAdd(0))).as("a hit makes it recent").isSameAs(first);
            host.load(distinctAdd(3));
            assertThat(host.cachedEngines()).isEqualTo(3);
            assertThat(host.load(distinctAdd(0))).isSameAs(first);
            assertThat(host.load(distinctAdd(1))).as("evicted, compiled again").isNotSameAs(second);
            // An evicted engine keeps working for whoever holds it.
            assertThat(second.newProcess().start(Value.i32(17), Value.i32(23)).await()).isEqualTo(FORTY);
        }
    }

    @Test
    void theCacheIsBoundedInBytes() throws Exception {
        long weight;
        try (Host probe = Host.builder().build()) {
            weight = probe.load(distinctAdd(0)).weightBytes();
        }
        try (Host host = Host.builder().withEngineCache(1_000, 2 * weight + weight / 2).build()) {
            for (int i = 0; i < 10; i++) {
                host.load(distinctAdd(i));
            }
            assertThat(host.cachedEngines()).isEqualTo(2);
        }
    }

    @Test
    void evictedEnginesAreGarbage() throws Exception {
        try (Host host = Host.builder().withEngineCache(4, Long.MAX_VALUE).build()) {
            List<WeakReference<Engine>> evicted = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Engine e = host.load(distinctAdd(i));
                assertThat(e.newProcess().start(Value.i32(17), Value.i32(23)).await()).isEqualTo(FORTY);
                if (i < 36) {
                    evicted.add(new WeakReference<>(e));
                }
            }
            for (int i = 0; i < 100 && evicted.stream().anyMatch(w -> w.get() != null); i++) {
                System.gc();
            }
            assertThat(evicted).allMatch(w -> w.get() == null);
            assertThat(host.cachedEngines()).isEqualTo(4);
        }
    }

    @Test
    void aClosedEngineRefusesNewProcessesWhileRunningOnesFinish() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            EngineProcess running = loop.newProcess(Limits.builder().withDeadline(Duration.ofMinutes(5)).build()).start();
            Engine add = host.load(Fixtures.engine("hc-add"));
            Snapshot zygote = add.snapshot();
            host.unload(loop);
            add.close();
            assertThat(loop.isClosed()).isTrue();
            assertThatThrownBy(loop::newProcess).isInstanceOf(EngineClosedException.class).hasMessageContaining("closed");
            assertThatThrownBy(add::snapshot).isInstanceOf(EngineClosedException.class);
            assertThatThrownBy(zygote::spawn).isInstanceOf(EngineClosedException.class);
            zygote.close();
            assertThat(running.isAlive()).isTrue();
            running.kill();
            assertThat(running.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            // The bytes load again as a new, open engine.
            Engine again = host.load(Fixtures.engine("hc-add"));
            assertThat(again).isNotSameAs(add);
            assertThat(again.newProcess().start(Value.i32(17), Value.i32(23)).await()).isEqualTo(FORTY);
        }
    }
}
