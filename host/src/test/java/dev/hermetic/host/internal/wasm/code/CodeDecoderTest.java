package dev.hermetic.host.internal.wasm.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.host.internal.wasm.Sections;
import dev.hermetic.host.internal.wasm.WasmWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The instruction decoder and encoder against every bundled engine and WAT fixture, and malformed bodies. */
public class CodeDecoderTest {

    private static final CodeDecoder DECODER = new CodeDecoder();

    /** Every module the repository ships: bundled engines and compiled WAT fixtures, by name. */
    public static Map<String, byte[]> modules() {
        Map<String, byte[]> modules = new LinkedHashMap<>();
        for (String name : Engines.names()) {
            modules.put(name, Engines.bytes(name));
        }
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/wat"))) {
            files.filter(p -> p.toString().endsWith(".wasm")).sorted().forEach(p -> {
                String name = p.getFileName().toString().replace(".wasm", "");
                modules.put("wat/" + name, Fixtures.wasm(name));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return modules;
    }

    /** The code section payload of {@code wasm}, or an empty one. */
    static byte[] code(byte[] wasm) {
        return Sections.parse(wasm).stream().filter(s -> s.id() == Sections.CODE)
                .map(Sections.Section::payload).findFirst().orElse(new byte[] {0});
    }

    @Test
    void everyShippedFunctionDecodesAndEncodesByteForByte() {
        int functions = 0;
        long instructions = 0;
        for (var e : modules().entrySet()) {
            byte[] code = code(e.getValue());
            for (CodeSection.Body body : CodeSection.bodies(code, 0, code.length)) {
                FunctionBody decoded = DECODER.decode(code, body.start(), body.end());
                WasmWriter out = new WasmWriter();
                CodeEncoder.encode(decoded, out);
                assertThat(out.toByteArray())
                        .as("%s function body %d", e.getKey(), body.index())
                        .isEqualTo(Arrays.copyOfRange(code, body.start(), body.end()));
                assertThat(decoded.instructions().get(decoded.instructions().size() - 1).opcode()).isEqualTo(Opcode.END);
                functions++;
                instructions += decoded.instructions().size();
            }
        }
        assertThat(functions).isGreaterThan(1000);
        assertThat(instructions).isGreaterThan(100_000);
    }

    @Test
    void walkSeesTheSameInstructionsAsDecode() {
        byte[] code = code(Engines.bytes("json"));
        for (CodeSection.Body body : CodeSection.bodies(code, 0, code.length)) {
            List<String> walked = new ArrayList<>();
            DECODER.walk(code, body.start(), body.end(), (offset, op, slots, count) ->
                    walked.add(offset + " " + Instruction.of(op, Arrays.copyOf(slots, count))));
            List<String> decoded = DECODER.decode(code, body.start(), body.end()).instructions().stream()
                    .map(i -> i.offset() + " " + Instruction.of(i.opcode(), i.slots())).toList();
            assertThat(walked).isEqualTo(decoded);
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] encode(FunctionBody body) {
        WasmWriter out = new WasmWriter();
        CodeEncoder.encode(body, out);
        return out.toByteArray();
    }

    private static FunctionBody decode(int... body) {
        byte[] b = bytes(body);
        return DECODER.decode(b, 0, b.length);
    }

    @Test
    void immediatesAreSlotsInEncodingOrder() {
        int[] bytes = {
                0x01, 0x02, 0x7f, // 2 locals of i32
                0x02, 0x40, // block
                0x20, 0x81, 0x80, 0x80, 0x80, 0x00, // local.get 1, padded to 5 bytes
                0x0e, 0x02, 0x00, 0x01, 0x00, // br_table 0 1 default 0
                0x0b,
                0xfd, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // v128.const
                0x1a,
                0x28, 0x42, 0x01, 0x10, // i32.load with multi-memory flags: align 2, memory 1, offset 16
                0x1a,
                0x0b};
        FunctionBody body = decode(bytes);
        assertThat(body.locals()).containsExactly(Locals.of(2, -1));
        List<Instruction> code = body.instructions();
        assertThat(code.get(0).opcode()).isEqualTo(Opcode.BLOCK);
        assertThat(code.get(0).slot(0)).isEqualTo(-64);
        assertThat(code.get(1)).isEqualTo(Instruction.of(Opcode.LOCAL_GET, 1));
        assertThat(code.get(1).offset()).isEqualTo(5);
        assertThat(code.get(2).slots()).containsExactly(2, 0, 1, 0);
        assertThat(code.get(4).opcode()).isSameAs(Opcode.V128_CONST);
        assertThat(code.get(4).slot(0)).isEqualTo(0x0807060504030201L);
        assertThat(code.get(6).slots()).containsExactly(0x42, 1, 16);
        assertThat(encode(body)).isEqualTo(bytes(bytes));
    }

    @Test
    void builtInstructionsEncodeShortestAndEditedOnesKeepTheirWidth() {
        WasmWriter out = new WasmWriter();
        CodeEncoder.encode(Instruction.of(Opcode.I32_CONST, -1), out);
        CodeEncoder.encode(Instruction.of(Opcode.MEMORY_COPY, 0, 0), out);
        assertThat(out.toByteArray()).isEqualTo(bytes(0x41, 0x7f, 0xfc, 0x0a, 0x00, 0x00));
        Instruction padded = decode(0x00, 0x10, 0x85, 0x80, 0x80, 0x80, 0x00, 0x0b).instructions().get(0);
        out = new WasmWriter();
        CodeEncoder.encode(padded.withSlot(0, 300), out);
        assertThat(out.toByteArray()).isEqualTo(bytes(0x10, 0xac, 0x82, 0x80, 0x80, 0x00));
        assertThatThrownBy(() -> Instruction.of(Opcode.CALL)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyOpcodeWithZeroImmediatesRoundTrips() {
        for (Opcode op : Opcode.all()) {
            long[] slots = new long[Instruction.slotCount(op, new long[] {0, 0, 0, 0, 0, 0})];
            WasmWriter out = new WasmWriter();
            out.u8(0);
            Instruction instruction = Instruction.of(op, slots);
            CodeEncoder.encode(instruction, out);
            if (op.opensBlock()) {
                out.u8(0x0b);
            }
            out.u8(0x0b);
            byte[] body = out.toByteArray();
            if (op == Opcode.END || op == Opcode.DELEGATE || op == Opcode.ELSE) {
                continue; // these change the nesting, tested elsewhere
            }
            FunctionBody decoded = DECODER.decode(body, 0, body.length);
            assertThat(decoded.instructions().get(0)).as(op.name()).isEqualTo(instruction);
            assertThat(Opcode.named(op.name())).isSameAs(op);
        }
        assertThat(Opcode.all()).hasSizeGreaterThan(500);
    }

    @Test
    void malformedBodiesAreRefusedNamingTheOffset() {
        assertRefused("unknown opcode 0x27", 0x00, 0x27, 0x0b);
        assertRefused("unknown opcode 0xfd 300", 0x00, 0xfd, 0xac, 0x02, 0x0b);
        assertRefused("without its end", 0x00, 0x02, 0x40, 0x0b);
        assertRefused("after the function's final end", 0x00, 0x0b, 0x01);
        assertRefused("u32 LEB128 too long", 0x00, 0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b);
        assertRefused("count 2147483647 exceeds", 0x00, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x0b);
        assertRefused("over the limit of 50000", 0x02, 0x80, 0x80, 0x02, 0x7f, 0x80, 0x80, 0x02, 0x7e, 0x0b);
        assertRefused("is not a value type", 0x01, 0x01, 0x00, 0x0b);
        assertRefused("catch clauses cannot fit", 0x00, 0x1f, 0x40, 0x02, 0x0b, 0x0b);
        assertRefused("delegate outside a try", 0x00, 0x18, 0x00, 0x0b);
        assertRefused("runs past the end", 0x00, 0x44, 0x00, 0x00);
    }

    private static void assertRefused(String message, int... body) {
        assertThatThrownBy(() -> decode(body)).isInstanceOf(MalformedModuleException.class)
                .hasMessageContaining(message).hasMessageContaining("offset");
    }

    @Test
    void seededRandomAndMutatedBodiesEitherRoundTripOrAreRefusedWithATypedError() {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        byte[] code = code(Engines.bytes("regex"));
        List<CodeSection.Body> bodies = CodeSection.bodies(code, 0, code.length);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] body;
            if (round % 4 == 0) {
                body = new byte[random.nextInt(64)];
                random.nextBytes(body);
            } else {
                CodeSection.Body b = bodies.get(random.nextInt(bodies.size()));
                body = Arrays.copyOfRange(code, b.start(), b.end());
                int at = random.nextInt(body.length);
                switch (round % 4) {
                    case 1 -> body = Arrays.copyOf(body, at);
                    case 2 -> body[at] ^= (byte) (1 << random.nextInt(8));
                    default -> {
                        byte[] longer = new byte[body.length + 5];
                        System.arraycopy(body, 0, longer, 0, at);
                        System.arraycopy(bytes(0xff, 0xff, 0xff, 0xff, 0x0f), 0, longer, at, 5);
                        System.arraycopy(body, at, longer, at + 5, body.length - at);
                        body = longer;
                    }
                }
            }
            try {
                FunctionBody decoded = DECODER.decode(body, 0, body.length);
                WasmWriter out = new WasmWriter();
                CodeEncoder.encode(decoded, out);
                assertThat(out.toByteArray()).as("seed %d round %d", seed, round).isEqualTo(body);
            } catch (MalformedModuleException expected) {
                refused++;
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " round " + round + ": " + e, e);
            }
        }
        assertThat(refused).as("seed %d", seed).isGreaterThan(10_000);
    }
}
