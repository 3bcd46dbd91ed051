package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No process sees another's memory: a secret planted over 32 MiB by one process, fresh or a
 * clone of a warm snapshot, never appears when other processes grow to 64 MiB and scan every
 * word, sequentially or concurrently, with the snapshot closed while clones run. Compiled
 * mode only: the interpreter scans 64 MiB too slowly for a bounded test.
 */
class CrossProcessScanTest {
    private static final int PLANT = 0;
    private static final int SCAN = 1;
    private static final int PLANT_AND_SCAN = 2;
    /** Words of the secret one planter stores: 32 MiB of 8-byte words. */
    private static final long PLANTED = (32L << 20) / 8;
    private static final Limits LIMITS = Limits.builder().withDeadline(Duration.ofMinutes(1)).build();

    private long secret;

    @BeforeEach
    void pickSecret() throws Exception {
        long seed = Fixtures.seed();
        secret = new Random(seed).nextLong() | 1; // never zero: zero pages must not count as a find
        System.out.println("CrossProcessScanTest seed " + seed);
    }

    private EngineProcess start(EngineProcess p, int op) {
        return p.start(Value.i32(op), Value.i64(secret));
    }

    private static ProcessResult returned(long v) {
        return new ProcessResult.Returned(Optional.of(Value.i64(v)));
    }

    @Test
    void sequentialProcessesAndClonesNeverSeeAnothersSecret() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine engine = host.load(Fixtures.wasm("secret-scan"));
            assertThat(start(engine.newProcess(LIMITS), PLANT_AND_SCAN).await())
                    .as("the scan finds a secret where there is one").isEqualTo(returned(PLANTED));
            assertThat(start(engine.newProcess(LIMITS), PLANT).await()).isEqualTo(returned(0));
            for (int i = 0; i < 3; i++) {
                assertThat(start(engine.newProcess(LIMITS), SCAN).await()).as("fresh scan %d", i).isEqualTo(returned(0));
            }
            try (Snapshot zygote = engine.snapshot()) {
                assertThat(start(zygote.spawn(LIMITS), PLANT).await()).isEqualTo(returned(0));
                for (int i = 0; i < 3; i++) {
                    assertThat(start(zygote.spawn(LIMITS), SCAN).await()).as("clone scan %d", i).isEqualTo(returned(0));
                }
                assertThat(start(engine.newProcess(LIMITS), SCAN).await()).isEqualTo(returned(0));
            }
            assertThat(host.memoryBudget().committedBytes()).as("nothing left charged").isZero();
        }
    }

    @Test
    void concurrentPlantersAndScannersWithTheSnapshotClosedMidRun() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine engine = host.load(Fixtures.wasm("secret-scan"));
            Snapshot zygote = engine.snapshot();
            List<EngineProcess> planters = new ArrayList<>();
            List<EngineProcess> scanners = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                planters.add(start(engine.newProcess(LIMITS), PLANT));
                planters.add(start(zygote.spawn(LIMITS), PLANT));
            }
            for (int i = 0; i < 4; i++) {
                scanners.add(start(zygote.spawn(LIMITS), SCAN));
                scanners.add(start(engine.newProcess(LIMITS), SCAN));
            }
            zygote.close();
            for (EngineProcess p : planters) {
                assertThat(p.await()).isEqualTo(returned(0));
            }
            for (EngineProcess p : scanners) {
                assertThat(p.await()).as("scanner %s", p.origin().isPresent() ? "clone" : "fresh").isEqualTo(returned(0));
            }
            assertThat(start(engine.newProcess(LIMITS), SCAN).await()).isEqualTo(returned(0));
            assertThat(host.memoryBudget().committedBytes()).as("the closed snapshot's pages were given back").isZero();
        }
    }
}
