package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256EngineTest {

    private static String sha256(byte[] input) {
        ChicoryEngine.FilterResult result = ChicoryEngine.start("sha256").filter(input, 4096);
        assertThat(result.status()).isEqualTo(32);
        return HexFormat.of().formatHex(result.output());
    }

    @Test
    void nistVectors() {
        assertThat(sha256("abc".getBytes(US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(sha256(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(US_ASCII)))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        assertThat(sha256(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").getBytes(US_ASCII)))
                .isEqualTo("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        byte[] million = new byte[1_000_000];
        Arrays.fill(million, (byte) 'a');
        assertThat(sha256(million))
                .isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    @Test
    void agreesWithTheJdkOnRandomInputsOfEveryLengthAroundBlockEdges() throws Exception {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        for (int len = 0; len < 300; len += 1 + random.nextInt(4)) {
            byte[] input = new byte[len];
            random.nextBytes(input);
            assertThat(sha256(input)).as(Seeds.describe(seed) + ", length " + len)
                    .isEqualTo(HexFormat.of().formatHex(jdk.digest(input)));
        }
    }

    @Test
    void tooSmallOutputIsAStatusAndTheEngineStillWorks() {
        ChicoryEngine engine = ChicoryEngine.start("sha256");
        assertThat(engine.filter(new byte[10], 31).status()).isEqualTo(-15);
        assertThat(engine.filter("abc".getBytes(US_ASCII), 32).status()).isEqualTo(32);
    }
}
