package dev.hermetic.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.host.KillReason;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.TrapKind;
import dev.hermetic.host.Value;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example runs as a newcomer would run it, and prints what it claims. */
class ExamplesTest {

    @Test
    void runEngineOnFileHashesTheFileAsTheJdkDoes(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("hermetic.seed", System.nanoTime());
        byte[] data = new byte[100_000 + new Random(seed).nextInt(100_000)];
        new Random(seed).nextBytes(data);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        byte[] digest = RunEngineOnFile.run(file, new PrintStream(printed, true, StandardCharsets.UTF_8));

        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        assertThat(digest).as("seed %d", seed).isEqualTo(expected);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("digest " + HexFormat.of().formatHex(expected))
                .contains(data.length + " bytes, mapped read-only");
    }

    @Test
    void hostileEnginesAreContainedAndTheHostKeepsWorking() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Map<String, ProcessResult> results =
                ContainHostileEngines.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(results.get("hostile-loop")).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
        // The bomb grows until the 4 MiB (64-page) limit refuses it, then exits with the pages it got.
        assertThat(results.get("hostile-memory-bomb"))
                .isInstanceOfSatisfying(ProcessResult.Exited.class,
                        e -> assertThat(e.code()).isBetween(1L, 63L));
        assertThat(results.get("hostile-recursion"))
                .isInstanceOfSatisfying(ProcessResult.Trapped.class,
                        t -> assertThat(t.kind()).isEqualTo(TrapKind.STACK_EXHAUSTED));
        assertThat(results.get("hc-add")).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("hostile-loop", "the host keeps working");
    }

    @Test
    void aWarmPoolAnswersAsOneInstanceAndAsFreshInstancesDo() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        java.util.List<ServeFromWarmPool.Served> served =
                ServeFromWarmPool.run(24, 1, new PrintStream(printed, true, StandardCharsets.UTF_8));
        java.util.List<String> clones = served.get(0).answers();
        assertThat(clones).hasSize(24).allSatisfy(label -> assertThat(label).isNotBlank());
        assertThat(served.get(1).answers()).isEqualTo(clones);
        assertThat(served.get(2).answers()).isEqualTo(clones.subList(0, 1));
        // Six distinct lines: the classifier tells at least some of them apart.
        assertThat(new java.util.HashSet<>(clones.subList(0, 6))).hasSizeGreaterThan(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("a fresh clone of the warm snapshot", "requests/s");
    }

    @Test
    void aGrantedHookReadsTheStoreAndAnUngrantedOneIsRefused() throws Exception {
        java.util.Map<String, String> store = new java.util.concurrent.ConcurrentHashMap<>(
                java.util.Map.of("colour", "blue", "size", "XL"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String answer = GrantAHook.run(store, "colour\nweight\nput colour=red\nsize\n",
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(answer).isEqualTo("colour=blue\nweight (missing)\nput colour -> -25 NOT_FOUND\nsize=XL\n");
        assertThat(store).containsEntry("colour", "blue").hasSize(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("host store ko7 is d-1 to the engine",
                "hook store.get(colour)");
    }

    @Test
    void theFirstCEngineCountsAsTheTestDoes() throws Exception {
        long seed = Long.getLong("hermetic.seed", System.nanoTime());
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        String[] pieces = {"word", " ", "  ", "\n", "\t", "ünïcode", "x", "\r\n"};
        for (int i = 0; i < 2_000; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        byte[] input = text.toString().getBytes(StandardCharsets.UTF_8);
        String s = text.toString();
        long lines = s.chars().filter(c -> c == '\n').count();
        long words = java.util.Arrays.stream(s.split("[ \\t\\n\\r\u000b\\f]+")).filter(w -> !w.isEmpty()).count();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String answer = FirstEngineInC.run(input, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(answer).as("seed %d", seed)
                .isEqualTo("lines=" + lines + " words=" + words + " bytes=" + input.length + "\n");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("loaded wordcount", "Returned");
    }

    @Test
    void theFirstRustEngineUpperCasesAsJavaDoes() throws Exception {
        for (String text : new String[] {"hello from rust", "straße über ǆ ﬁ", ""}) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            String answer = FirstEngineInRust.run(text, new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(answer).as(text).isEqualTo(text.toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void workerThreadsServeEveryRequestOnAFreshCloneAsOneProcessWould() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ServeRequests.Report report = ServeRequests.run(3, 600, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String[] documents = {
            "{\"a\":[1,2,3],\"b\":{\"c\":\"d\"}}",
            "{\"user\":\"alice\",\"roles\":[\"admin\",\"ops\"],\"age\":41}",
            "[true,false,null,1.5e3,\"\\u00e9\"]",
            "{\"z\":{\"y\":{\"x\":{\"w\":[]}}}}",
        };
        String[] expected = new String[documents.length];
        try (dev.hermetic.host.Host host = dev.hermetic.host.Host.builder().build()) {
            var json = host.load("json", dev.hermetic.engines.Engines.bytes("json"));
            for (int i = 0; i < documents.length; i++) {
                expected[i] = new String(json.filter(documents[i].getBytes(StandardCharsets.UTF_8)).output(), StandardCharsets.UTF_8);
            }
        }
        assertThat(report.refused()).isZero();
        assertThat(report.answers()).hasSize(600);
        for (int i = 0; i < 600; i++) {
            assertThat(report.answers().get(i)).as("request %d", i).isEqualTo(expected[i % documents.length]);
        }
        assertThat(report.p50Micros()).isPositive().isLessThanOrEqualTo(report.p99Micros());
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("3 workers served 600 requests", "requests/s", "p50", "p99");
    }

    @Test
    void aFlinkJobLabelsEveryLineOfALogAsTheClassifiersCategoriesSay(@TempDir Path dir) throws Exception {
        // Lines whose category the keywords decide, so the counts are known without the engine.
        String[] storage = {"ERROR disk full on /dev/sda1", "volume backup failed: snapshot missing", "inode table on disk corrupt"};
        String[] finance = {"invoice 42 paid, refund pending", "payment declined by the ledger", "credit balance low"};
        String[] weather = {"storm warning: wind and rain", "forecast says snow"};
        String[] other = {"GET /index.html HTTP/1.1 200", "user alice logged out"};
        StringBuilder log = new StringBuilder();
        Random random = new Random(11);
        Map<String, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < 500; i++) {
            String[][] groups = {storage, finance, weather, other};
            String[] names = {"storage", "finance", "weather", "other"};
            int g = random.nextInt(groups.length);
            log.append(groups[g][random.nextInt(groups[g].length)]).append(" #").append(i).append('\n');
            expected.merge(names[g], 1L, Long::sum);
        }
        Path file = dir.resolve("app.log");
        Files.writeString(file, log.toString());

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Map<String, Long> counts = ClassifyLogWithFlink.run(file, 2, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(counts).isEqualTo(expected);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("500 lines labelled on Flink (parallelism 2)");
    }
}
