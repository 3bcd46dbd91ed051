package dev.hermetic.host.internal.wasm.split;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.hermetic.host.Fixtures;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random programs ({@link RandomProgram}) give the same results split (at limits so
 * small that they are cut into many pieces) and unsplit, in Chicory's interpreter and, for
 * some, compiled. {@code -Dhermetic.seed=N} replays a run.
 */
class RandomSplitTest {

    private static final int[][] ARGUMENTS = {{0, 0}, {1, 2}, {-7, 1000}, {123456, -3}, {3, 3}};

    @Test
    void splitProgramsComputeTheSame() {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        int split = 0;
        int pieces = 0;
        for (int program = 0; program < 300; program++) {
            long programSeed = random.nextLong();
            byte[] wasm = RandomProgram.module(programSeed, 20 + random.nextInt(120), random.nextBoolean());
            String what = "program seed " + programSeed + " (run seed " + seed + ")";
            WasmModule original = parse(wasm, what + ", unsplit");
            int limit = 40 + random.nextInt(200);
            FunctionSplitter.Result r = FunctionSplitter.split(wasm, limit, Math.max(8, limit / 2 - random.nextInt(limit / 3)));
            if (r.piecesMade() == 0) {
                continue;
            }
            split++;
            pieces += r.piecesMade();
            WasmModule cut = parse(r.wasm(), what + ", split");
            int functions = cut.functionSection().functionCount();
            for (int k = functions - r.piecesMade(); k < functions; k++) {
                assertThat(cut.typeSection().getType(cut.functionSection().getFunctionType(k)).params().size())
                        .as("%s, parameters of piece %d", what, k).isLessThanOrEqualTo(Outliner.MAX_PARAMS);
            }
            // Chicory's compiler fails on some shapes of dead code (try_table after a branch):
            // compile the split module only where the original compiles.
            boolean compiled = program % 10 == 0 && compiles(original);
            for (int[] args : ARGUMENTS) {
                assertThat(call(cut, args, compiled)).as("%s, run(%d, %d)", what, args[0], args[1])
                        .isEqualTo(call(original, args, compiled));
            }
        }
        assertThat(split).as("programs split").isGreaterThan(150);
        assertThat(pieces).as("pieces made").isGreaterThan(3 * split);
    }

    private static WasmModule parse(byte[] wasm, String what) {
        try {
            return Parser.builder().withValidation(true).build().parse(() -> new ByteArrayInputStream(wasm));
        } catch (RuntimeException e) {
            throw new AssertionError(what + " is invalid: " + e, e);
        }
    }

    private static boolean compiles(WasmModule module) {
        try {
            MachineFactoryCompiler.compile(module);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The result of {@code run(args)} on a fresh instance, or the kind of trap. */
    private static String call(WasmModule module, int[] args, boolean compiled) {
        Instance.Builder b = Instance.builder(module);
        if (compiled) {
            b.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        Instance instance = b.build();
        try {
            long[] result = instance.export("run").apply(args[0], args[1]);
            List<Long> memory = new ArrayList<>();
            for (int i = 0; i < 1024; i += 4) {
                memory.add((long) instance.memory().readInt(i));
            }
            return "returned " + result[0] + ", memory hash " + memory.hashCode();
        } catch (RuntimeException e) {
            return "trapped " + e.getClass().getSimpleName();
        }
    }
}
