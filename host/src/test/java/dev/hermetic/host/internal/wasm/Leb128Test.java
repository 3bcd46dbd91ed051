package dev.hermetic.host.internal.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.host.Fixtures;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LEB128 as WasmWriter writes and WasmReader reads it, against the spec's encodings and limits. */
class Leb128Test {

    private static WasmReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new WasmReader(b);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void knownEncodings() throws Exception {
        assertThat(new WasmWriter().u32(624485).toByteArray()).isEqualTo(bytes(0xe5, 0x8e, 0x26));
        assertThat(new WasmWriter().s64(-123456).toByteArray()).isEqualTo(bytes(0xc0, 0xbb, 0x78));
        assertThat(new WasmWriter().s32(63).toByteArray()).isEqualTo(bytes(0x3f));
        assertThat(new WasmWriter().s32(64).toByteArray()).isEqualTo(bytes(0xc0, 0x00));
        assertThat(new WasmWriter().s32(-64).toByteArray()).isEqualTo(bytes(0x40));
        assertThat(new WasmWriter().s32(-65).toByteArray()).isEqualTo(bytes(0xbf, 0x7f));
        assertThat(new WasmWriter().u32(0xffff_ffffL).toByteArray()).isEqualTo(bytes(0xff, 0xff, 0xff, 0xff, 0x0f));
        assertThat(reader(0xe5, 0x8e, 0x26).u32()).isEqualTo(624485);
        assertThat(reader(0xc0, 0xbb, 0x78).s32()).isEqualTo(-123456);
        // Padded (non-minimal) encodings within the length limit are valid.
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x00).u32()).isZero();
        assertThat(reader(0xff, 0xff, 0xff, 0xff, 0x7f).s32()).isEqualTo(-1);
        assertThat(reader(0xff, 0xff, 0xff, 0xff, 0x07).s32()).isEqualTo(Integer.MAX_VALUE);
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x78).s32()).isEqualTo(Integer.MIN_VALUE);
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).s64()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void tooLongOrTooLargeIsMalformed() throws Exception {
        assertThatThrownBy(() -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32())
                .isInstanceOf(MalformedModuleException.class);
        assertThatThrownBy(() -> reader(0xff, 0xff, 0xff, 0xff, 0x1f).u32()).isInstanceOf(MalformedModuleException.class);
        assertThatThrownBy(() -> reader(0xff, 0xff, 0xff, 0xff, 0x0f).s32()).isInstanceOf(MalformedModuleException.class);
        assertThatThrownBy(() -> reader(0x80, 0x80, 0x80, 0x80, 0x70).s32()).isInstanceOf(MalformedModuleException.class);
        assertThatThrownBy(() -> reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).s64())
                .isInstanceOf(MalformedModuleException.class);
        assertThatThrownBy(() -> reader(0x80, 0x80).u32()).isInstanceOf(MalformedModuleException.class)
                .hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> reader(0xff, 0xff, 0xff, 0xff, 0x0f).index())
                .isInstanceOf(MalformedModuleException.class).hasMessageContaining("too large");
        assertThatThrownBy(() -> reader(3, 'a', 'b').name()).isInstanceOf(MalformedModuleException.class);
        assertThatThrownBy(() -> reader(2, 0xc3, 0x28).name()).isInstanceOf(MalformedModuleException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void randomValuesRoundTrip() throws Exception {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            int bits = 1 + random.nextInt(64);
            long v = random.nextLong() >> (64 - bits);
            WasmWriter out = new WasmWriter();
            out.s64(v).s32((int) v).u32(v & 0xffff_ffffL);
            WasmReader in = new WasmReader(out.toByteArray());
            assertThat(in.s64()).as("seed %d", seed).isEqualTo(v);
            assertThat(in.s32()).as("seed %d", seed).isEqualTo((int) v);
            assertThat(in.u32()).as("seed %d", seed).isEqualTo(v & 0xffff_ffffL);
            assertThat(in.atEnd()).isTrue();
        }
    }
}
