package dev.hermetic.host.internal;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns a module into JVM bytecode with Chicory's compiler, through a {@link CodeStore} when the
 * host has one: the stored classes are loaded instead of compiling when an entry for the same
 * key passes the store's checks.
 *
 * <p>The key names everything the bytecode depends on: the module's SHA-256, the compiler's
 * identity ({@link #COMPILER}), the host's own rewriting of the module before compiling (the
 * caller's {@code rewrites} string: change it whenever a rewrite's output changes), and this
 * key's own layout version.
 */
public final class CodeCompiler {
    /** Version of the key layout below. */
    private static final String KEY_FORMAT = "hermetic-code/1";
    /**
     * The compiler's Maven version plus the SHA-256 of its central class file, so a patched build
     * of the same version still gets its own entries.
     */
    public static final String COMPILER = compilerIdentity();

    private CodeCompiler() {}

    /**
     * Compiles {@code module}, or loads its stored compilation.
     *
     * @param moduleSha256 lowercase hex SHA-256 of the engine's bytes as loaded
     * @param rewrites identifies the host's transformations between those bytes and {@code module}
     * @param store where compiled code is kept, or null to always compile
     * @param outcome told whether the store hit, missed or rejected an entry; not called without a store
     */
    public static Function<Instance, Machine> compile(WasmModule module, String moduleSha256, String rewrites,
            CodeStore store, Consumer<CodeStore.Outcome> outcome) {
        if (store == null || module.digest() == null) {
            // Chicory consults a cache only for modules with a digest (the key here is ours, so any digest does).
            return MachineFactoryCompiler.compile(module);
        }
        String key = key(moduleSha256, rewrites);
        BoundCache cache = new BoundCache(store, key, false);
        try {
            Function<Instance, Machine> machines = MachineFactoryCompiler.builder(module).withCache(cache).compile();
            outcome.accept(cache.outcome);
            return machines;
        } catch (RuntimeException | LinkageError e) {
            if (cache.outcome != CodeStore.Outcome.HIT) {
                throw e;
            }
            // Authentic but unloadable (say, classes this JVM refuses): compile afresh and replace it.
            System.getLogger(CodeCompiler.class.getName()).log(System.Logger.Level.WARNING,
                    "code cache: a stored compilation failed to load (" + e + "); recompiling");
            outcome.accept(CodeStore.Outcome.REJECTED);
            return MachineFactoryCompiler.builder(module).withCache(new BoundCache(store, key, true)).compile();
        }
    }

    /** The store key of a module's compilation; see {@link CodeCompiler}. */
    public static String key(String moduleSha256, String rewrites) {
        return KEY_FORMAT + " compiler=" + COMPILER + " rewrites=" + rewrites + " module=sha256:" + moduleSha256;
    }

    /** Chicory's cache interface over one key of a store: Chicory's own key (the digest) is ignored. */
    private static final class BoundCache implements Cache {
        /** The store entries are read from and written to. */
        private final CodeStore store;
        /** The full key of this compilation; see {@link CodeCompiler}. */
        private final String key;
        /** When true, {@link #get} misses without reading, so a stored compilation is replaced. */
        private final boolean replace;
        /** What the last {@link #get} found; ABSENT until then. */
        CodeStore.Outcome outcome = CodeStore.Outcome.ABSENT;

        BoundCache(CodeStore store, String key, boolean replace) {
            this.store = Objects.requireNonNull(store);
            this.key = Objects.requireNonNull(key);
            this.replace = replace;
        }

        @Override
        public byte[] get(String ignored) {
            if (replace) {
                return null;
            }
            CodeStore.Lookup lookup = store.get(key);
            outcome = lookup.outcome();
            return lookup.content();
        }

        @Override
        public void putIfAbsent(String ignored, byte[] data) {
            store.put(key, data);
        }
    }

    private static String compilerIdentity() {
        String version = "unknown";
        try (InputStream in = MachineFactoryCompiler.class.getResourceAsStream(
                "/META-INF/maven/com.dylibso.chicory/compiler/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // the class digest below still identifies the compiler
        }
        String classDigest = "none";
        try (InputStream in = MachineFactoryCompiler.class.getResourceAsStream("internal/Compiler.class")) {
            if (in != null) {
                classDigest = HexFormat.of().formatHex(CodeStore.sha256(in.readAllBytes())).substring(0, 16);
            }
        } catch (IOException e) {
            // the version alone then
        }
        return "chicory-" + version + "+" + classDigest;
    }
}
