package dev.hermetic.host.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MutabilityType;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.internal.WarmInstances.Outcome;
import dev.hermetic.host.internal.WarmInstances.Snapshot;
import dev.hermetic.host.internal.wasm.MalformedModuleException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pre-initialized modules of the WAT fixtures behave as the warm instance they were written from. */
class PortableModuleTest {

    /** Per getter export, the arguments it is called with. */
    private static final List<long[]> NO_ARGS = List.of(new long[0]);

    private static List<long[]> argsFor(String export) {
        return switch (export) {
            case "get_t" -> indices(8);
            case "get_v", "get_u_null" -> indices(4);
            default -> NO_ARGS;
        };
    }

    private static List<long[]> indices(int n) {
        List<long[]> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            args.add(new long[] {i});
        }
        return args;
    }

    /**
     * Calls every {@code get_*} export with each of its arguments on a fresh warm instance of
     * the fixture and on a fresh instance of its pre-initialized module, expecting the same
     * outcome. Returns the pre-initialized module.
     */
    private static byte[] assertBehavesAsWarm(String fixture, boolean compiled) {
        byte[] original = Fixtures.wasm(fixture);
        byte[] portable = WarmInstances.snapshot(WarmInstances.warm(original, compiled)).write(original);
        WasmModule portableModule = Parser.parse(portable);
        // Pre-initializing the pre-initialized module again changes nothing a getter sees.
        byte[] again = WarmInstances.snapshot(WarmInstances.instantiate(portableModule, compiled)).write(portable);
        WasmModule againModule = Parser.parse(again);
        int calls = 0;
        for (String export : WarmInstances.exportNames(Parser.parse(original))) {
            if (!export.startsWith("get_") || CHICORY_KEEPS_ACTIVE_SEGMENTS.contains(export)) {
                continue;
            }
            for (long[] args : argsFor(export)) {
                Outcome warm = Outcome.of(WarmInstances.warm(original, compiled), export, args);
                Outcome pre = Outcome.of(WarmInstances.instantiate(portableModule, compiled), export, args);
                assertThat(pre).as("%s%s", export, Arrays.toString(args)).isEqualTo(warm);
                assertThat(Outcome.of(WarmInstances.instantiate(againModule, compiled), export, args))
                        .as("twice: %s%s", export, Arrays.toString(args)).isEqualTo(warm);
                calls++;
            }
        }
        assertThat(calls).isPositive();
        return portable;
    }

    /**
     * Getters that read an active segment after instantiation. The spec drops active segments
     * once applied, so these trap; Chicory 1.7.5 keeps them, so its warm instance does not
     * trap. The pre-initialized module is checked against the spec instead.
     */
    private static final Set<String> CHICORY_KEEPS_ACTIVE_SEGMENTS = Set.of("get_active_init", "get_elem_active_init");

    private static Outcome call(byte[] portable, String export, long... args) {
        return Outcome.of(WarmInstances.instantiate(Parser.parse(portable), false), export, args);
    }

    @Test
    void globalsOfEveryTypeKeepTheirWarmValuesBitForBit() throws Exception {
        byte[] portable = assertBehavesAsWarm("portable-globals", false);
        assertThat(call(portable, "get_i32m")).isEqualTo(Outcome.value(-123456789));
        assertThat(call(portable, "get_i64m")).isEqualTo(Outcome.value(0x8123456789abcdefL));
        assertThat(call(portable, "get_f32m")).isEqualTo(Outcome.value(0x7fa00001L));
        assertThat(call(portable, "get_f64m")).isEqualTo(Outcome.value(Double.doubleToRawLongBits(-1e300)));
        assertThat(call(portable, "get_funcm")).isEqualTo(Outcome.value(8));
        assertThat(call(portable, "get_funcm2")).isEqualTo(Outcome.value(-1));
        assertThat(call(portable, "get_f32c")).isEqualTo(Outcome.value(0x80000000L));
        assertThat(call(portable, "get_f64c")).isEqualTo(Outcome.value(0x7ff4000000000001L));
        assertThat(call(portable, "get_i32c")).isEqualTo(Outcome.value(42));
        WasmModule before = Parser.parse(Fixtures.wasm("portable-globals"));
        WasmModule after = Parser.parse(portable);
        assertThat(after.globalSection().globalCount()).isEqualTo(before.globalSection().globalCount());
        for (int g = 0; g < before.globalSection().globalCount(); g++) {
            var was = before.globalSection().getGlobal(g);
            var is = after.globalSection().getGlobal(g);
            assertThat(is.valueType()).isEqualTo(was.valueType());
            assertThat(is.mutabilityType()).isEqualTo(was.mutabilityType());
            // Every initializer is one constant instruction (then end).
            assertThat(is.initInstructions().size()).as("global %d", g).isLessThanOrEqualTo(2);
        }
        assertThat(after.globalSection().getGlobal(0).mutabilityType()).isEqualTo(MutabilityType.Var);
    }

    private static long littleEndian(String ascii) {
        long v = 0;
        for (int i = ascii.length() - 1; i >= 0; i--) {
            v = v << 8 | ascii.charAt(i);
        }
        return v;
    }

    /** Index of the mutable v128 global in portable-globals.wat, and of the immutable one. */
    private static final int V128_MUTABLE = 4;
    private static final int V128_CONSTANT = 12;

    @Test
    void v128GlobalsKeepBothHalves() throws Exception {
        // Chicory runs no SIMD code, so the warm value of the v128 global is put in the state.
        byte[] original = Fixtures.wasm("portable-globals");
        Snapshot warm = WarmInstances.snapshot(WarmInstances.warm(original, false));
        long[] low = warm.state().globalLow().clone();
        long[] high = warm.state().globalHigh().clone();
        low[V128_MUTABLE] = -1;
        high[V128_MUTABLE] = 0x0102030405060708L;
        InstanceState state = new InstanceState(low, high, warm.state().tables(), warm.state().droppedData(),
                warm.state().droppedElements());
        byte[] portable = PortableModule.write(original, state, warm.pages(), warm.memory(), Set.of());
        Instance instance = WarmInstances.instantiate(Parser.parse(portable), false);
        assertThat(instance.global(V128_MUTABLE).getValueLow()).isEqualTo(-1);
        assertThat(instance.global(V128_MUTABLE).getValueHigh()).isEqualTo(0x0102030405060708L);
        assertThat(instance.global(V128_CONSTANT).getValueLow()).isEqualTo(0x0000000200000001L);
        assertThat(instance.global(V128_CONSTANT).getValueHigh()).isEqualTo(0xffffffff00000003L);
    }

    @Test
    void tablesKeepTheirGrownSizeNullGapsAndEntries() throws Exception {
        byte[] portable = assertBehavesAsWarm("portable-tables", false);
        assertThat(call(portable, "get_size_t")).isEqualTo(Outcome.value(7));
        assertThat(call(portable, "get_size_u")).isEqualTo(Outcome.value(3));
        assertThat(call(portable, "get_size_v")).isEqualTo(Outcome.value(3));
        long[] expected = {100, -1, 102, 103, -1, 104, -1};
        for (int i = 0; i < expected.length; i++) {
            assertThat(call(portable, "get_t", i)).as("t[%d]", i).isEqualTo(Outcome.value(expected[i]));
        }
        assertThat(call(portable, "get_t", 7)).isEqualTo(Outcome.trap());
        assertThat(call(portable, "get_v", 0)).isEqualTo(Outcome.value(103));
        assertThat(call(portable, "get_v", 1)).isEqualTo(Outcome.value(-1));
        assertThat(call(portable, "get_v", 2)).isEqualTo(Outcome.value(102));
        assertThat(call(portable, "get_init_v")).isEqualTo(Outcome.value(101));
        assertThat(call(portable, "get_init_v_null")).isEqualTo(Outcome.value(1));
        assertThat(call(portable, "get_init_u")).isEqualTo(Outcome.trap());
        WasmModule module = Parser.parse(portable);
        assertThat(module.tableSection().getTable(0).limits().min()).isEqualTo(7);
        assertThat(module.tableSection().getTable(0).limits().max()).isEqualTo(10);
    }

    @Test
    void segmentsKeepTheirIndicesDroppedOnesStayDroppedAndStartDoesNotRerun() throws Exception {
        byte[] portable = assertBehavesAsWarm("portable-segments", false);
        assertThat(call(portable, "get_starts")).isEqualTo(Outcome.value(1));
        assertThat(call(portable, "get_start_memory")).isEqualTo(Outcome.value(1));
        assertThat(call(portable, "get_initialize_memory")).isEqualTo(Outcome.value(77));
        assertThat(call(portable, "get_copied")).isEqualTo(Outcome.value(littleEndian("pass")));
        assertThat(call(portable, "get_kept")).isEqualTo(Outcome.value(littleEndian("ive-kept")));
        assertThat(call(portable, "get_dropped")).isEqualTo(Outcome.trap());
        assertThat(call(portable, "get_dropped_empty")).isEqualTo(Outcome.value(2));
        assertThat(call(portable, "get_active_init")).isEqualTo(Outcome.trap());
        assertThat(call(portable, "get_active_init_empty")).isEqualTo(Outcome.value(4));
        assertThat(call(portable, "get_table_init")).isEqualTo(Outcome.value(23));
        assertThat(call(portable, "get_elem_dropped")).isEqualTo(Outcome.trap());
        assertThat(call(portable, "get_elem_active_init")).isEqualTo(Outcome.trap());
        assertThat(call(portable, "get_table_0")).isEqualTo(Outcome.value(11));
        assertThat(call(portable, "get_pages")).isEqualTo(Outcome.value(3));
        assertThat(call(portable, "get_grown")).isEqualTo(Outcome.value(0xdeadbeefL));
        WasmModule before = Parser.parse(Fixtures.wasm("portable-segments"));
        WasmModule module = Parser.parse(portable);
        assertThat(before.startSection()).isPresent();
        assertThat(module.startSection()).isEmpty();
        assertThat(module.memorySection().orElseThrow().getMemory(0).limits().initialPages()).isEqualTo(3);
        assertThat(module.memorySection().orElseThrow().getMemory(0).limits().maximumPages()).isEqualTo(5);
        assertThat(module.dataCountSection().orElseThrow().dataCount())
                .isEqualTo(module.dataSection().dataSegmentCount());
        assertThat(module.dataSection().dataSegmentCount()).isGreaterThan(before.dataSection().dataSegmentCount());
        assertThat(module.elementSection().elementCount()).isGreaterThan(before.elementSection().elementCount());
    }

    @Test
    void namedExportsAreRemovedAndTheOthersKept() throws Exception {
        byte[] original = Fixtures.wasm("portable-segments");
        byte[] portable = WarmInstances.snapshot(WarmInstances.warm(original, false)).write(original);
        List<String> before = WarmInstances.exportNames(Parser.parse(original));
        List<String> after = WarmInstances.exportNames(Parser.parse(portable));
        assertThat(before).contains("engine_init", "_initialize");
        List<String> expected = new ArrayList<>(before);
        expected.removeAll(WarmInstances.INIT_EXPORTS);
        assertThat(after).containsExactlyElementsOf(expected);
        byte[] keepAll = PortableModule.write(original, InstanceState.capture(WarmInstances.warm(original, false)),
                3, WarmInstances.snapshot(WarmInstances.warm(original, false)).memory(), Set.of());
        assertThat(WarmInstances.exportNames(Parser.parse(keepAll))).containsExactlyElementsOf(before);
    }

    @Test
    void warmMemoryRoundTripsThroughDataSegments() throws Exception {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        byte[] original = Fixtures.wasm("portable-memory");
        InstanceState state = InstanceState.capture(WarmInstances.instantiate(Parser.parse(original), false));
        for (int round = 0; round < 25; round++) {
            int pages = 1 + random.nextInt(8);
            byte[] memory = sparseMemory(random, pages);
            byte[] portable = PortableModule.write(original, state, pages, memory, Set.of());
            WasmModule module = Parser.parse(portable);
            Memory read = WarmInstances.instantiate(module, false).memory();
            assertThat(read.pages()).as("seed %d round %d", seed, round).isEqualTo(pages);
            assertThat(read.readBytes(0, pages * Memory.PAGE_SIZE)).as("seed %d round %d", seed, round)
                    .isEqualTo(memory);
            List<int[]> runs = PortableModule.dataRuns(memory);
            assertThat(module.dataSection().dataSegmentCount()).isEqualTo(runs.size());
            int last = -PortableModule.MERGE_GAP;
            for (int[] run : runs) {
                assertThat(memory[run[0]]).isNotZero();
                assertThat(memory[run[1] - 1]).isNotZero();
                assertThat(run[0] - last).as("gap before a run").isGreaterThanOrEqualTo(PortableModule.MERGE_GAP);
                last = run[1];
            }
        }
    }

    /** Pages mostly zero: clusters of writes, some single bytes, some long runs. */
    private static byte[] sparseMemory(Random random, int pages) {
        byte[] memory = new byte[pages * Memory.PAGE_SIZE];
        int clusters = random.nextInt(40);
        for (int c = 0; c < clusters; c++) {
            int at = random.nextInt(memory.length);
            int len = random.nextInt(4) == 0 ? random.nextInt(5000) : random.nextInt(40);
            for (int i = at; i < Math.min(memory.length, at + len); i++) {
                memory[i] = random.nextInt(3) == 0 ? 0 : (byte) (1 + random.nextInt(255));
            }
        }
        return memory;
    }

    @Test
    void zeroMemoryNeedsNoSegmentsAndShortGapsMerge() throws Exception {
        assertThat(PortableModule.dataRuns(new byte[Memory.PAGE_SIZE])).isEmpty();
        byte[] memory = new byte[200];
        memory[10] = 1;
        memory[10 + PortableModule.MERGE_GAP] = 2; // 15 zeros between: one segment
        memory[100] = 3;
        memory[101 + PortableModule.MERGE_GAP] = 4; // 16 zeros between: two segments
        assertThat(PortableModule.dataRuns(memory)).containsExactly(new int[] {10, 27}, new int[] {100, 101},
                new int[] {117, 118});
    }

    @Test
    void zerosAreSkippedToTheFirstNonZeroByteAtAnyAlignment() throws Exception {
        for (int len = 0; len < 40; len++) {
            for (int at = 0; at <= len; at++) {
                byte[] memory = new byte[len];
                if (at < len) {
                    memory[at] = 5;
                }
                for (int from = 0; from <= at; from++) {
                    assertThat(PortableModule.skipZeros(memory, from)).isEqualTo(at);
                }
            }
        }
    }

    @Test
    void manyScatteredBytesMergeIntoABoundedNumberOfSegments() throws Exception {
        byte[] memory = new byte[64 * Memory.PAGE_SIZE];
        for (int i = 0; i < memory.length; i += 100) {
            memory[i] = 1;
        }
        List<int[]> runs = PortableModule.dataRuns(memory);
        assertThat(runs.size()).isLessThanOrEqualTo(PortableModule.MAX_DATA_SEGMENTS);
        byte[] rebuilt = new byte[memory.length];
        for (int[] run : runs) {
            System.arraycopy(memory, run[0], rebuilt, run[0], run[1] - run[0]);
        }
        assertThat(rebuilt).isEqualTo(memory);
    }

    @Test
    void overTheSegmentLimitTheSmallestGapsAreFilledFirst() throws Exception {
        // Gaps: 40, 10, 30, 10, 50
        List<int[]> runs = List.of(new int[] {0, 10}, new int[] {50, 60}, new int[] {70, 80}, new int[] {110, 120},
                new int[] {130, 140}, new int[] {190, 200});
        assertThat(PortableModule.mergeSmallestGaps(runs, 3))
                .containsExactly(new int[] {0, 10}, new int[] {50, 140}, new int[] {190, 200});
        assertThat(PortableModule.mergeSmallestGaps(runs, 4)).containsExactly(new int[] {0, 10},
                new int[] {50, 80}, new int[] {110, 140}, new int[] {190, 200});
        // Of two equal gaps only one can stay a boundary.
        assertThat(PortableModule.mergeSmallestGaps(runs, 5)).hasSize(5);
        assertThat(PortableModule.mergeSmallestGaps(runs, 1)).containsExactly(new int[] {0, 200});
        assertThat(PortableModule.mergeSmallestGaps(runs, 6)).isEqualTo(runs);
    }

    @Test
    void stateThatDoesNotFitTheModuleIsRefused() throws Exception {
        byte[] original = Fixtures.wasm("portable-memory");
        InstanceState state = InstanceState.capture(WarmInstances.instantiate(Parser.parse(original), false));
        assertThatThrownBy(() -> PortableModule.write(original, state, 65, new byte[65 * Memory.PAGE_SIZE], Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65 pages");
        assertThatThrownBy(() -> PortableModule.write(original, state, 2, new byte[Memory.PAGE_SIZE], Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        InstanceState oneGlobal = new InstanceState(new long[1], new long[1], new int[0][], new boolean[0],
                new boolean[0]);
        assertThatThrownBy(() -> PortableModule.write(original, oneGlobal, 1, new byte[Memory.PAGE_SIZE], Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 globals");
        byte[] tables = Fixtures.wasm("portable-tables");
        Snapshot warm = WarmInstances.snapshot(WarmInstances.warm(tables, false));
        int[][] shrunk = warm.state().tables().clone();
        shrunk[0] = new int[2];
        InstanceState small = new InstanceState(warm.state().globalLow(), warm.state().globalHigh(), shrunk,
                warm.state().droppedData(), warm.state().droppedElements());
        assertThatThrownBy(() -> PortableModule.write(tables, small, warm.pages(), warm.memory(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table 0");
    }

    @Test
    void importsOtherThanFunctionsAreRefused() throws Exception {
        byte[] original = Fixtures.wasm("portable-global-import");
        InstanceState none = new InstanceState(new long[0], new long[0], new int[0][], new boolean[0], new boolean[0]);
        assertThatThrownBy(() -> PortableModule.write(original, none, 1, new byte[Memory.PAGE_SIZE], Set.of()))
                .isInstanceOf(MalformedModuleException.class).hasMessageContaining("vdso.g");
    }

    @Test
    void malformedModulesAreRefusedWithATypedException() throws Exception {
        // One global, so that global sections with one entry are read to their end.
        InstanceState none = new InstanceState(new long[1], new long[1], new int[0][], new boolean[0], new boolean[0]);
        byte[] header = {0, 'a', 's', 'm', 1, 0, 0, 0};
        List<byte[]> malformed = List.of(
                new byte[0],
                new byte[] {0, 'a', 's', 'm', 2, 0, 0, 0},
                concat(header, new byte[] {1, 0x10, 0, 0}),                         // size past the end
                concat(header, new byte[] {1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0}),
                concat(header, new byte[] {7, 1, 0, 6, 1, 0}),                      // global after export
                concat(header, new byte[] {6, 1, 0, 6, 1, 0}),                      // two global sections
                concat(header, new byte[] {14, 0}),                                 // unknown section
                concat(header, new byte[] {6, 7, 1, 0x7f, 0, 0x41, 0, 0x0b, 0}),    // stray byte in globals
                concat(header, new byte[] {6, 2, 5, 0}),                            // count past the end
                concat(header, new byte[] {6, 4, 1, 0x7f, 2, 0x41}),                // bad mutability
                concat(header, new byte[] {6, 5, 1, 0x7f, 0, 0x20, 0}),             // local.get in a global
                concat(header, new byte[] {0, 2, 5, 'a'}),                          // custom name too long
                Arrays.copyOf(Fixtures.wasm("portable-segments"), Fixtures.wasm("portable-segments").length - 1));
        for (byte[] wasm : malformed) {
            assertThatThrownBy(() -> PortableModule.write(wasm, none, 0, new byte[0], Set.of()))
                    .as(Arrays.toString(wasm)).isInstanceOf(MalformedModuleException.class)
                    .hasMessageMatching("(?s).*(malformed|not a WebAssembly).*");
        }
    }

    @Test
    void corruptedModulesFailOnlyWithTheDocumentedExceptions() throws Exception {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        int written = 0;
        for (String fixture : List.of("portable-globals", "portable-tables", "portable-segments")) {
            byte[] original = Fixtures.wasm(fixture);
            Snapshot warm = WarmInstances.snapshot(WarmInstances.warm(original, false));
            for (int round = 0; round < 400; round++) {
                byte[] corrupt = original.clone();
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    corrupt[8 + random.nextInt(corrupt.length - 8)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    corrupt = Arrays.copyOf(corrupt, 8 + random.nextInt(corrupt.length - 8));
                }
                byte[] input = corrupt;
                try {
                    byte[] out = warm.write(input);
                    assertThat(out).isNotEmpty();
                    written++;
                } catch (MalformedModuleException | IllegalArgumentException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", " + fixture + " round " + round, e);
                }
            }
        }
        // Most corruptions hit code or names, which the writer copies as they are.
        assertThat(written).as("seed %d", seed).isPositive();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aModuleWithoutStateIsStillValidAfterRewriting() throws Exception {
        byte[] original = Fixtures.wasm("portable-memory");
        Instance instance = WarmInstances.instantiate(Parser.parse(original), false);
        byte[] portable = WarmInstances.snapshot(instance).write(original);
        assertThat(Outcome.of(WarmInstances.instantiate(Parser.parse(portable), false), "engine_start"))
                .isEqualTo(Outcome.value(0));
    }
}
