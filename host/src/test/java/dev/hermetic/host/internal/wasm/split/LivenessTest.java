package dev.hermetic.host.internal.wasm.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written bodies whose live sets are known, point by point. */
class LivenessTest {

    private static final long EMPTY = -64;

    private static Instruction i(Opcode op, long... slots) {
        return Instruction.of(op, slots);
    }

    private static BitSet set(int... xs) {
        BitSet b = new BitSet();
        for (int x : xs) {
            b.set(x);
        }
        return b;
    }

    @Test
    void straightLineReadsAndWrites() {
        Liveness l = Liveness.of(List.of(
                i(Opcode.LOCAL_GET, 0), // 0
                i(Opcode.LOCAL_SET, 1), // 1
                i(Opcode.LOCAL_GET, 1), // 2
                i(Opcode.LOCAL_GET, 2), // 3
                i(Opcode.DROP), // 4
                i(Opcode.DROP), // 5
                i(Opcode.END)), 3);
        assertThat(l.before(0)).isEqualTo(set(0, 2));
        assertThat(l.before(1)).isEqualTo(set(2));
        assertThat(l.before(2)).isEqualTo(set(1, 2));
        assertThat(l.before(4)).isEqualTo(set());
        assertThat(l.before(6)).isEqualTo(set());
    }

    @Test
    void aLocalWrittenAfterItsReadIsLiveAroundTheBackEdge() {
        Liveness l = Liveness.of(List.of(
                i(Opcode.LOOP, EMPTY, 0), // 0
                i(Opcode.LOCAL_GET, 0), // 1: x read ...
                i(Opcode.LOCAL_SET, 1), // 2
                i(Opcode.LOCAL_GET, 1), // 3
                i(Opcode.LOCAL_SET, 0), // 4: ... then written, for the next iteration
                i(Opcode.LOCAL_GET, 2), // 5
                i(Opcode.BR_IF, 0), // 6: the back-edge
                i(Opcode.END), // 7
                i(Opcode.LOCAL_GET, 1), // 8
                i(Opcode.DROP), // 9
                i(Opcode.END)), 3);
        assertThat(l.label(0)).isEqualTo(set(0, 2));
        assertThat(l.before(0)).isEqualTo(set(0, 2));
        // Local 0 is read after 4 only by the next iteration.
        assertThat(l.before(5)).isEqualTo(set(0, 1, 2));
        assertThat(l.before(6)).isEqualTo(set(0, 1, 2));
        assertThat(l.before(4)).isEqualTo(set(1, 2));
        assertThat(l.before(2)).isEqualTo(set(2));
        assertThat(l.before(7)).isEqualTo(set(1));
    }

    @Test
    void nestedLoopsReachTheFixpoint() {
        // Local 3 is read at the top of the outer loop and written only at the bottom of the
        // inner one: it is live through both loops.
        Liveness l = Liveness.of(List.of(
                i(Opcode.LOOP, EMPTY, 0), // 0
                i(Opcode.LOCAL_GET, 3), // 1
                i(Opcode.DROP), // 2
                i(Opcode.LOOP, EMPTY, 0), // 3
                i(Opcode.LOCAL_GET, 0), // 4
                i(Opcode.BR_IF, 0), // 5: inner back-edge
                i(Opcode.I32_CONST, 1), // 6
                i(Opcode.LOCAL_SET, 3), // 7
                i(Opcode.LOCAL_GET, 1), // 8
                i(Opcode.BR_IF, 1), // 9: outer back-edge
                i(Opcode.END), // 10
                i(Opcode.END), // 11
                i(Opcode.END)), 4);
        assertThat(l.label(0)).isEqualTo(set(0, 1, 3));
        assertThat(l.label(3)).isEqualTo(set(0, 1));
        assertThat(l.before(8)).isEqualTo(set(0, 1, 3));
        assertThat(l.before(7)).isEqualTo(set(0, 1));
        assertThat(l.before(10)).isEqualTo(set());
    }

    @Test
    void aBranchOutOfABlockTakesTheLiveSetAfterIt() {
        Liveness l = Liveness.of(List.of(
                i(Opcode.BLOCK, EMPTY, 0), // 0
                i(Opcode.LOCAL_GET, 2), // 1
                i(Opcode.BR_IF, 0), // 2: out, local 0 unwritten
                i(Opcode.I32_CONST, 5), // 3
                i(Opcode.LOCAL_SET, 0), // 4
                i(Opcode.BR, 0), // 5
                i(Opcode.LOCAL_GET, 1), // 6: dead
                i(Opcode.DROP), // 7
                i(Opcode.END), // 8
                i(Opcode.LOCAL_GET, 0), // 9
                i(Opcode.DROP), // 10
                i(Opcode.END)), 3);
        assertThat(l.label(0)).isEqualTo(set(0));
        assertThat(l.before(9)).isEqualTo(set(0));
        assertThat(l.before(5)).isEqualTo(set(0));
        assertThat(l.before(3)).isEqualTo(set());
        assertThat(l.before(2)).isEqualTo(set(0));
        assertThat(l.before(0)).isEqualTo(set(0, 2));
    }

    @Test
    void bothArmsOfAnIfMustWriteALocalToKillIt() {
        List<Instruction> withElse = List.of(
                i(Opcode.LOCAL_GET, 0), // 0
                i(Opcode.IF, EMPTY, 0), // 1
                i(Opcode.I32_CONST, 1), // 2
                i(Opcode.LOCAL_SET, 1), // 3
                i(Opcode.ELSE), // 4
                i(Opcode.LOCAL_GET, 2), // 5
                i(Opcode.LOCAL_SET, 1), // 6
                i(Opcode.END), // 7
                i(Opcode.LOCAL_GET, 1), // 8
                i(Opcode.DROP), // 9
                i(Opcode.END));
        Liveness l = Liveness.of(withElse, 3);
        assertThat(l.before(0)).isEqualTo(set(0, 2));
        assertThat(l.before(4)).isEqualTo(set(1));
        assertThat(l.before(7)).isEqualTo(set(1));
        List<Instruction> withoutElse = List.of(
                i(Opcode.LOCAL_GET, 0), // 0
                i(Opcode.IF, EMPTY, 0), // 1
                i(Opcode.I32_CONST, 1), // 2
                i(Opcode.LOCAL_SET, 1), // 3
                i(Opcode.END), // 4
                i(Opcode.LOCAL_GET, 1), // 5
                i(Opcode.DROP), // 6
                i(Opcode.END));
        assertThat(Liveness.of(withoutElse, 3).before(0)).isEqualTo(set(0, 1));
    }

    @Test
    void returnAndUnreachableEndLiveness() {
        Liveness l = Liveness.of(List.of(
                i(Opcode.LOCAL_GET, 0), // 0
                i(Opcode.IF, EMPTY, 0), // 1
                i(Opcode.LOCAL_GET, 1), // 2
                i(Opcode.RETURN), // 3
                i(Opcode.END), // 4
                i(Opcode.LOCAL_GET, 2), // 5
                i(Opcode.IF, EMPTY, 0), // 6
                i(Opcode.UNREACHABLE), // 7
                i(Opcode.END), // 8
                i(Opcode.LOCAL_GET, 3), // 9
                i(Opcode.END)), 4);
        assertThat(l.before(3)).isEqualTo(set());
        assertThat(l.before(2)).isEqualTo(set(1));
        assertThat(l.before(7)).isEqualTo(set());
        assertThat(l.before(6)).isEqualTo(set(3));
        assertThat(l.before(0)).isEqualTo(set(0, 1, 2, 3));
    }

    @Test
    void aCallInATryTableMayThrowToItsHandler() {
        Liveness l = Liveness.of(List.of(
                i(Opcode.BLOCK, EMPTY, 0), // 0: the handler's label
                i(Opcode.TRY_TABLE, EMPTY, 0, 1, 2, 0, 0), // 1: catch_all to 0
                i(Opcode.I32_CONST, 0), // 2
                i(Opcode.LOCAL_SET, 0), // 3
                i(Opcode.CALL, 0), // 4: may throw, local 0 then read after the block
                i(Opcode.I32_CONST, 1), // 5
                i(Opcode.LOCAL_SET, 0), // 6
                i(Opcode.END), // 7
                i(Opcode.END), // 8
                i(Opcode.LOCAL_GET, 0), // 9
                i(Opcode.DROP), // 10
                i(Opcode.END)), 1);
        assertThat(l.before(5)).isEqualTo(set());
        assertThat(l.before(4)).isEqualTo(set(0));
        assertThat(l.before(2)).isEqualTo(set());
        // Outside any try_table a call does not make anything live.
        Liveness plain = Liveness.of(List.of(
                i(Opcode.CALL, 0), i(Opcode.I32_CONST, 1), i(Opcode.LOCAL_SET, 0),
                i(Opcode.LOCAL_GET, 0), i(Opcode.DROP), i(Opcode.END)), 1);
        assertThat(plain.before(0)).isEqualTo(set());
    }
}
