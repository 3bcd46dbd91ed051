package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.Random;

/** Inputs for the real filter engines, shared by the V8 peer test and the bench. */
public final class Workloads {

    private Workloads() {}

    /** Words the generated text and tables draw from; several are classifier keywords. */
    private static final String[] WORDS = {"the", "router", "Packet", "was", "dropping", "invoice",
        "Payment", "storm", "forecast", "coach", "scoring", "goal", "garlic", "Soup", "baking", "disk",
        "backup", "password", "token", "nurse", "vaccine", "and", "then", "of", "running", "quiet"};

    /** The real engines that follow the filter convention. */
    public static final List<String> FILTERS = List.of("sha256", "csv-stats", "regex", "deflate", "json", "classifier");

    /** A few inputs per engine, good and bad, for comparing runtimes. */
    static final Map<String, List<byte[]>> SAMPLES = Map.of(
            "sha256", List.of(new byte[0], "abc".getBytes(UTF_8), random(70_000, 256, 1)),
            "csv-stats", List.of("a,b\n1,2\n\"x,y\",3.5\n".getBytes(UTF_8), "a,\"b\n".getBytes(UTF_8),
                    csv(300, 2)),
            "regex", List.of(RegexEngineTest.input("[a-c]+b", "aab cab xyz abcabc"),
                    RegexEngineTest.input("(", "x"), RegexEngineTest.input("\\w+", text(5_000, 3))),
            "deflate", List.of(DeflateEngineTest.withMode('c', text(20_000, 4).getBytes(UTF_8)),
                    DeflateEngineTest.withMode('d', DeflateEngineTest.jdkDeflate(random(30_000, 7, 5))),
                    DeflateEngineTest.withMode('d', "junk".getBytes(UTF_8))),
            "json", List.of("{\"b\": [1, 2.5e3, \"\\u00e9\"], \"a\": null}".getBytes(UTF_8),
                    "[1,".getBytes(UTF_8), json(2_000, 6)),
            "classifier", List.of(ClassifierEngineTest.SAMPLE.getBytes(UTF_8), new byte[0],
                    text(3_000, 7).getBytes(UTF_8)));

    /** A larger input of roughly {@code bytes} bytes per engine, for throughput. */
    public static byte[] benchInput(String engine, int bytes) {
        return switch (engine) {
            case "sha256" -> random(bytes, 256, 11);
            case "csv-stats" -> csv(bytes / 24, 12);
            case "regex" -> RegexEngineTest.input("[A-Z][a-z]+ [a-z]+ing", text(bytes, 13));
            case "deflate" -> DeflateEngineTest.withMode('c', text(bytes, 14).getBytes(UTF_8));
            case "json" -> json(bytes / 60, 15);
            case "classifier" -> text(bytes, 16).getBytes(UTF_8);
            default -> throw new IllegalArgumentException(engine);
        };
    }

    static byte[] random(int length, int alphabet, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(alphabet);
        }
        return bytes;
    }

    /** Text lines of words, about {@code length} characters. */
    static String text(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]);
            text.append(random.nextInt(9) == 0 ? '\n' : ' ');
        }
        return text.toString();
    }

    static byte[] csv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("id,name,amount,ratio\n");
        for (int r = 0; r < rows; r++) {
            csv.append(r).append(",\"").append(WORDS[random.nextInt(WORDS.length)]).append(", ")
                    .append(WORDS[random.nextInt(WORDS.length)]).append("\",")
                    .append(random.nextInt(100_000)).append(',').append(random.nextInt(1000) / 8.0)
                    .append('\n');
        }
        return csv.toString().getBytes(UTF_8);
    }

    static byte[] json(int records, long seed) {
        Random random = new Random(seed);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < records; i++) {
            json.append(i == 0 ? "" : ",").append("{\"z\": ").append(random.nextInt())
                    .append(", \"name\": \"").append(WORDS[random.nextInt(WORDS.length)])
                    .append("\", \"ok\": ").append(random.nextBoolean())
                    .append(", \"r\": ").append(random.nextInt(1000) / 16.0).append("}");
        }
        return json.append("]").toString().getBytes(UTF_8);
    }
}
