package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvStatsEngineTest {

    private static ChicoryEngine.FilterResult run(ChicoryEngine engine, String csv) {
        return engine.filter(csv.getBytes(UTF_8), 1 << 16);
    }

    private static String summary(String csv) {
        ChicoryEngine.FilterResult result = run(ChicoryEngine.start("csv-stats"), csv);
        assertThat(result.status()).as(csv).isNotNegative();
        return new String(result.output(), UTF_8);
    }

    @Test
    void summarizesQuotedFieldsAndNumericColumns() {
        assertThat(summary("name,age,city\n\"Smith, J\",42,Oslo\nDoe,7.5,\"Ber\"\"lin\"\r\nX,,Rome\n"))
                .isEqualTo("rows=3\ncolumns=3\nname: numeric=0\n"
                        + "age: numeric=2 sum=49.5 min=7.5 max=42\ncity: numeric=0\n");
        assertThat(summary("\"multi\nline\",n\n\"a\nb\",-3")).isEqualTo(
                "rows=1\ncolumns=2\nmulti\nline: numeric=0\nn: numeric=1 sum=-3 min=-3 max=-3\n");
        assertThat(summary("only")).isEqualTo("rows=0\ncolumns=1\nonly: numeric=0\n");
    }

    @Test
    void malformedInputIsADataIntegrityStatusAndTheEngineKeepsWorking() {
        ChicoryEngine engine = ChicoryEngine.start("csv-stats");
        for (String bad : new String[] {"", "a,b\n1,\"2\n", "a,b\n1\n", "a,b\n1,2,3\n",
                "a\nx\"y\n", "a\n\"x\"y\n", "a\rb\n", "a,b\n1,\0\n"}) {
            assertThat(run(engine, bad).status()).as("%s", bad).isEqualTo(-42);
        }
        assertThat(new String(run(engine, "v\n1\n2\n").output(), UTF_8))
                .isEqualTo("rows=2\ncolumns=1\nv: numeric=2 sum=3 min=1 max=2\n");
        assertThat(engine.filter("v\n1\n".getBytes(UTF_8), 10).status()).isEqualTo(-15);
    }

    @Test
    void heavyMallocAfterReceivingSpansLeavesTheSpansAlone() {
        ChicoryEngine engine = ChicoryEngine.start("csv-stats");
        byte[] csv = Workloads.csv(100_000, 3);
        ChicoryEngine.FilterResult result = engine.filter(csv, 1 << 20);
        assertThat(new String(result.output(), UTF_8)).startsWith("rows=100000\ncolumns=4\n");
        int base = (int) engine.call("hermetic_span_window")[0];
        assertThat(engine.memory().readBytes(base, csv.length)).isEqualTo(csv);
        assertThat(engine.memory().pages() * 65536L).isGreaterThan(base + 2L * csv.length);
    }

    @Test
    void agreesWithAModelOnRandomIntegerTables() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        for (int round = 0; round < 30; round++) {
            int columns = 1 + random.nextInt(6);
            int rows = random.nextInt(200);
            StringBuilder csv = new StringBuilder();
            StringBuilder expected = new StringBuilder("rows=" + rows + "\ncolumns=" + columns + "\n");
            long[][] values = new long[columns][rows];
            boolean[] text = new boolean[columns];
            for (int c = 0; c < columns; c++) {
                text[c] = random.nextInt(4) == 0;
                csv.append(c == 0 ? "" : ",").append(random.nextBoolean() ? "c" + c : "\"c," + c + "\"");
            }
            for (int r = 0; r < rows; r++) {
                csv.append(random.nextBoolean() ? "\n" : "\r\n");
                for (int c = 0; c < columns; c++) {
                    values[c][r] = random.nextInt(2001) - 1000;
                    String field = text[c] ? "t" + values[c][r] : Long.toString(values[c][r]);
                    csv.append(c == 0 ? "" : ",").append(random.nextInt(5) == 0 ? "\"" + field + "\"" : field);
                }
            }
            for (int c = 0; c < columns; c++) {
                String name = csv.toString().contains("\"c," + c + "\"") ? "c," + c : "c" + c;
                if (text[c] || rows == 0) {
                    expected.append(name).append(": numeric=0\n");
                } else {
                    long sum = 0;
                    long min = Long.MAX_VALUE;
                    long max = Long.MIN_VALUE;
                    for (long v : values[c]) {
                        sum += v;
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    expected.append(String.format("%s: numeric=%d sum=%d min=%d max=%d\n",
                            name, rows, sum, min, max));
                }
            }
            assertThat(summary(csv.toString())).as(Seeds.describe(seed)).isEqualTo(expected.toString());
        }
    }
}
