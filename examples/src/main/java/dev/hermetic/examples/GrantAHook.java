package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.hooks.CapData;
import dev.hermetic.hooks.HookTable;
import dev.hermetic.hooks.Remotable;
import dev.hermetic.hooks.Undefined;
import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.Host;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Span;
import dev.hermetic.vmo.Vmo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Grants an untrusted engine read-only access to a key-value store through a hook. The host
 * names the store {@code ko7}; the engine only ever sees its own name for it ({@code d-1}), and
 * can call {@code store.get} but not {@code store.put}, which the host has but did not grant.
 * The engine is the bundled {@code kv-lookup} (Rust, using the SDK's hook calls).
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.GrantAHook</pre>
 */
public final class GrantAHook {
    private static final String STORE = "ko7";

    private GrantAHook() {}

    public static void main(String[] args) throws InterruptedException {
        run(new ConcurrentHashMap<>(Map.of("colour", "blue", "size", "XL")), "colour\nweight\nput colour=red\nsize\n",
                System.out);
    }

    /** Looks up each line of {@code requests} in {@code store} from inside an engine; returns what the engine wrote. */
    static String run(Map<String, String> store, String requests, PrintStream out) throws InterruptedException {
        HookTable hooks = HookTable.builder()
                .withHook("store.get", (caller, args) -> {
                    List<?> call = (List<?>) args.value();        // [store, key], the store as its kref
                    requireStore(call.get(0));
                    String value = store.get((String) call.get(1));
                    out.printf("  hook store.get(%s) from %s -> %s%n", call.get(1), caller.processId(), value);
                    return CapData.of(value != null ? value : Undefined.INSTANCE);
                })
                .withHook("store.put", (caller, args) -> {
                    List<?> call = (List<?>) args.value();
                    requireStore(call.get(0));
                    store.put((String) call.get(1), (String) call.get(2));
                    return CapData.of(Undefined.INSTANCE);
                })
                .build();
        try (Host host = Host.builder().withHooks(hooks).build();
                Vmo input = Vmo.create(64 * 1024);
                Vmo output = Vmo.create(64 * 1024)) {
            Engine kv = host.load("kv-lookup", Engines.bytes("kv-lookup"));
            EngineProcess process = kv.newProcess("store.get");   // read-only: get, not put
            String storeRef = process.exportToEngine(STORE);
            // The engine's first input line is the store as capdata, in the engine's own names.
            String storeLine = new String(CapData.of(new Remotable(storeRef, "Alleged: Store")).toJsonBytes(),
                    StandardCharsets.UTF_8);
            byte[] in = (storeLine + "\n" + requests).getBytes(StandardCharsets.UTF_8);
            input.write(in, 0);
            out.printf("host store %s is %s to the engine: %s%n", STORE, storeRef, storeLine);
            ProcessResult result = process.start(Span.readOnly(input, 0, in.length), Span.writable(output, 0, 64 * 1024))
                    .await();
            if (!(result instanceof ProcessResult.Returned r) || r.value().orElseThrow().asLong() < 0) {
                throw new IllegalStateException("kv-lookup failed: " + result);
            }
            byte[] bytes = new byte[(int) r.value().orElseThrow().asLong()];
            output.read(bytes, 0);
            String answer = new String(bytes, StandardCharsets.UTF_8);
            out.printf("engine wrote:%n%s", answer.indent(2));
            out.printf("store afterwards: %s%n", new java.util.TreeMap<>(store));
            return answer;
        }
    }

    private static void requireStore(Object target) {
        if (!(target instanceof Remotable r) || !r.slot().equals(STORE)) {
            throw new IllegalArgumentException("not the store: " + target);
        }
    }
}
