package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class DeflateEngineTest {

    static byte[] withMode(char mode, byte[] data) {
        byte[] input = new byte[data.length + 1];
        input[0] = (byte) mode;
        System.arraycopy(data, 0, input, 1, data.length);
        return input;
    }

    private static ChicoryEngine.FilterResult run(char mode, byte[] data, int cap) {
        return ChicoryEngine.start("deflate").filter(withMode(mode, data), cap);
    }

    static byte[] jdkDeflate(byte[] data) {
        Deflater deflater = new Deflater(6);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static byte[] jdkInflate(byte[] zlib) throws DataFormatException {
        Inflater inflater = new Inflater();
        inflater.setInput(zlib);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (!inflater.finished()) {
            int n = inflater.inflate(chunk);
            if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                throw new DataFormatException("truncated");
            }
            out.write(chunk, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }

    @Test
    void inflatesAKnownZlibStream() throws DataFormatException {
        // zlib.compress(b"hello, hello, hello") from the zlib reference implementation.
        byte[] known = {0x78, (byte) 0x9c, (byte) 0xcb, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9,
                (byte) 0xd7, 0x51, (byte) 0xc8, 0x40, (byte) 0xa2, 0x00, 0x44, 0x28, 0x06, (byte) 0xd5};
        assertThat(jdkInflate(known)).isEqualTo("hello, hello, hello".getBytes(UTF_8));
        ChicoryEngine.FilterResult result = run('d', known, 4096);
        assertThat(new String(result.output(), UTF_8)).isEqualTo("hello, hello, hello");
    }

    @Test
    void roundTripsAndInteroperatesWithTheJdkOnRandomData() throws DataFormatException {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            byte[] data = new byte[random.nextInt(50_000)];
            int alphabet = 1 + random.nextInt(255);
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) random.nextInt(alphabet);
            }
            ChicoryEngine.FilterResult compressed = run('c', data, 1 << 17);
            assertThat(compressed.status()).as(Seeds.describe(seed)).isPositive();
            assertThat(jdkInflate(compressed.output())).as(Seeds.describe(seed)).isEqualTo(data);
            assertThat(run('d', compressed.output(), data.length).output())
                    .as(Seeds.describe(seed)).isEqualTo(data);
            assertThat(run('d', jdkDeflate(data), data.length).output())
                    .as(Seeds.describe(seed)).isEqualTo(data);
        }
    }

    @Test
    void badInputIsAStatusAndTheEngineKeepsWorking() {
        ChicoryEngine engine = ChicoryEngine.start("deflate");
        byte[] bomb = jdkDeflate(new byte[1 << 20]);
        assertThat(engine.filter(new byte[0], 4096).status()).isEqualTo(-10);
        assertThat(engine.filter(withMode('x', new byte[3]), 4096).status()).isEqualTo(-10);
        assertThat(engine.filter(withMode('d', "not zlib".getBytes(UTF_8)), 4096).status()).isEqualTo(-42);
        assertThat(engine.filter(withMode('d', Arrays.copyOf(bomb, bomb.length / 2)), 1 << 21).status())
                .isEqualTo(-42);
        assertThat(engine.filter(withMode('d', bomb), 4096).status()).isEqualTo(-15);
        assertThat(engine.filter(withMode('d', bomb), 1 << 20).status()).isEqualTo(1 << 20);
    }
}
