/**
 * WebAssembly instructions: the opcode table, a decoder for function bodies and an encoder that
 * writes them back.
 *
 * <ul>
 *   <li>{@link dev.hermetic.host.internal.wasm.code.Opcode}: every instruction the binary format
 *       defines, with its {@link dev.hermetic.host.internal.wasm.code.Immediate immediates} and
 *       {@link dev.hermetic.host.internal.wasm.code.Proposal proposal}.
 *   <li>{@link dev.hermetic.host.internal.wasm.code.CodeSection#bodies}: where each body of a
 *       code section lies.
 *   <li>{@link dev.hermetic.host.internal.wasm.code.CodeDecoder}: a body to a
 *       {@link dev.hermetic.host.internal.wasm.code.FunctionBody} of
 *       {@link dev.hermetic.host.internal.wasm.code.Instruction} records, or streamed to a
 *       visitor; malformed input is a
 *       {@link dev.hermetic.host.internal.wasm.MalformedModuleException}.
 *   <li>{@link dev.hermetic.host.internal.wasm.code.CodeEncoder}: records back to bytes, the
 *       same bytes for an unchanged body.
 * </ul>
 *
 * <pre>{@code
 * byte[] code = ...; // a code section's payload
 * for (CodeSection.Body b : CodeSection.bodies(code, 0, code.length)) {
 *     FunctionBody body = new CodeDecoder().decode(code, b.start(), b.end());
 *     // rewrite: e.g. Instruction.of(Opcode.LOCAL_GET, 3), or i.withSlot(0, newIndex)
 *     WasmWriter out = new WasmWriter();
 *     CodeEncoder.encode(body, out); // then out.toByteArray(), prefixed by its size
 * }
 * }</pre>
 */
package dev.hermetic.host.internal.wasm.code;
