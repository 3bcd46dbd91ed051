package dev.hermetic.host;

import dev.hermetic.host.internal.CodeStore;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link Host} keeps engines' compiled JVM bytecode between runs, so a second JVM loads
 * an engine without compiling it again ({@link Host.Builder#withCodeCache}). Off unless given:
 * an embedder decides where its process may write. The CLI uses {@link #defaultDirectory()}.
 *
 * <p>An entry is keyed by the engine's SHA-256, the compiler's version and the host's own
 * rewriting of the module, and authenticated with an HMAC-SHA256 under a secret kept outside the
 * directory ({@link #defaultSecretFile()}, created owner-only on first use). An entry that is
 * tampered with, truncated, moved to another key, or made under another secret is never loaded:
 * the engine is compiled again and the entry replaced. On POSIX file systems the directory and
 * the secret must belong to the user running the host and be writable (the secret: readable) by
 * no one else; otherwise the cache is not used and the host says why, once, at WARNING. Threads
 * and processes may share one directory; entries are written atomically and evicted least
 * recently used first beyond {@link Builder#withMaxBytes}.
 */
public final class CodeCache {
    /** Default bound of a cache directory: 512 MiB, room for a few hundred compiled engines. */
    public static final long DEFAULT_MAX_BYTES = 512L << 20;

    /** The directory entries live in; created owner-only when absent. */
    private final Path directory;
    /** The secret entries are authenticated with; never inside {@link #directory}. */
    private final Path secretFile;
    /** The most bytes the entries may take together; positive. */
    private final long maxBytes;

    private CodeCache(Builder b) {
        this.directory = b.directory;
        this.secretFile = b.secretFile;
        this.maxBytes = b.maxBytes;
    }

    /** A cache in {@code directory}, with the secret at {@link #defaultSecretFile()} unless told otherwise. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** {@code $XDG_CACHE_HOME/hermetic/code}, or {@code ~/.cache/hermetic/code}. */
    public static Path defaultDirectory() {
        return xdg("XDG_CACHE_HOME", ".cache").resolve("hermetic").resolve("code");
    }

    /** {@code $XDG_CONFIG_HOME/hermetic/code-cache.key}, or {@code ~/.config/hermetic/code-cache.key}. */
    public static Path defaultSecretFile() {
        return xdg("XDG_CONFIG_HOME", ".config").resolve("hermetic").resolve("code-cache.key");
    }

    private static Path xdg(String variable, String fallback) {
        String value = System.getenv(variable);
        // The XDG spec: a relative value is invalid and must be ignored.
        if (value != null && !value.isEmpty() && Path.of(value).isAbsolute()) {
            return Path.of(value);
        }
        return Path.of(System.getProperty("user.home"), fallback);
    }

    public Path directory() {
        return directory;
    }

    public Path secretFile() {
        return secretFile;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Opens the store, or says why it cannot be used. */
    Optional<CodeStore> open(System.Logger log) {
        try {
            return Optional.of(CodeStore.open(directory, secretFile, maxBytes));
        } catch (CodeStore.UnsafeStoreException e) {
            log.log(System.Logger.Level.WARNING, "code cache not used, engines will be compiled on every load: "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    /** Builds a {@link CodeCache}. */
    public static final class Builder {
        private final Path directory;
        private Path secretFile = defaultSecretFile();
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The file holding the HMAC secret; it must not be inside the cache directory. */
        public Builder withSecretFile(Path secretFile) {
            this.secretFile = Objects.requireNonNull(secretFile, "secretFile");
            return this;
        }

        /** The most bytes the entries may take together; the least recently used go first. */
        public Builder withMaxBytes(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        public CodeCache build() {
            return new CodeCache(this);
        }
    }
}
