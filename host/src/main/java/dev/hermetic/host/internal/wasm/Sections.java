package dev.hermetic.host.internal.wasm;

import java.util.ArrayList;
import java.util.List;

/**
 * A WebAssembly binary split into its sections, and put back together. Parsing checks the
 * header, every section's size, that custom sections have a name, and that the known
 * sections appear at most once each and in the order the spec requires; it does not look
 * inside the other sections.
 */
public final class Sections {

    public static final int CUSTOM = 0;
    public static final int TYPE = 1;
    public static final int IMPORT = 2;
    public static final int FUNCTION = 3;
    public static final int TABLE = 4;
    public static final int MEMORY = 5;
    public static final int GLOBAL = 6;
    public static final int EXPORT = 7;
    public static final int START = 8;
    public static final int ELEMENT = 9;
    public static final int CODE = 10;
    public static final int DATA = 11;
    public static final int DATA_COUNT = 12;
    public static final int TAG = 13;

    /** The module header: {@code \0asm} and version 1. */
    private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

    /** The position of each known section id in the required order (custom sections: 0, anywhere). */
    private static final int[] RANK = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};

    private Sections() {}

    /** The section's position in the order the spec requires; custom sections (0) go anywhere. */
    static int rank(int id) {
        return RANK[id];
    }

    /** Whether {@code id} is a section id this format knows. */
    static boolean known(int id) {
        return id >= 0 && id < RANK.length;
    }

    /** The section's name for messages, e.g. "export". */
    public static String name(int id) {
        return known(id) ? NAMES[id] : "unknown (" + id + ")";
    }

    private static final String[] NAMES = {"custom", "type", "import", "function", "table", "memory", "global",
        "export", "start", "element", "code", "data", "data count", "tag"};

    /**
     * One section.
     *
     * @param id the section id, 0 to 13
     * @param payload the section's contents, without its id and size
     */
    public record Section(int id, byte[] payload) {}

    /** Reads the magic number and version 1, or throws. */
    static void readHeader(WasmReader in) {
        for (byte b : HEADER) {
            if (in.atEnd() || in.u8() != (b & 0xff)) {
                throw new MalformedModuleException("not a valid WebAssembly module: not a WebAssembly 1.0 binary (bad magic number or version)", null);
            }
        }
    }

    /** The sections of {@code wasm}, in file order. */
    public static List<Section> parse(byte[] wasm) {
        WasmReader in = new WasmReader(wasm);
        readHeader(in);
        List<Section> sections = new ArrayList<>();
        int lastRank = 0;
        while (!in.atEnd()) {
            int id = in.u8();
            if (id >= RANK.length) {
                throw in.malformed("unknown section id " + id);
            }
            int size = in.index();
            int start = in.position();
            in.skip(size);
            if (id == CUSTOM) {
                new WasmReader(wasm, start, start + size).name();
            } else {
                if (RANK[id] <= lastRank) {
                    throw new MalformedModuleException("malformed module at offset " + start
                            + ": section " + id + " is duplicated or out of order", null);
                }
                lastRank = RANK[id];
            }
            byte[] payload = new byte[size];
            System.arraycopy(wasm, start, payload, 0, size);
            sections.add(new Section(id, payload));
        }
        return sections;
    }

    /** The binary made of the header and {@code sections}, in list order. */
    public static byte[] encode(List<Section> sections) {
        long size = HEADER.length;
        for (Section s : sections) {
            size += 6L + s.payload().length;
        }
        WasmWriter out = new WasmWriter((int) Math.min(size, Integer.MAX_VALUE - 8));
        out.bytes(HEADER);
        for (Section s : sections) {
            out.u8(s.id());
            out.vector(s.payload(), 0, s.payload().length);
        }
        return out.toByteArray();
    }

    /**
     * Puts {@code section} where its id belongs among {@code sections}: replacing the section
     * with the same id if there is one, else before the first known section that must follow it.
     */
    public static void put(List<Section> sections, Section section) {
        int rank = RANK[section.id()];
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (s.id() == section.id()) {
                sections.set(i, section);
                return;
            }
            if (s.id() != CUSTOM && RANK[s.id()] > rank) {
                sections.add(i, section);
                return;
            }
        }
        sections.add(section);
    }
}
