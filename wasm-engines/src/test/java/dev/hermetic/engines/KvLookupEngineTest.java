package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.hooks.CapData;
import dev.hermetic.hooks.HookCaller;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.hooks.HookTable;
import dev.hermetic.hooks.Remotable;
import dev.hermetic.hooks.Smallcaps;
import dev.hermetic.hooks.Undefined;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * kv-lookup on Chicory with a test vDSO whose hook calls go through a {@link HookGate} to a
 * store of strings behind two hooks, {@code store.get} and {@code store.put}.
 */
class KvLookupEngineTest {

    static final int OUT_CAP = 1 << 20;

    /** The engine's first result buffer (hermetic_engine::hooks::FIRST_BUFFER). */
    static final int FIRST_BUFFER = 256;

    /** The host's name for the store object. */
    static final String STORE_KREF = "ko7";

    /** A store, its hooks, and one process's gate and vDSO over them. */
    static final class Fixture implements AutoCloseable {
        final Map<String, String> entries = new HashMap<>();
        /** Times each hook ran, by name. */
        final Map<String, Integer> runs = new HashMap<>();
        final HookGate gate;
        final HookVdso vdso;
        /** The store reference as the engine receives it (slot d-1). */
        final String storeLine;

        Fixture(String... grants) {
            HookTable table = HookTable.builder()
                    .withHook("store.get", (caller, args) -> {
                        List<?> call = arguments(args, "store.get");
                        String value = entries.get((String) call.get(1));
                        return CapData.of(value != null ? value : Undefined.INSTANCE);
                    })
                    .withHook("store.put", (caller, args) -> {
                        List<?> call = arguments(args, "store.put");
                        entries.put((String) call.get(1), (String) call.get(2));
                        return CapData.of(Undefined.INSTANCE);
                    })
                    .build();
            gate = HookGate.builder(table, new HookCaller("p1", "kv-lookup")).withGrants(grants).build();
            vdso = new HookVdso(gate);
            String engineRef = gate.clist().exportToEngine(STORE_KREF);
            storeLine = new String(Smallcaps.encode(new Remotable(engineRef, "Alleged: Store")).toJsonBytes(), UTF_8);
        }

        /** Host-side arguments: [store, key(, value)], the store named by its kref. */
        private List<?> arguments(CapData args, String hook) {
            runs.merge(hook, 1, Integer::sum);
            List<?> call = (List<?>) args.value();
            assertThat(call.get(0)).isEqualTo(new Remotable(STORE_KREF, "Alleged: Store"));
            return call;
        }

        int runs(String hook) {
            return runs.getOrDefault(hook, 0);
        }

        ChicoryEngine.FilterResult run(String input) {
            return run(input.getBytes(UTF_8), OUT_CAP);
        }

        ChicoryEngine.FilterResult run(byte[] input, int outCap) {
            return ChicoryEngine.start("kv-lookup", vdso).filter(input, outCap);
        }

        String output(String requests) {
            ChicoryEngine.FilterResult result = run(storeLine + "\n" + requests);
            assertThat(result.status()).as(new String(result.output(), UTF_8)).isNotNegative();
            return new String(result.output(), UTF_8);
        }

        @Override
        public void close() {
            gate.close();
        }
    }

    @Test
    void storeReferenceIsTheCapdataTheBriefShows() {
        try (Fixture f = new Fixture("store.get")) {
            assertThat(f.storeLine).isEqualTo("{\"body\":\"#\\\"$0.Alleged: Store\\\"\",\"slots\":[\"d-1\"]}");
        }
    }

    @Test
    void foundAndMissingKeysOneLineEach() {
        try (Fixture f = new Fixture("store.get")) {
            f.entries.put("colour", "blue");
            f.entries.put("size", "");
            assertThat(f.output("colour\n\nshape\r\nsize\n")).isEqualTo("colour=blue\nshape (missing)\nsize=\n");
            assertThat(f.runs("store.get")).isEqualTo(3);
            assertThat(f.vdso.hookCalls()).isEqualTo(3);
            assertThat(f.vdso.hookResults()).isZero();
        }
    }

    @Test
    void keysAndValuesStartingWithSmallcapsSpecialsOrNeedingJsonEscapesRoundTrip() {
        try (Fixture f = new Fixture("store.get")) {
            List<String> keys = List.of("$0.Alleged: Store", "#undefined", "!bang", "-1", "+7", "&1", "%x",
                    "\"quoted\"", "back\\slash", "tab\there", "naïve ☃ 𝄞", ".", "/", "ctrl\u0001");
            StringBuilder requests = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (String key : keys) {
                f.entries.put(key, key);
                requests.append(key).append('\n');
                expected.append(key).append('=').append(key).append('\n');
            }
            assertThat(f.output(requests.toString())).isEqualTo(expected.toString());
        }
    }

    @Test
    void putIsRefusedWithNotFoundForAReadOnlyProcess() {
        try (Fixture f = new Fixture("store.get")) {
            f.entries.put("colour", "blue");
            assertThat(f.output("put colour=red\ncolour\n")).isEqualTo("put colour -> -25 NOT_FOUND\ncolour=blue\n");
            assertThat(f.runs("store.put")).isZero();
            assertThat(f.entries).containsEntry("colour", "blue");
        }
    }

    @Test
    void putWritesWhenGranted() {
        try (Fixture f = new Fixture("store.get", "store.put")) {
            assertThat(f.output("colour\nput colour=red=ish\ncolour\nput bare\nbare\n"))
                    .isEqualTo("colour (missing)\nput colour -> ok\ncolour=red=ish\nput bare -> ok\nbare=\n");
            assertThat(f.entries).containsEntry("colour", "red=ish").containsEntry("bare", "");
        }
    }

    @Test
    void aResultLargerThanTheFirstBufferIsFetchedWithOneHookResultAndTheHookRunsOnce() {
        try (Fixture f = new Fixture("store.get")) {
            String big = "v".repeat(10_000);
            f.entries.put("big", big);
            f.entries.put("small", "s");
            assertThat(f.output("big\n")).isEqualTo("big=" + big + "\n");
            assertThat(f.runs("store.get")).isEqualTo(1);
            assertThat(f.vdso.hookCalls()).isEqualTo(1);
            assertThat(f.vdso.hookResults()).isEqualTo(1);
            assertThat(f.output("small\nbig\nsmall\n")).isEqualTo("small=s\nbig=" + big + "\nsmall=s\n");
            assertThat(f.runs("store.get")).isEqualTo(4);
            assertThat(f.vdso.hookResults()).isEqualTo(2);
        }
    }

    @Test
    void resultsAroundTheFirstBufferSizeAreExact() {
        try (Fixture f = new Fixture("store.get")) {
            int overhead = resultLength("");
            for (int length = FIRST_BUFFER - overhead - 2; length <= FIRST_BUFFER - overhead + 2; length++) {
                String value = "x".repeat(length);
                f.entries.put("k", value);
                int before = f.vdso.hookResults();
                assertThat(f.output("k\n")).isEqualTo("k=" + value + "\n");
                assertThat(f.vdso.hookResults() - before).as("value of %d bytes", length)
                        .isEqualTo(resultLength(value) > FIRST_BUFFER ? 1 : 0);
            }
        }
    }

    @Test
    void hookFailuresArePerKeyStatuses() {
        try (Fixture none = new Fixture()) {
            assertThat(none.output("colour\n")).isEqualTo("colour -> -25 NOT_FOUND\n");
        }
        try (Fixture f = new Fixture("store.get")) {
            f.entries.put("colour", "blue");
            String forged = "{\"body\":\"#\\\"$0.Alleged: Store\\\"\",\"slots\":[\"d-9\"]}";
            ChicoryEngine.FilterResult result = f.run(forged + "\ncolour\n");
            assertThat(new String(result.output(), UTF_8)).isEqualTo("colour -> -11 BAD_HANDLE\n");
            assertThat(f.runs("store.get")).isZero();
        }
        ChicoryEngine.FilterResult unsupported = ChicoryEngine.start("kv-lookup")
                .filter("{\"body\":\"#null\",\"slots\":[]}\nk\n".getBytes(UTF_8), OUT_CAP);
        assertThat(new String(unsupported.output(), UTF_8)).isEqualTo("k -> -2 NOT_SUPPORTED\n");
    }

    @Test
    void aResultThatIsNotAStringIsWrongType() {
        HookTable table = HookTable.builder()
                .withHook("store.get", (caller, args) -> CapData.of(List.of("not", "a string")))
                .build();
        try (HookGate gate = HookGate.builder(table, new HookCaller("p2", "kv-lookup")).withGrants("store.get").build()) {
            ChicoryEngine.FilterResult result = ChicoryEngine.start("kv-lookup", new HookVdso(gate))
                    .filter("{\"body\":\"#null\",\"slots\":[]}\nk\n".getBytes(UTF_8), OUT_CAP);
            assertThat(new String(result.output(), UTF_8)).isEqualTo("k -> -12 WRONG_TYPE\n");
        }
    }

    @Test
    void badInputIsAStatus() {
        try (Fixture f = new Fixture("store.get")) {
            assertThat(f.run("").status()).isEqualTo(-10);
            assertThat(f.run("not json\nk\n").status()).isEqualTo(-10);
            assertThat(f.run("{\"body\":\"no hash\",\"slots\":[]}\nk\n").status()).isEqualTo(-10);
            assertThat(f.run("{\"body\":\"#\\\"x\\\"\",\"slots\":[1]}\nk\n").status()).isEqualTo(-10);
            assertThat(f.run(new byte[] {'{', (byte) 0xff, '\n'}, OUT_CAP).status()).isEqualTo(-42);
            f.entries.put("k", "value");
            assertThat(f.run((f.storeLine + "\nk\n").getBytes(UTF_8), 4).status()).isEqualTo(-15);
            assertThat(f.output("")).isEmpty();
        }
    }

    @Test
    void randomStoresAndRequestsMatchAModel() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        for (int round = 0; round < 25; round++) {
            boolean writable = random.nextBoolean();
            try (Fixture f = writable ? new Fixture("store.get", "store.put") : new Fixture("store.get")) {
                Map<String, String> model = new HashMap<>();
                List<String> keys = new ArrayList<>();
                for (int i = 0, n = random.nextInt(8); i < n; i++) {
                    String key = randomText(random, 1 + random.nextInt(12));
                    String value = randomText(random, random.nextInt(5) == 0 ? 300 + random.nextInt(3000) : random.nextInt(20));
                    keys.add(key);
                    f.entries.put(key, value);
                    model.put(key, value);
                }
                StringBuilder requests = new StringBuilder();
                StringBuilder expected = new StringBuilder();
                int gets = 0;
                int largeResults = 0;
                for (int i = 0, n = random.nextInt(15); i < n; i++) {
                    String key = !keys.isEmpty() && random.nextBoolean()
                            ? keys.get(random.nextInt(keys.size()))
                            : randomText(random, 1 + random.nextInt(12));
                    if (key.startsWith("put ")) {
                        continue;
                    }
                    if (random.nextInt(4) == 0) {
                        String value = randomText(random, random.nextInt(20));
                        String k = key.replace("=", "");
                        if (k.isEmpty()) {
                            continue;
                        }
                        requests.append("put ").append(k).append('=').append(value).append('\n');
                        if (writable) {
                            model.put(k, value);
                            expected.append("put ").append(k).append(" -> ok\n");
                        } else {
                            expected.append("put ").append(k).append(" -> -25 NOT_FOUND\n");
                        }
                        continue;
                    }
                    requests.append(key).append('\n');
                    gets++;
                    String value = model.get(key);
                    expected.append(key).append(value != null ? "=" + value : " (missing)").append('\n');
                    if (resultLength(value) > FIRST_BUFFER) {
                        largeResults++;
                    }
                }
                assertThat(f.output(requests.toString())).as(Seeds.describe(seed)).isEqualTo(expected.toString());
                assertThat(f.runs("store.get")).as(Seeds.describe(seed)).isEqualTo(gets);
                assertThat(f.vdso.hookResults()).as(Seeds.describe(seed)).isEqualTo(largeResults);
                assertThat(f.entries).as(Seeds.describe(seed)).isEqualTo(model);
            }
        }
    }

    /** The length of the engine-space result capdata for a store.get answer. */
    static int resultLength(String value) {
        return CapData.of(value != null ? (Object) value : Undefined.INSTANCE).toJsonBytes().length;
    }

    /**
     * Text drawn from an alphabet heavy in smallcaps specials and JSON escapes, with no line
     * breaks (a request is a whole line).
     */
    static String randomText(Random random, int length) {
        String alphabet = "abcxyz019 !\"#$%&'()*+,-./\\=:é☃\t";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(alphabet.length() + 1);
            text.appendCodePoint(pick == alphabet.length() ? 0x1D11E : alphabet.charAt(pick));
        }
        return text.toString();
    }
}
