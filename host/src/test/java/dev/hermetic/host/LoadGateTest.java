package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.host.internal.wasm.WasmWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The checks {@link Host#load} and {@link Host#inspect} run before the module reaches Chicory:
 * counts and lengths against the bytes left, and the maximum module size. Also run with
 * {@code -Xmx256m} (see pom.xml), where a count that Chicory believes allocates gigabytes.
 */
public class LoadGateTest {

    private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

    /** A module of the header and {@code (id, payload)} sections, payloads given as unsigned bytes. */
    static byte[] module(Object... sections) {
        WasmWriter out = new WasmWriter();
        out.bytes(HEADER);
        for (int i = 0; i < sections.length; i += 2) {
            int[] payload = (int[]) sections[i + 1];
            out.u8((Integer) sections[i]);
            out.u32(payload.length);
            for (int b : payload) {
                out.u8(b);
            }
        }
        return out.toByteArray();
    }

    private static int[] concat(int[] a, int... b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static final int[] ONE_TYPE = {0x01, 0x60, 0x00, 0x00};

    /**
     * 50 bytes: one export whose name claims 0x7FFFFFF0 bytes. Chicory's Encoding.readName
     * allocates the whole name before reading it: 2 GiB, an OutOfMemoryError under -Xmx256m.
     */
    public static byte[] hugeExportName() {
        int[] export = {0x01, 0xf0, 0xff, 0xff, 0xff, 0x07};
        int[] pad = new int[28];
        Arrays.fill(pad, 'a');
        byte[] m = module(1, ONE_TYPE, 7, concat(export, pad));
        assertThat(m).hasSize(50);
        return m;
    }

    @Test
    void fiftyByteModuleWithA2GiBExportNameIsRefusedWithoutAllocating() {
        byte[] wasm = hugeExportName();
        try (Host host = Host.builder().build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> host.load(wasm)).isInstanceOf(EngineFormatException.class)
                    .hasMessageContaining("export section at offset 14")
                    .hasMessageContaining("2147483632");
            assertThatThrownBy(() -> host.inspect(wasm)).isInstanceOf(EngineFormatException.class)
                    .hasMessageContaining("export section");
            assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
            // the host keeps working
            assertThat(host.inspect(Fixtures.wasm("filter-copy")).valid()).isTrue();
        }
    }

    @Test
    void everyCountAndLengthIsCheckedAgainstTheBytesLeft() {
        int[] huge = {0xf0, 0xff, 0xff, 0xff, 0x07};
        assertRefused("type section", module(1, concat(huge, 0x60, 0x00, 0x00)));
        assertRefused("type section", module(1, new int[] {0x01, 0x60, 0xf0, 0xff, 0xff, 0xff, 0x07}));
        assertRefused("import section", module(2, concat(huge, 0x00)));
        assertRefused("import section", module(2, concat(new int[] {0x01}, huge)));
        assertRefused("function section", module(1, ONE_TYPE, 3, concat(huge, 0x00)));
        assertRefused("table section", module(4, concat(huge, 0x70, 0x00, 0x00)));
        assertRefused("memory section", module(5, concat(huge, 0x00, 0x00)));
        assertRefused("global section", module(6, concat(huge, 0x7f, 0x00, 0x41, 0x00, 0x0b)));
        assertRefused("export section", module(7, concat(huge, 0x00)));
        assertRefused("element section", module(9, concat(huge, 0x00)));
        assertRefused("element section", module(9, concat(new int[] {0x01, 0x00, 0x41, 0x00, 0x0b}, huge)));
        assertRefused("data section", module(11, concat(huge, 0x00)));
        assertRefused("data section", module(5, new int[] {0x01, 0x00, 0x01},
                11, concat(new int[] {0x01, 0x00, 0x41, 0x00, 0x0b}, huge)));
        assertRefused("data section", module(12, new int[] {0x02}, 11, new int[] {0x01, 0x01, 0x00}));
        assertRefused("code section", module(1, ONE_TYPE, 3, new int[] {0x01, 0x00}, 10, concat(huge, 0x00)));
        // 0xFFFFFFF0 locals of i32 in a 10-byte body
        assertRefused("function 0", module(1, ONE_TYPE, 3, new int[] {0x01, 0x00},
                10, new int[] {0x01, 0x08, 0x01, 0xf0, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b}));
        assertRefused("code section", module(1, ONE_TYPE, 3, new int[] {0x01, 0x00},
                10, new int[] {0x01, 0x04, 0x00, 0x0e, 0xff, 0x0f}));
        assertRefused("custom section", module(0, concat(huge, 'n')));
        // a name section naming function 0 with a 2 GiB name
        assertRefused("custom section", module(0, concat(new int[] {0x04, 'n', 'a', 'm', 'e', 0x01, 0x07, 0x01, 0x00}, huge)));
        assertRefused("section size", concat2(HEADER, 0x01, 0xf0, 0xff, 0xff, 0xff, 0x07));
    }

    private static byte[] concat2(byte[] a, int... b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        for (int i = 0; i < b.length; i++) {
            c[a.length + i] = (byte) b[i];
        }
        return c;
    }

    private static void assertRefused(String where, byte[] wasm) {
        try (Host host = Host.builder().build()) {
            assertThatThrownBy(() -> host.inspect(wasm)).as(where).isInstanceOf(EngineFormatException.class)
                    .hasMessageContaining(where).hasMessageContaining("offset");
            assertThatThrownBy(() -> host.load(wasm)).as(where).isInstanceOf(EngineFormatException.class);
        }
    }

    @Test
    void modulesOverTheMaximumSizeAreRefusedBeforeTheyAreRead() {
        byte[] engine = Fixtures.engine("json");
        try (Host host = Host.builder().withMaxModuleBytes(engine.length - 1).build()) {
            assertThat(host.maxModuleBytes()).isEqualTo(engine.length - 1);
            assertThatThrownBy(() -> host.load(engine)).isInstanceOf(EngineRefusedException.class)
                    .hasMessageContaining(engine.length + " bytes, over this host's maximum module size of " + (engine.length - 1));
            assertThatThrownBy(() -> host.inspect(engine)).isInstanceOf(EngineRefusedException.class);
        }
        try (Host host = Host.builder().withMaxModuleBytes(engine.length).build()) {
            assertThat(host.load(engine).info().valid()).isTrue();
        }
        try (Host host = Host.builder().build()) {
            assertThat(host.maxModuleBytes()).isEqualTo(64L << 20);
        }
        assertThatThrownBy(() -> Host.builder().withMaxModuleBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
