package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deadline timer's queue holds only the deadlines of processes still running. */
class DeadlineTimerTest {
    @Test
    void aProcessThatEndsTakesItsDeadlineOutOfTheQueue() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            Limits longDeadline = Limits.builder().withDeadline(Duration.ofHours(1)).build();
            for (int i = 0; i < 2_000; i++) {
                assertThat(add.newProcess(longDeadline).start(Value.i32(i), Value.i32(1)).await())
                        .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(i + 1))));
            }
            assertThat(host.pendingTimerTasks()).isZero();
        }
    }
}
