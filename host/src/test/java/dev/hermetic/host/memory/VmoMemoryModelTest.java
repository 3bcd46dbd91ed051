package dev.hermetic.host.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.Fixtures;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Model-based: random loads, stores, bulk operations and grows, in and out of bounds, applied to
 * the VMO memory and to Chicory's {@code ByteArrayMemory}; both must agree on every value, every
 * trap message, and the final contents.
 */
class VmoMemoryModelTest {

    private static Object attempt(Function<Memory, Object> op, Memory m) {
        try {
            return op.apply(m);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static int address(Random r, Memory m) {
        long size = (long) m.pages() * Memory.PAGE_SIZE;
        switch (r.nextInt(6)) {
            case 0:
                return (int) (size - 1 - r.nextInt(8)); // straddling the end
            case 1:
                return r.nextInt(); // anywhere, negative included
            case 2:
                return 4096 * r.nextInt(32) - r.nextInt(8); // straddling 4 KiB pages
            default:
                return (int) (r.nextDouble() * size);
        }
    }

    @Test
    void agreesWithByteArrayMemory() throws Exception {
        long seed = Fixtures.seed();
        Random r = new Random(seed);
        for (int round = 0; round < 20; round++) {
            int initial = r.nextInt(3);
            MemoryLimits limits = new MemoryLimits(initial, initial + r.nextInt(4));
            Memory model = new ByteArrayMemory(limits);
            Memory vmo = VmoMemoryFactory.create().apply(limits);
            boolean modelIntact = true;
            for (int step = 0; step < 2000; step++) {
                Function<Memory, Object> op;
                int a = address(r, model);
                int b = address(r, model);
                int len = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(10_000);
                long v = r.nextLong();
                switch (r.nextInt(14)) {
                    case 0: op = m -> m.read(a); break;
                    case 1: op = m -> m.readShort(a); break;
                    case 2: op = m -> m.readInt(a); break;
                    case 3: op = m -> m.readLong(a); break;
                    case 4: op = m -> { m.writeByte(a, (byte) v); return null; }; break;
                    case 5: op = m -> { m.writeShort(a, (short) v); return null; }; break;
                    case 6: op = m -> { m.writeI32(a, (int) v); return null; }; break;
                    case 7: op = m -> { m.writeLong(a, v); return null; }; break;
                    case 8: op = m -> { m.fill((byte) v, a, a + len); return null; }; break;
                    case 9: op = m -> { m.copy(a, b, len); return null; }; break;
                    case 10: op = m -> Arrays.hashCode(m.readBytes(a, len)); break;
                    case 11: {
                        byte[] data = new byte[Math.max(0, Math.min(len, 10_000))];
                        new Random(v).nextBytes(data);
                        op = m -> { m.write(a, data, 0, data.length); return null; };
                        break;
                    }
                    case 12: op = m -> m.grow((int) (v & 1)); break;
                    default: op = m -> m.pages(); break;
                }
                Object expected = attempt(op, model);
                Object actual = attempt(op, vmo);
                if (expected instanceof String s && s.startsWith("ArrayIndexOutOfBoundsException")) {
                    // ByteArrayMemory's bounds check overflows when address + length passes 2^31
                    // and a raw array error escapes; the VMO memory traps as Wasm requires.
                    assertThat(actual).as("seed %d round %d step %d", seed, round, step)
                            .asString().startsWith("WasmRuntimeException: out of bounds memory access");
                    // A fill whose end overflows may have written part of the model before the
                    // error (seed 7866421327901, round 19, step 1149): the model stops being one.
                    modelIntact = false;
                    break;
                }
                String oob = "WasmRuntimeException: out of bounds memory access";
                boolean sumOverflows = (long) a + len > Integer.MAX_VALUE || (long) b + len > Integer.MAX_VALUE;
                if (sumOverflows && expected instanceof String message && message.startsWith(oob)) {
                    // The same overflow lets the model pass copy's check of dest and report src
                    // (seed 10374960852634, round 1, step 24); the VMO memory reports dest. Both
                    // trap before writing anything.
                    assertThat(actual).as("seed %d round %d step %d", seed, round, step)
                            .asString().startsWith(oob);
                    continue;
                }
                assertThat(actual).as("seed %d round %d step %d", seed, round, step).isEqualTo(expected);
            }
            if (!modelIntact) {
                continue;
            }
            int size = model.pages() * Memory.PAGE_SIZE;
            assertThat(vmo.readBytes(0, size)).as("seed %d round %d contents", seed, round)
                    .isEqualTo(model.readBytes(0, size));
        }
    }
}
