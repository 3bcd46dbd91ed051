package dev.hermetic.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our smallcaps against {@code @endo/marshal} itself, run under Node on a seeded corpus. */
class SmallcapsAgreementTest {
    private static final Path PEER_DIR = Path.of("src/test/node");
    private static final int CORPUS_SIZE = 1500;

    @Test
    void encoderAndDecoderAgreeWithEndoMarshal(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(PEER_DIR.resolve("node_modules/@endo/marshal")),
                "skipped: run `npm ci` in hooks/src/test/node to install @endo/marshal");
        assumeTrue(nodeAvailable(), "skipped: no `node` on PATH");

        long seed = PassableGenerator.seed();
        PassableGenerator generator = new PassableGenerator(new Random(seed));
        List<Object> corpus = new ArrayList<>();
        ArrayNode descriptions = PassableGenerator.JSON.createArrayNode();
        for (int i = 0; i < CORPUS_SIZE; i++) {
            Object value = generator.value(4);
            corpus.add(value);
            descriptions.add(PassableGenerator.describe(value));
        }
        Path corpusFile = tmp.resolve("corpus.json");
        Path outFile = tmp.resolve("out.json");
        PassableGenerator.JSON.writeValue(corpusFile.toFile(), descriptions);

        Process node = new ProcessBuilder("node", "smallcaps-peer.mjs", corpusFile.toString(), outFile.toString())
                .directory(PEER_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("node.log").toFile())
                .start();
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as("node exit, log: %s", Files.readString(tmp.resolve("node.log"))).isZero();

        JsonNode results = PassableGenerator.JSON.readTree(outFile.toFile());
        assertThat(results.size()).isEqualTo(CORPUS_SIZE);
        for (int i = 0; i < CORPUS_SIZE; i++) {
            JsonNode endo = results.get(i);
            CapData ours = Smallcaps.encode(corpus.get(i));
            String context = "seed " + seed + " (-Dhooks.seed=" + seed + "), value " + i + ": " + descriptions.get(i);
            assertThat(ours.body()).as(context).isEqualTo(endo.get("body").asText());
            List<String> endoSlots = new ArrayList<>();
            endo.get("slots").forEach(s -> endoSlots.add(s.asText()));
            assertThat(ours.slots()).as(context).isEqualTo(endoSlots);
            Object endoDecoded = PassableGenerator.fromDescription(endo.get("decoded"));
            assertThat(Smallcaps.decode(new CapData(endo.get("body").asText(), endoSlots)))
                    .as(context).isEqualTo(endoDecoded);
        }
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }
}
