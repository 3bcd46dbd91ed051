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
 * @param localsCountWidth the bytes the number of declarations took, 0 meaning as short as
 *     possible
 */
public record FunctionBody(List<Locals> locals, List<Instruction> instructions, int localsCountWidth) {
    public FunctionBody {
        locals = List.copyOf(locals);
        instructions = List.copyOf(instructions);
    }

    /** A body whose numbers are all encoded as short as possible. */
    public FunctionBody(List<Locals> locals, List<Instruction> instructions) {
        this(locals, instructions, 0);
    }

    /** The number of locals declared, not counting parameters. */
    public long localCount() {
        return locals.stream().mapToLong(Locals::count).sum();
    }
}
