package dev.hermetic.hooks;

import java.util.List;
import java.util.Map;

/**
 * {@link HookGate#call} round trips per second with a small capdata, against a plain Java
 * method doing the same work (add two numbers, hand back an object reference) without
 * encoding. Rounds alternate so both sides see the same machine. Not run by {@code mvn verify}:
 * {@code mvn -B -q -pl hooks -Pbench test-compile exec:exec}.
 */
public final class HookGateBench {
    private static final int ROUNDS = 5;
    private static final long ROUND_NANOS = 1_000_000_000L;

    /** Keeps results alive so the JIT cannot drop the work. */
    private static long sink;

    private HookGateBench() {}

    public static void main(String[] args) {
        HookTable table = HookTable.builder().withHook("add", (caller, capData) -> {
            Map<?, ?> in = (Map<?, ?>) capData.value();
            double sum = (Double) in.get("a") + (Double) in.get("b");
            return CapData.of(Map.of("sum", sum, "box", new Remotable("ko1", "Alleged: box")));
        }).build();
        HookGate gate = HookGate.builder(table, new HookCaller("bench", "bench"))
                .withGrants("add").withMaxCalls(Long.MAX_VALUE).build();
        byte[] name = "add".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] argument = CapData.of(Map.of("a", 1.0, "b", 2.0)).toJsonBytes();
        ResultSink resultSink = bytes -> sink += bytes.length;

        System.out.printf("argument %s%n", new String(argument, java.nio.charset.StandardCharsets.UTF_8));
        System.out.printf("%-6s %18s %18s %10s%n", "round", "gate calls/s", "plain calls/s", "ratio");
        double gateTotal = 0;
        double plainTotal = 0;
        for (int round = 0; round <= ROUNDS; round++) {
            double gateRate = rate(() -> sink += gate.call(name, argument, 4096, resultSink));
            double plainRate = rate(() -> sink += plainAdd(Map.of("a", 1.0, "b", 2.0)).size());
            if (round == 0) {
                continue; // warm-up
            }
            gateTotal += gateRate;
            plainTotal += plainRate;
            System.out.printf("%-6d %,18.0f %,18.0f %10.1f%n", round, gateRate, plainRate, plainRate / gateRate);
        }
        System.out.printf("%-6s %,18.0f %,18.0f %10.1f%n", "mean", gateTotal / ROUNDS, plainTotal / ROUNDS,
                plainTotal / gateTotal);
        System.out.println("(ratio = plain calls per gate call; sink " + (sink & 1) + ")");
    }

    /** The same work as the hook, called directly. */
    private static List<Object> plainAdd(Map<String, Double> in) {
        return List.of(in.get("a") + in.get("b"), new Remotable("ko1", "Alleged: box"));
    }

    private static double rate(Runnable op) {
        long calls = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < 1000; i++) {
                op.run();
            }
            calls += 1000;
            elapsed = System.nanoTime() - start;
        } while (elapsed < ROUND_NANOS);
        return calls * 1e9 / elapsed;
    }
}
