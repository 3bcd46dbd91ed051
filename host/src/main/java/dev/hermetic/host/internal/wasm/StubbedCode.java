package dev.hermetic.host.internal.wasm;

import java.util.ArrayList;
import java.util.List;

/**
 * A module with every function body replaced by {@code unreachable}: what a load parses when the
 * functions' code comes from stored JVM classes, so that Chicory's parser, most of a cached
 * load's time, has almost no code to read. Everything else (types, imports, tables, memory,
 * globals, exports, elements, data, custom sections) is kept byte for byte; only a machine
 * whose every function is compiled may run such a module.
 */
public final class StubbedCode {
    /** A body: size 3, no locals, {@code unreachable}, {@code end}. */
    private static final byte[] STUB = {3, 0, 0, 0x0b};

    private StubbedCode() {}

    /** {@code wasm} (valid) with each function body a stub; {@code wasm} itself when it has no code section. */
    public static byte[] of(byte[] wasm) {
        List<Sections.Section> sections = new ArrayList<>(Sections.parse(wasm));
        for (int i = 0; i < sections.size(); i++) {
            Sections.Section s = sections.get(i);
            if (s.id() == Sections.CODE) {
                long count = new WasmReader(s.payload()).u32();
                WasmWriter code = new WasmWriter((int) Math.min(Integer.MAX_VALUE - 8, 5 + count * STUB.length));
                code.u32(count);
                for (long f = 0; f < count; f++) {
                    code.bytes(STUB);
                }
                sections.set(i, new Sections.Section(Sections.CODE, code.toByteArray()));
                return Sections.encode(sections);
            }
        }
        return wasm;
    }
}
