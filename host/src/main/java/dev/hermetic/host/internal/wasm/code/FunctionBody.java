package dev.hermetic.host.internal.wasm.code;

import java.util.List;

/**
 * A decoded function body: its local declarations and its instructions, through the final
 * {@code end}. {@link CodeEncoder#encode(FunctionBody, dev.hermetic.host.internal.wasm.WasmWriter)}
 * writes it back; a body decoded by {@link CodeDecoder#decode} and not changed encodes to the
 * same bytes.
 *
 * @param locals the local declarations in order (unmodifiable)
 * @param instructions every instruction in order, the last one the {@code end} closing the
 *     function (unmodifiable)
 */
public record FunctionBody(List<Locals> locals, List<Instruction> instructions) {
    public FunctionBody {
        locals = List.copyOf(locals);
        instructions = List.copyOf(instructions);
    }

    /** The number of locals declared, not counting parameters. */
    public long localCount() {
        return locals.stream().mapToLong(Locals::count).sum();
    }
}
