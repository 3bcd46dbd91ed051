package dev.hermetic.host.internal;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
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
     * The compiler's Maven version plus the SHA-256 of its central class file and of the parser's
     * (which validated the module), so a patched build of the same version gets its own entries.
     */
    public static final String COMPILER = compilerIdentity();

    private CodeCompiler() {}

    /**
     * Looks for a stored compilation of the engine with these bytes, before they are parsed: an
     * authentic entry also proves the bytes passed validation when it was made.
     *
     * @param store where compiled code is kept, or null for none
     * @param moduleSha256 lowercase hex SHA-256 of the engine's bytes as loaded
     * @param rewrites identifies the host's transformations between those bytes and the module compiled
     */
    public static Stored find(CodeStore store, String moduleSha256, String rewrites) {
        if (store == null) {
            return new Stored(null, null, null);
        }
        String key = key(moduleSha256, rewrites);
        return new Stored(store, key, store.get(key));
    }

    /**
     * What the store held for one module, and the compilation from it.
     *
     * @param store the store, or null when the host keeps none
     * @param key the module's key; null without a store
     * @param lookup what the store gave for the key; null without a store
     */
    public record Stored(CodeStore store, String key, CodeStore.Lookup lookup) {
        /**
         * Whether an authentic entry was found. Only a host holding the store's secret writes
         * entries, and only after its parser validated the same bytes (the key names the
         * parser's and compiler's build), so the bytes need no second validation.
         */
        public boolean authentic() {
            return lookup != null && lookup.outcome() == CodeStore.Outcome.HIT;
        }

        /**
         * The module as it was compiled, after the host's rewrites, as {@link #keepRewritten}
         * stored it beside an authentic entry; null when there is none (or it fails the store's
         * checks). A load that has it parses these bytes once and neither rewrites nor gates the
         * module again: the entry proves they came from the same bytes, gated and validated.
         */
        public byte[] rewritten() {
            if (!authentic()) {
                return null;
            }
            CodeStore.Lookup found = store.get(rewrittenKey(key));
            return found.outcome() == CodeStore.Outcome.HIT ? found.content() : null;
        }

        /** Stores the module as compiled (see {@link #rewritten}); nothing without a store. */
        public void keepRewritten(byte[] content) {
            if (store != null) {
                store.put(rewrittenKey(key), content);
            }
        }

        /**
         * Whether the compilation stored under this key runs every function as JVM bytecode, none
         * in Chicory's interpreter (which Chicory's compiler falls back to for a function it cannot
         * compile): then a load from it needs no function bodies. False when nothing authentic is
         * stored, or it cannot tell.
         */
        public boolean interpretsNothing() {
            if (store == null) {
                return false;
            }
            CodeStore.Lookup found = store.get(key);
            return found.outcome() == CodeStore.Outcome.HIT && namesNoInterpreter(found.content());
        }

        /**
         * The machines for {@code module}: loaded from the entry found, else compiled and stored.
         *
         * @param outcome told whether the store hit, missed or rejected an entry; not called without a store
         */
        public Function<Instance, Machine> compile(WasmModule module, Consumer<CodeStore.Outcome> outcome) {
            return compile(module, outcome, true);
        }

        /**
         * As {@link #compile(WasmModule, Consumer)}; with {@code mayRecompile} false (the module's
         * bodies are stubs, see {@link #interpretsNothing}), an authentic entry that fails to
         * load gives null instead, and nothing is told: the caller loads the whole module again.
         */
        public Function<Instance, Machine> compile(WasmModule module, Consumer<CodeStore.Outcome> outcome, boolean mayRecompile) {
            if (store == null || module.digest() == null) {
                // Chicory consults a cache only for modules with a digest (the key is ours, so any digest does).
                return MachineFactoryCompiler.compile(module);
            }
            try {
                Function<Instance, Machine> machines = MachineFactoryCompiler.builder(module)
                        .withCache(new BoundCache(store, key, lookup.content())).compile();
                outcome.accept(lookup.outcome());
                return machines;
            } catch (RuntimeException | LinkageError e) {
                if (!authentic()) {
                    throw e;
                }
                if (!mayRecompile) {
                    return null;
                }
                // Authentic but unloadable (say, classes this JVM refuses): compile afresh and replace it.
                System.getLogger(CodeCompiler.class.getName()).log(System.Logger.Level.WARNING,
                        "code cache: a stored compilation failed to load (" + e + "); recompiling");
                outcome.accept(CodeStore.Outcome.REJECTED);
                return MachineFactoryCompiler.builder(module).withCache(new BoundCache(store, key, null)).compile();
            }
        }
    }

    /**
     * The name a compiled machine's classes hold in their constant pool only when some function
     * runs in the interpreter (the field and the calls to it); {@code CodeCacheTest} checks the
     * class still exists in the Chicory on the class path.
     */
    public static final String INTERPRETER_MACHINE = "com/dylibso/chicory/runtime/internal/CompilerInterpreterMachine";

    /** False when a class in Chicory's stored jar names the interpreter machine, or the jar does not read. */
    public static boolean namesNoInterpreter(byte[] jar) {
        byte[] marker = INTERPRETER_MACHINE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (var in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            boolean anyClass = false;
            for (var entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entry.getName().endsWith(".class")) {
                    anyClass = true;
                    if (contains(in.readAllBytes(), marker)) {
                        return false;
                    }
                }
            }
            return anyClass;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The store key of the rewritten module kept beside the compilation under {@code key}. */
    public static String rewrittenKey(String key) {
        return key + " part=rewritten-module";
    }

    /** The store key of a module's compilation; see {@link CodeCompiler}. */
    public static String key(String moduleSha256, String rewrites) {
        return KEY_FORMAT + " compiler=" + COMPILER + " rewrites=" + rewrites + " module=sha256:" + moduleSha256;
    }

    /**
     * Chicory's cache interface over one key of a store, answering from a lookup already made;
     * Chicory's own key (the module's digest) is ignored.
     *
     * @param store where a fresh compilation is written
     * @param key the full key of this compilation; see {@link CodeCompiler}
     * @param found the verified stored content, or null for a miss
     */
    private record BoundCache(CodeStore store, String key, byte[] found) implements Cache {
        @Override
        public byte[] get(String ignored) {
            return found;
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
        return "chicory-" + version + "+" + classDigest(MachineFactoryCompiler.class, "internal/Compiler.class")
                + "+" + classDigest(Parser.class, "Parser.class");
    }

    /** The first 16 hex digits of the SHA-256 of a class file next to {@code anchor}, or "none". */
    private static String classDigest(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            return in == null ? "none" : HexFormat.of().formatHex(CodeStore.sha256(in.readAllBytes())).substring(0, 16);
        } catch (IOException e) {
            return "none";
        }
    }
}
