package dev.hermetic.host.internal.wasm.fuel;

import dev.hermetic.host.internal.wasm.code.FunctionBody;
import dev.hermetic.host.internal.wasm.code.Instruction;
import dev.hermetic.host.internal.wasm.code.Opcode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Which of a module's functions may be re-entered before they return: those on a cycle of its
 * call graph. An indirect call ({@code call_indirect}, {@code call_ref}, their tail forms) may
 * reach any of the module's functions, so it counts as a call to all of them; a direct call to
 * an import reaches none (the host never calls back into the engine while a hook runs).
 *
 * <p>The meter checks the counter at the entry of these functions only: without a loop, only
 * recursion runs unbounded, and every recursion passes through one of them. A function off
 * every cycle runs at most once per call of each of its callers, and pays at its exit.
 */
final class Recursion {
    private Recursion() {}

    /**
     * @param bodies the module's defined functions, in order
     * @param importedFunctions how many functions the module imports (the first indices)
     * @return at index i: whether defined function i is on a cycle
     */
    static boolean[] onCycle(List<FunctionBody> bodies, int importedFunctions) {
        int n = bodies.size();
        // Node n stands for "any function": indirect callers point at it, it points at all.
        List<int[]> edges = new ArrayList<>(n + 1);
        boolean[] selfCall = new boolean[n];
        for (int f = 0; f < n; f++) {
            int[] out = new int[4];
            int count = 0;
            boolean indirect = false;
            for (Instruction ins : bodies.get(f).instructions()) {
                Opcode op = ins.opcode();
                if (op == Opcode.CALL || op == Opcode.RETURN_CALL) {
                    long target = ins.slot(0) - importedFunctions;
                    if (target >= 0) {
                        if (target == f) {
                            selfCall[f] = true;
                        }
                        if (count == out.length) {
                            out = Arrays.copyOf(out, count * 2);
                        }
                        out[count++] = (int) target;
                    }
                } else if (op == Opcode.CALL_INDIRECT || op == Opcode.CALL_REF
                        || op == Opcode.RETURN_CALL_INDIRECT || op == Opcode.RETURN_CALL_REF) {
                    indirect = true;
                }
            }
            if (indirect) {
                if (count == out.length) {
                    out = Arrays.copyOf(out, count + 1);
                }
                out[count++] = n;
            }
            edges.add(Arrays.copyOf(out, count));
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        edges.add(all);
        int[] component = components(edges);
        int[] size = new int[n + 1];
        for (int c : component) {
            size[c]++;
        }
        boolean[] result = new boolean[n];
        for (int f = 0; f < n; f++) {
            result[f] = selfCall[f] || size[component[f]] > 1;
        }
        return result;
    }

    /** Tarjan's strongly connected components, iteratively (call graphs are deep): a component number per node. */
    private static int[] components(List<int[]> edges) {
        int n = edges.size();
        int[] index = new int[n];
        int[] low = new int[n];
        int[] component = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(index, -1);
        Deque<Integer> stack = new ArrayDeque<>();
        int[] frameNode = new int[n];
        int[] frameEdge = new int[n];
        int next = 0;
        int components = 0;
        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) {
                continue;
            }
            int depth = 0;
            frameNode[0] = root;
            frameEdge[0] = 0;
            index[root] = low[root] = next++;
            stack.push(root);
            onStack[root] = true;
            while (depth >= 0) {
                int v = frameNode[depth];
                int[] out = edges.get(v);
                if (frameEdge[depth] < out.length) {
                    int w = out[frameEdge[depth]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = next++;
                        stack.push(w);
                        onStack[w] = true;
                        depth++;
                        frameNode[depth] = w;
                        frameEdge[depth] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                if (low[v] == index[v]) {
                    int w;
                    do {
                        w = stack.pop();
                        onStack[w] = false;
                        component[w] = components;
                    } while (w != v);
                    components++;
                }
                depth--;
                if (depth >= 0) {
                    int parent = frameNode[depth];
                    low[parent] = Math.min(low[parent], low[v]);
                }
            }
        }
        return component;
    }
}
