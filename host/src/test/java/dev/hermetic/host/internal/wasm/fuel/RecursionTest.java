package dev.hermetic.host.internal.wasm.fuel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.host.internal.wasm.code.FunctionBody;
import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecursionTest {
    private static final int IMPORTS = 3;

    @Test
    void aFunctionIsOnACycleExactlyWhenItCanReachItself() {
        Random random = new Random(20261203);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(40);
            boolean[][] calls = new boolean[n][n];
            boolean[] indirect = new boolean[n];
            List<FunctionBody> bodies = new ArrayList<>();
            for (int f = 0; f < n; f++) {
                List<Instruction> code = new ArrayList<>();
                int edges = random.nextInt(4);
                for (int e = 0; e < edges; e++) {
                    int target = random.nextInt(n);
                    calls[f][target] = true;
                    code.add(Instruction.of(random.nextBoolean() ? Opcode.CALL : Opcode.RETURN_CALL, IMPORTS + target));
                }
                if (random.nextInt(10) == 0) {
                    code.add(Instruction.of(Opcode.CALL, random.nextInt(IMPORTS)));
                }
                if (random.nextInt(15) == 0) {
                    indirect[f] = true;
                    code.add(Instruction.of(Opcode.CALL_INDIRECT, 0, 0));
                }
                code.add(Instruction.of(Opcode.END));
                bodies.add(new FunctionBody(List.of(), code));
            }
            boolean[] expected = bruteForce(calls, indirect);
            assertThat(Recursion.onCycle(bodies, IMPORTS)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void aChainWithoutIndirectCallsIsOffEveryCycleAndACallToAnImportAddsNone() {
        // 0 -> 1 -> 2, 2 calls import 0: nothing re-enters.
        List<FunctionBody> bodies = List.of(
                body(Instruction.of(Opcode.CALL, IMPORTS + 1)),
                body(Instruction.of(Opcode.CALL, IMPORTS + 2)),
                body(Instruction.of(Opcode.CALL, 0)));
        assertThat(Recursion.onCycle(bodies, IMPORTS)).containsExactly(false, false, false);
        // An indirect call in 2 may reach 0: the whole chain is a cycle.
        List<FunctionBody> indirect = List.of(
                body(Instruction.of(Opcode.CALL, IMPORTS + 1)),
                body(Instruction.of(Opcode.CALL, IMPORTS + 2)),
                body(Instruction.of(Opcode.CALL_INDIRECT, 0, 0)));
        assertThat(Recursion.onCycle(indirect, IMPORTS)).containsExactly(true, true, true);
    }

    private static FunctionBody body(Instruction call) {
        return new FunctionBody(List.of(), List.of(call, Instruction.of(Opcode.END)));
    }

    /** Whether each function reaches itself in one or more calls, an indirect call reaching every function. */
    private static boolean[] bruteForce(boolean[][] calls, boolean[] indirect) {
        int n = calls.length;
        boolean[][] reach = new boolean[n][n];
        for (int f = 0; f < n; f++) {
            for (int g = 0; g < n; g++) {
                reach[f][g] = calls[f][g] || indirect[f];
            }
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    reach[i][j] |= reach[i][k] && reach[k][j];
                }
            }
        }
        boolean[] result = new boolean[n];
        for (int f = 0; f < n; f++) {
            result[f] = reach[f][f];
        }
        return result;
    }
}
