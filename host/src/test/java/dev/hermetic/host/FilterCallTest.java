package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bytes in, bytes out: the filter call on engines and snapshots, each way it can end. */
class FilterCallTest {
    private final Host host = Host.builder().build();

    @AfterEach
    void close() throws Exception {
        host.close();
    }

    @Test
    void theBundledSha256HashesBytesInOneCall() throws Exception {
        byte[] input = new byte[100_003];
        new Random(16).nextBytes(input);
        FilterResult result = host.load("sha256", Fixtures.engine("sha256")).filter(input);
        assertThat(result).isInstanceOf(FilterResult.Output.class);
        assertThat(result.output()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(input));
        assertThat(result.measurements().duration()).isPositive();
        assertThat(result.measurements().committedBytes()).isPositive();
        assertThat(result.measurements().hookCalls()).isZero();
    }

    @Test
    void aByteBufferIsReadFromItsPositionAndNotMoved() throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap("xxhello".getBytes(StandardCharsets.US_ASCII)).position(2);
        byte[] out = host.load(Fixtures.wasm("filter-copy")).filter(FilterRequest.of(buffer)).output();
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("HELLO");
        assertThat(buffer.position()).isEqualTo(2);
    }

    @Test
    void aSnapshotFiltersOnFreshClones() throws Exception {
        Engine copy = host.load(Fixtures.wasm("filter-copy"));
        try (Snapshot zygote = copy.snapshot()) {
            for (int i = 0; i < 3; i++) {
                assertThat(zygote.filter(("abc" + i).getBytes(StandardCharsets.US_ASCII)).output())
                        .isEqualTo(("ABC" + i).getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void eachEndIsItsOwnCase() throws Exception {
        Engine copy = host.load(Fixtures.wasm("filter-copy"));
        assertThat(copy.filter("!bye".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(FilterResult.Exited.class, e -> assertThat(e.code()).isEqualTo(3));
        FilterResult tooSmall = copy.filter(FilterRequest.of(new byte[10_000]).withOutputCapacity(100));
        // The capacity is rounded up to whole pages: 4096 < 10,000 still refuses.
        assertThat(tooSmall).isInstanceOfSatisfying(FilterResult.Refused.class, r -> assertThat(r.status()).isEqualTo(-15));
        assertThatThrownBy(tooSmall::output).isInstanceOfSatisfying(FilterFailedException.class,
                e -> assertThat(e.result()).isSameAs(tooSmall));

        Limits short_ = Limits.builder().withDeadline(Duration.ofMillis(100)).build();
        FilterResult loop = host.load(Fixtures.wasm("hostile-loop-filter")).filter(FilterRequest.of(new byte[1]).withLimits(short_));
        assertThat(loop).isInstanceOfSatisfying(FilterResult.Killed.class, k -> assertThat(k.reason()).isEqualTo(KillReason.DEADLINE));
        assertThat(loop.measurements().duration()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void anEngineThatIsNotAFilterIsRefusedBeforeItRuns() throws Exception {
        Engine add = host.load(Fixtures.engine("hc-add"));
        assertThatThrownBy(() -> add.filter(new byte[1])).isInstanceOf(ArgumentMismatchException.class);
    }

    @Test
    void requestsAreCheckedWhenMade() throws Exception {
        assertThatThrownBy(() -> FilterRequest.of(new byte[1]).withOutputCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FilterRequest.defaultOutputCapacity(0)).isEqualTo(64 << 10);
        assertThat(FilterRequest.defaultOutputCapacity(1 << 20)).isEqualTo(4 << 20);
    }
}
