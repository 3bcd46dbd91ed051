package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.host.internal.CodeCompiler;
import dev.hermetic.host.internal.CodeStore;
import dev.hermetic.host.internal.JvmFlags;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The on-disk code cache: hits across hosts, and every kind of bad entry compiled afresh, never loaded. */
class CodeCacheTest {
    @TempDir
    Path tmp;

    private Path cacheDir() {
        return tmp.resolve("cache");
    }

    private Path secret() {
        return tmp.resolve("config").resolve("code-cache.key");
    }

    private CodeCache cache() {
        return CodeCache.builder(cacheDir()).withSecretFile(secret()).build();
    }

    /** A fresh host on the cache, as a new JVM would be: it loads {@code hc-add}, runs it, and says what the cache gave. */
    private String loadAndRun(CodeCache cache) throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withMeterRegistry(registry).withCodeCache(cache).build()) {
            Engine add = host.load("add", Fixtures.engine("hc-add"));
            assertThat(add.newProcess().start(Value.i32(17), Value.i32(23)).await())
                    .isEqualTo(new ProcessResult.Returned(java.util.Optional.of(Value.i32(40))));
            return cacheResult(registry);
        }
    }

    private static String cacheResult(SimpleMeterRegistry registry) {
        List<String> results = Search.in(registry).name("hermetic.code.cache").counters().stream()
                .filter(c -> c.count() > 0)
                .map(c -> c.getId().getTag("result") + "=" + (long) c.count())
                .toList();
        return String.join(",", results);
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.walk(cacheDir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".entry")).toList();
        }
    }

    /** The entry of the compiled classes (rewritten = false) or of the rewritten module kept beside them. */
    private Path entry(boolean rewritten) throws IOException {
        for (Path p : entries()) {
            String raw = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (raw.contains("part=rewritten-module") == rewritten) {
                return p;
            }
        }
        throw new AssertionError("no " + (rewritten ? "rewritten-module" : "compilation") + " entry in " + entries());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aSecondHostLoadsTheStoredCompilation() throws IOException, InterruptedException {
        assertThat(loadAndRun(cache())).isEqualTo("absent=1");
        // the compiled classes, and the module they were compiled from (after the host's rewrites)
        assertThat(entries()).hasSize(2);
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
        assertThat(entries()).hasSize(2);
    }

    /**
     * A hit parses the rewritten module kept beside the classes, neither gating nor rewriting the
     * bytes again: a kept module sealed with the secret (here, the bytes as given and a report no
     * splitter writes) is what the engine is built from.
     */
    @Test
    void aHitUsesTheRewrittenModuleKeptBesideTheClasses() throws Exception {
        byte[] wasm = Fixtures.engine("hc-add");
        loadAndRun(cache());
        SplitReport planted = new SplitReport(List.of(new SplitReport.Split(0, "planted", 9_000, 1_000, 2, null)), null);
        CodeStore store = CodeStore.open(cacheDir(), secret(), 1L << 30);
        store.put(CodeCompiler.rewrittenKey(CodeCompiler.key(sha256(wasm), Host.rewrites(true))),
                new Host.Split(wasm, planted).encode());
        try (Host host = Host.builder().withCodeCache(cache()).build()) {
            Engine add = host.load(wasm);
            assertThat(add.info().split()).isEqualTo(planted);
            assertThat(add.newProcess().start(Value.i32(2), Value.i32(3)).await())
                    .isEqualTo(new ProcessResult.Returned(java.util.Optional.of(Value.i32(5))));
        }
    }

    /**
     * Every function of a real engine is stored compiled, so the module kept beside the classes
     * has stubs for bodies and a hit parses no code: the engine a hit loads holds only stubs and
     * gives, on the same inputs, what the engine compiled afresh and uncached gives.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"json", "regex"})
    void aHitParsesNoFunctionBodiesAndGivesTheSameOutputs(String name) throws Exception {
        byte[] wasm = Fixtures.engine(name);
        byte[] input = dev.hermetic.engines.Workloads.benchInput(name, 16 << 10);
        byte[] expected;
        try (Host plain = Host.builder().build()) {
            expected = outputOf(plain.load(name, wasm).filter(input));
        }
        try (Host first = Host.builder().withCodeCache(cache()).build()) {
            assertThat(outputOf(first.load(name, wasm).filter(input))).isEqualTo(expected);
        }
        CodeStore store = CodeStore.open(cacheDir(), secret(), 1L << 30);
        Host.Split kept = Host.Split.decode(store.get(
                CodeCompiler.rewrittenKey(CodeCompiler.key(sha256(wasm), Host.rewrites(true)))).content());
        assertThat(kept.bodiesStubbed()).isTrue();
        assertThat(kept.wasm().length).isLessThan(wasm.length / 2);
        try (Host second = Host.builder().withCodeCache(cache()).build()) {
            Engine engine = second.load(name, wasm);
            var bodies = engine.module().codeSection().functionBodies();
            assertThat(bodies).isNotEmpty().allSatisfy(b -> assertThat(b.instructions()).hasSize(2));
            assertThat(outputOf(engine.filter(input))).isEqualTo(expected);
            // A clone runs the same stored code.
            try (Snapshot warm = engine.snapshot()) {
                assertThat(outputOf(warm.filter(input))).isEqualTo(expected);
            }
        }
    }

    private static byte[] outputOf(FilterResult result) {
        assertThat(result).isInstanceOf(FilterResult.Output.class);
        return ((FilterResult.Output) result).bytes();
    }

    /** Whether a stored compilation runs a function in Chicory's interpreter shows in its classes' constant pools. */
    @Test
    void theInterpreterMachineIsNamedOnlyByCompilationsThatUseIt() throws Exception {
        Class.forName(CodeCompiler.INTERPRETER_MACHINE.replace('/', '.'));
        assertThat(CodeCompiler.namesNoInterpreter(jarOf(Planted.class))).isTrue();
        assertThat(CodeCompiler.namesNoInterpreter(jarOf(NamesTheInterpreter.class))).isFalse();
        assertThat(CodeCompiler.namesNoInterpreter(new byte[] {1, 2, 3})).isFalse();
    }

    /** Holds a reference to the interpreter machine, as a compiled machine with interpreted functions does. */
    public static final class NamesTheInterpreter {
        Class<?> machine = com.dylibso.chicory.runtime.internal.CompilerInterpreterMachine.class;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampers")
    void aTamperedRewrittenModuleIsDerivedAgainAndReplaced(Tamper tamper) throws Exception {
        assertThat(loadAndRun(cache())).isEqualTo("absent=1");
        tamper.change().accept(this, entry(true));
        // The classes still hit; the module is gated, parsed and rewritten afresh, and kept again.
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
        CodeStore store = CodeStore.open(cacheDir(), secret(), 1L << 30);
        String key = CodeCompiler.rewrittenKey(CodeCompiler.key(sha256(Fixtures.engine("hc-add")), Host.rewrites(true)));
        assertThat(store.get(key).outcome()).isEqualTo(CodeStore.Outcome.HIT);
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
    }

    @Test
    void aModuleThatFailsValidationLeavesNoEntry() throws IOException {
        // (func (result i32)) with an empty body: parses, but does not validate.
        byte[] invalid = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b};
        try (Host host = Host.builder().withCodeCache(cache()).build()) {
            assertThatThrownBy(() -> host.load(invalid)).isInstanceOf(EngineFormatException.class);
        }
        // So an authentic entry, which lets a load skip validation, exists only for validated bytes.
        assertThat(entries()).isEmpty();
    }

    @Test
    void withoutACacheNothingIsWritten() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withMeterRegistry(registry).build()) {
            host.load(Fixtures.engine("hc-add"));
        }
        assertThat(cacheResult(registry)).isEmpty();
        assertThat(cacheDir()).doesNotExist();
    }

    @Test
    void theKeyNamesTheModuleTheCompilerAndTheRewrites() {
        String key = CodeCompiler.key("ab".repeat(32), Host.REWRITES);
        assertThat(key).contains("module=sha256:" + "ab".repeat(32), "rewrites=" + Host.REWRITES, "compiler=chicory-1.7.5+");
        assertThat(CodeCompiler.key("ab".repeat(32), "other/1")).isNotEqualTo(key);
    }

    /** A way a hostile or broken cache directory can change an entry. */
    private record Tamper(String name, BiConsumer<CodeCacheTest, Path> change) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Tamper> tampers() {
        return List.of(
                new Tamper("one content byte flipped", (t, p) -> t.flip(p, 60)),
                new Tamper("one MAC byte flipped", (t, p) -> t.flip(p, -1)),
                new Tamper("one key byte flipped", (t, p) -> t.flip(p, 14)),
                new Tamper("truncated to half", (t, p) -> t.truncate(p, 0.5)),
                new Tamper("MAC cut off", (t, p) -> t.truncate(p, -32)),
                new Tamper("emptied", (t, p) -> t.truncate(p, 0)),
                new Tamper("bytes appended", (t, p) -> t.rewrite(p, b -> concat(b, new byte[] {1, 2, 3}))),
                new Tamper("swapped with another engine's valid entry", CodeCacheTest::swapWithAnotherEngine),
                new Tamper("made under another secret", CodeCacheTest::sealUnderAnotherSecret),
                new Tamper("replaced by a symlink to a valid entry", CodeCacheTest::symlinkToACopy),
                new Tamper("replaced by a directory", (t, p) -> t.io(() -> {
                    Files.delete(p);
                    Files.createDirectory(p);
                })),
                new Tamper("random bytes", (t, p) -> t.rewrite(p, b -> {
                    new Random(b.length).nextBytes(b);
                    return b;
                })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampers")
    void aTamperedEntryIsRecompiledAndReplaced(Tamper tamper) throws IOException, InterruptedException {
        assertThat(loadAndRun(cache())).isEqualTo("absent=1");
        Path entry = entry(false);
        tamper.change().accept(this, entry);

        assertThat(loadAndRun(cache())).isEqualTo("rejected=1");
        // Replaced by a good entry: the next host hits.
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
    }

    /**
     * The check is what stands between the directory and the JVM: a class sealed with the real
     * secret is loaded, and its static initializer runs; the same class under any other secret
     * never is.
     */
    @Test
    void aPlantedClassRunsOnlyWhenSealedWithTheSecret() throws Exception {
        byte[] wasm = Fixtures.engine("hc-add");
        String key = CodeCompiler.key(sha256(wasm), Host.rewrites(true));
        byte[] planted = jarOf(Planted.class);
        System.clearProperty(Planted.RAN);

        CodeStore forger = CodeStore.open(cacheDir(), tmp.resolve("elsewhere").resolve("their.key"), 1 << 30);
        forger.put(key, planted);
        assertThat(loadAndRun(cache())).isEqualTo("rejected=1");
        assertThat(System.getProperty(Planted.RAN)).as("a forged entry was loaded").isNull();

        CodeStore.open(cacheDir(), secret(), 1 << 30).put(key, planted);
        // Authentic bytes are loaded (this is why the secret must stay private); these are not a
        // machine, so the host then compiles afresh and still runs the engine.
        assertThat(loadAndRun(cache())).isEqualTo("rejected=1");
        assertThat(System.getProperty(Planted.RAN)).isEqualTo("yes");
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
        System.clearProperty(Planted.RAN);
    }

    /** Records, when the JVM initializes it, that it was loaded. */
    public static final class Planted {
        static final String RAN = "hermetic.test.planted.ran";

        static {
            System.setProperty(RAN, "yes");
        }
    }

    /** A jar in the layout Chicory's compiler stores, with {@code c} as its main class. */
    private static byte[] jarOf(Class<?> c) throws IOException {
        String resource = c.getName().replace('.', '/') + ".class";
        byte[] classBytes;
        try (InputStream in = c.getClassLoader().getResourceAsStream(resource)) {
            classBytes = in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("wasm-module.properties"));
            jar.write(("mainClass=" + c.getName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry(resource));
            jar.write(classBytes);
            jar.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void writersInManyThreadsAndStoresNeverLeaveAPartialEntry() throws Exception {
        int threads = 6;
        int rounds = 150;
        long seed = Fixtures.seed();
        // Small enough that eviction runs all the time, under the readers' feet.
        long bound = 3 * 40_000;
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            // A store of its own per thread: nothing shared but the directory, as between processes.
            CodeStore store = CodeStore.open(cacheDir(), secret(), bound);
            Random random = new Random(seed + i);
            workers[i] = new Thread(() -> {
                try {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        int k = random.nextInt(5);
                        byte[] content = contentOf(k);
                        if (random.nextBoolean()) {
                            store.put("key-" + k, content);
                        }
                        CodeStore.Lookup l = store.get("key-" + k);
                        if (l.outcome() == CodeStore.Outcome.REJECTED
                                || l.outcome() == CodeStore.Outcome.HIT && !java.util.Arrays.equals(l.content(), content)) {
                            wrong.add(l.outcome() + " " + l.reason());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers[i].start();
        }
        go.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertThat(wrong).as("seed " + seed).isEmpty();
        long total = 0;
        for (Path p : entries()) {
            total += Files.size(p);
        }
        assertThat(total).isLessThanOrEqualTo(bound);
        try (Stream<Path> s = Files.list(cacheDir())) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()).isEmpty();
        }
    }

    private static byte[] contentOf(int k) {
        byte[] b = new byte[30_000 + k * 1000];
        new Random(k).nextBytes(b);
        return b;
    }

    @Test
    void theLeastRecentlyUsedEntriesAreEvictedFirst() throws IOException {
        CodeStore store = CodeStore.open(cacheDir(), secret(), 3 * 10_100);
        long t = System.currentTimeMillis() - 100_000;
        for (int k = 0; k < 3; k++) {
            store.put("key-" + k, new byte[10_000]);
            for (Path p : entries()) {
                if (Files.getLastModifiedTime(p).toMillis() > t + 10_000 * k) {
                    Files.setLastModifiedTime(p, FileTime.fromMillis(t + 10_000 * k));
                }
            }
        }
        // key-0 is the oldest written, but read now: key-1 becomes the least recently used.
        assertThat(store.get("key-0").outcome()).isEqualTo(CodeStore.Outcome.HIT);
        store.put("key-3", new byte[10_000]);
        assertThat(store.get("key-1").outcome()).isEqualTo(CodeStore.Outcome.ABSENT);
        assertThat(store.get("key-0").outcome()).isEqualTo(CodeStore.Outcome.HIT);
        assertThat(store.get("key-2").outcome()).isEqualTo(CodeStore.Outcome.HIT);
        assertThat(store.get("key-3").outcome()).isEqualTo(CodeStore.Outcome.HIT);
        assertThat(entries()).hasSize(3);
    }

    @Test
    void garbageInTheDirectoryIsIgnored() throws IOException, InterruptedException {
        Files.createDirectories(cacheDir().resolve("zz"));
        Files.write(cacheDir().resolve("zz").resolve("junk.entry"), new byte[] {1, 2, 3});
        Files.write(cacheDir().resolve("README"), new byte[] {4});
        Files.createDirectories(cacheDir().resolve("not-a-shard"));
        assertThat(loadAndRun(cache())).isEqualTo("absent=1");
        assertThat(loadAndRun(cache())).isEqualTo("hit=1");
    }

    @Test
    void aDirectoryOthersMayWriteIsNotUsed() throws IOException, InterruptedException {
        Files.createDirectories(cacheDir());
        Files.setPosixFilePermissions(cacheDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(loadAndRun(cache())).isEmpty();
        assertThat(entries()).isEmpty();
        assertThatThrownBy(() -> CodeStore.open(cacheDir(), secret(), 1 << 20))
                .hasMessageContaining("must not grant").hasMessageContaining("OTHERS_WRITE");
    }

    @Test
    void aSecretOthersMayReadIsNotUsed() throws IOException, InterruptedException {
        assertThat(loadAndRun(cache())).isEqualTo("absent=1");
        Files.setPosixFilePermissions(secret(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(loadAndRun(cache())).isEmpty();
        assertThatThrownBy(() -> CodeStore.open(cacheDir(), secret(), 1 << 20)).hasMessageContaining("OTHERS_READ");
    }

    @Test
    void aSecretInsideTheDirectoryOrOfTheWrongSizeIsRefused() throws IOException, InterruptedException {
        assertThatThrownBy(() -> CodeStore.open(cacheDir(), cacheDir().resolve("k"), 1 << 20))
                .hasMessageContaining("outside the cache directory");
        Files.createDirectories(secret().getParent());
        Files.write(secret(), new byte[5]);
        Files.setPosixFilePermissions(secret(), PosixFilePermissions.fromString("rw-------"));
        assertThat(loadAndRun(cache())).isEmpty();
        assertThatThrownBy(() -> CodeStore.open(cacheDir(), secret(), 1 << 20)).hasMessageContaining("5 bytes");
    }

    @Test
    void aCacheDirectoryThatIsAFileLeavesTheHostCompiling() throws IOException, InterruptedException {
        Files.write(cacheDir(), new byte[] {1});
        assertThat(loadAndRun(cache())).isEmpty();
    }

    @Test
    void theSecretIsCreatedOwnerOnly() throws IOException, InterruptedException {
        loadAndRun(cache());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir()))).isEqualTo("rwx------");
        assertThat(Files.size(secret())).isEqualTo(32);
    }

    @Test
    void theGaugeSaysWhetherThisJvmCompilesHugeMethods() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Host host = Host.builder().withMeterRegistry(registry).build()) {
            double gauge = registry.get("hermetic.jvm.huge.methods.compiled").gauge().value();
            boolean flag = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                    .contains("-XX:-DontCompileHugeMethods");
            assertThat(JvmFlags.compilesHugeMethods()).contains(flag);
            assertThat(gauge).isEqualTo(flag ? 1.0 : 0.0);
        }
    }

    // ---- tampering helpers ----

    private interface Io {
        void run() throws IOException;
    }

    private interface Rewrite {
        byte[] apply(byte[] bytes);
    }

    private void io(Io io) {
        try {
            io.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void rewrite(Path p, Rewrite r) {
        io(() -> Files.write(p, r.apply(Files.readAllBytes(p))));
    }

    /** Flips the byte at {@code at}, counted from the end when negative. */
    private void flip(Path p, int at) {
        rewrite(p, b -> {
            int i = at >= 0 ? at : b.length + at;
            b[i] ^= 0x40;
            return b;
        });
    }

    /** Keeps a fraction of the bytes when {@code keep} is in [0, 1), else cuts {@code -keep} bytes. */
    private void truncate(Path p, double keep) {
        rewrite(p, b -> java.util.Arrays.copyOf(b, keep < 1 && keep >= 0 ? (int) (b.length * keep) : b.length + (int) keep));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void swapWithAnotherEngine(CodeCacheTest t, Path entry) {
        t.io(() -> {
            List<Path> before = t.entries();
            try (Host host = Host.builder().withCodeCache(t.cache()).build()) {
                host.load(Fixtures.engine("hc-floats"));
            }
            Path other = t.entries().stream().filter(p -> !before.contains(p)).findFirst().orElseThrow();
            Files.move(other, entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        });
    }

    private static void sealUnderAnotherSecret(CodeCacheTest t, Path entry) {
        t.io(() -> {
            Path otherDir = t.tmp.resolve("other-cache");
            try (Host host = Host.builder().withCodeCache(CodeCache.builder(otherDir)
                    .withSecretFile(t.tmp.resolve("other-config").resolve("k")).build()).build()) {
                host.load(Fixtures.engine("hc-add"));
            }
            try (Stream<Path> s = Files.walk(otherDir)) {
                // the same key, so the same file name, under the other secret
                Path theirs = s.filter(p -> p.getFileName().equals(entry.getFileName())).findFirst().orElseThrow();
                Files.copy(theirs, entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    private static void symlinkToACopy(CodeCacheTest t, Path entry) {
        t.io(() -> {
            Path copy = t.tmp.resolve("copy.entry");
            Files.copy(entry, copy);
            Files.delete(entry);
            Files.createSymbolicLink(entry, copy);
        });
    }
}
