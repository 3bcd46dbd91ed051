package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassifierEngineTest {

    static final String SAMPLE = "The router dropped every TCP packet behind the firewall\n"
            + "Refunded the invoice; payment is on the ledger\n"
            + "Heavy rain and wind-storms in the forecast\n"
            + "The coach said the player scored a late goal\n"
            + "nothing to see here\n"
            + "Bake the garlic soup in the oven, then the dessert\n"
            + "Disk partition full, backup snapshot failed\n"
            + "Leaked password tokens and a malware exploit\n"
            + "The nurse gave a vaccine dose at the clinic\n";

    static final String LABELS =
            "network\nfinance\nweather\nsports\nother\nfood\nstorage\nsecurity\nhealth\n";

    @Test
    void labelsEachLine() {
        ChicoryEngine engine = ChicoryEngine.start("classifier");
        ChicoryEngine.FilterResult result = engine.filter(SAMPLE.getBytes(UTF_8), 4096);
        assertThat(new String(result.output(), UTF_8)).isEqualTo(LABELS);
    }

    @Test
    void initIsOptionalAndDoesNotChangeTheOutput() {
        ChicoryEngine warmed = ChicoryEngine.start("classifier");
        assertThat(warmed.exports("engine_init")).isTrue();
        warmed.call("engine_init");
        assertThat(warmed.filter(SAMPLE.getBytes(UTF_8), 4096).output())
                .isEqualTo(ChicoryEngine.start("classifier").filter(SAMPLE.getBytes(UTF_8), 4096).output());
    }

    @Test
    void tooSmallOutputIsAStatusAndEmptyInputGivesNoLabels() {
        ChicoryEngine engine = ChicoryEngine.start("classifier");
        assertThat(engine.filter(SAMPLE.getBytes(UTF_8), 10).status()).isEqualTo(-15);
        assertThat(engine.filter(new byte[0], 4096).status()).isZero();
        assertThat(engine.filter(new byte[] {(byte) 0xff, 'x'}, 4096).output())
                .isEqualTo("other\n".getBytes(UTF_8));
    }
}
