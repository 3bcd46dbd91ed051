package dev.hermetic.host.internal.wasm.code;

import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.host.internal.wasm.WasmReader;
import java.util.ArrayList;
import java.util.List;

/** The function bodies of a code section payload, located but not decoded. */
public final class CodeSection {

    private CodeSection() {}

    /**
     * Where one function body lies.
     *
     * @param index the body's position in the code section (the function index less the
     *     imported functions)
     * @param start the body's first byte (its local declarations), after its size
     * @param end one past its last byte; {@code start <= end}
     */
    public record Body(int index, int start, int end) {}

    /**
     * The bodies of the code section {@code bytes[start, end)}, each size checked against the
     * bytes that remain and the section fully consumed.
     *
     * @throws MalformedModuleException if a count or size runs past the section
     */
    public static List<Body> bodies(byte[] bytes, int start, int end) {
        WasmReader in = new WasmReader(bytes, start, end);
        int n = in.count();
        List<Body> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int size = in.index();
            int bodyStart = in.position();
            in.skip(size);
            bodies.add(new Body(i, bodyStart, bodyStart + size));
        }
        if (!in.atEnd()) {
            throw in.malformed(in.remaining() + " byte(s) after the last function body");
        }
        return bodies;
    }
}
