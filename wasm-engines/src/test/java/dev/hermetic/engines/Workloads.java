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

    /** The ported engines, whose bench inputs are programs rather than data. */
    public static final List<String> PORTED = List.of("sqlite", "lua");

    /**
     * A heavy program for a ported engine: SQLite inserts 50,000 rows, indexes, joins, groups and
     * sorts them; Lua computes fib(30) by recursion, builds, scans and rewrites a 1 MB string and
     * sorts 200,000 numbers and 100,000 strings. Each prints a few lines to compare runtimes by.
     */
    public static byte[] portedBenchInput(String engine) {
        String program = switch (engine) {
            case "sqlite" -> """
                    CREATE TABLE item(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, price REAL);
                    CREATE TABLE grp(id INTEGER PRIMARY KEY, label TEXT);
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
                      INSERT INTO item SELECT i, i % 500, 'item-' || (i * 7919 % 50000), (i * 37 % 1000) / 10.0 FROM n;
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
                      INSERT INTO grp SELECT i, 'group-' || i FROM n;
                    CREATE INDEX item_name ON item(name);
                    CREATE INDEX item_grp ON item(grp, price);
                    SELECT g.label, count(*), round(sum(i.price), 1) FROM item i JOIN grp g ON g.id = i.grp
                      GROUP BY g.id ORDER BY sum(i.price) DESC, g.id LIMIT 5;
                    SELECT count(*) FROM item a JOIN item b ON a.name = b.name AND a.id < b.id;
                    SELECT sum(length(name)), min(name), max(name) FROM (SELECT name FROM item ORDER BY price, name);
                    SELECT grp, count(*) FROM item WHERE price BETWEEN 10 AND 20 GROUP BY grp ORDER BY 2 DESC, 1 LIMIT 3;
                    """;
            case "lua" -> """
                    local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
                    print(fib(30))
                    local parts = {}
                    for i = 1, 100000 do parts[#parts + 1] = string.format("%05d:%s", i * 7919 % 100000, ("x"):rep(i % 7 + 1)) end
                    local s = table.concat(parts, ",")
                    local count = 0
                    for _ in s:gmatch("(%d+):x+") do count = count + 1 end
                    print(#s, count, (s:gsub("x", "y")):sub(1, 30))
                    local nums = {}
                    for i = 1, 200000 do nums[i] = (i * 104729) % 1000003 end
                    table.sort(nums)
                    print(nums[1], nums[100000], nums[200000])
                    table.sort(parts, function(a, b) return a > b end)
                    print(parts[1], parts[#parts])
                    """;
            default -> throw new IllegalArgumentException(engine);
        };
        return program.getBytes(UTF_8);
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
