package dev.hermetic.flink;

import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Everything a task manager needs to run an engine, shipped inside the job graph: the module
 * (compressed), its SHA-256, the limits of each process, the output capacity and the codec.
 * Immutable and serializable; two specs with the same SHA-256 share one warm snapshot per JVM.
 *
 * <p>A spec made by {@link #preInitialized} carries the warm state the client computed
 * ({@link Snapshot#toPortableModule()}): it exports no {@code engine_init}, so a worker never
 * runs an untrusted init and every worker starts from byte-identical memory. A spec made by
 * {@link #of} carries the engine as built; each worker runs its {@code engine_init} once.
 */
public final class EngineSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The engine's name in logs, metrics and thread names; non-empty. */
    private final String name;
    /** The module's bytes, deflated; inflates to bytes whose SHA-256 is {@link #sha256}. */
    private final byte[] compressedModule;
    /** Lowercase hex SHA-256 of the uncompressed module; the pool's key. */
    private final String sha256;
    /** Whether the module is a pre-initialized snapshot (no {@code engine_init} left to run). */
    private final boolean preInitialized;
    /** Each process's wall-clock deadline in milliseconds; positive. */
    private final long deadlineMillis;
    /** Each process's most Wasm pages; in [1, 65536]. */
    private final int maxMemoryPages;
    /** Each process's most committed bytes; positive. */
    private final long maxCommittedBytes;
    /** Bytes of the writable output span, the most output one record can produce; positive. */
    private final int outputCapacity;
    /** How a record becomes {@code engine_start}'s arguments. */
    private final Codec codec;

    private EngineSpec(Builder b) {
        this.name = b.name;
        this.compressedModule = deflate(b.module);
        this.sha256 = sha256(b.module);
        this.preInitialized = b.preInitialized;
        this.deadlineMillis = b.deadline.toMillis();
        this.maxMemoryPages = b.maxMemoryPages;
        this.maxCommittedBytes = b.maxCommittedBytes;
        this.outputCapacity = b.outputCapacity;
        this.codec = b.codec;
        limits(); // refuses bad limits on the client, not on every task manager
    }

    /** A spec for {@code wasm} as built: each worker runs its {@code engine_init} once. */
    public static Builder of(String name, byte[] wasm) {
        return new Builder(name, wasm, false);
    }

    /**
     * A spec carrying {@code warm}'s state as a pre-initialized module: workers load it and
     * clone it without running any init.
     */
    public static Builder preInitialized(String name, Snapshot warm) {
        return new Builder(name, warm.toPortableModule(), true);
    }

    public String name() {
        return name;
    }

    public String sha256() {
        return sha256;
    }

    public boolean isPreInitialized() {
        return preInitialized;
    }

    public int outputCapacity() {
        return outputCapacity;
    }

    public Codec codec() {
        return codec;
    }

    /** Bytes the spec adds to the job graph. */
    public int compressedBytes() {
        return compressedModule.length;
    }

    /** The deadline of each process. */
    public Duration deadline() {
        return Duration.ofMillis(deadlineMillis);
    }

    /** The limits each process runs under. */
    public Limits limits() {
        return Limits.builder()
                .withDeadline(Duration.ofMillis(deadlineMillis))
                .withMaxMemoryPages(maxMemoryPages)
                .withMaxCommittedBytes(maxCommittedBytes)
                .build();
    }

    /**
     * The uncompressed module, checked against {@link #sha256()}.
     *
     * @throws IllegalStateException if the bytes do not inflate to the recorded digest
     */
    public byte[] module() {
        byte[] module = inflate(compressedModule);
        if (!sha256(module).equals(sha256)) {
            throw new IllegalStateException("the module of engine " + name + " does not match its SHA-256 " + sha256);
        }
        return module;
    }

    @Override
    public String toString() {
        return "EngineSpec[" + name + " " + sha256.substring(0, 12) + (preInitialized ? " pre-initialized" : "")
                + ", " + compressedModule.length + " bytes compressed]";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] deflate(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 4));
            byte[] chunk = new byte[64 << 10];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] bytes) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 4);
            byte[] chunk = new byte[64 << 10];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new UncheckedIOException(new IOException("truncated module"));
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new UncheckedIOException(new IOException("corrupt module", e));
        } finally {
            inflater.end();
        }
    }

    /** Limits default to the host's ({@link Limits#defaults()}); output capacity to 64 KiB; codec to {@link Codec#FILTER}. */
    public static final class Builder {
        private final String name;
        private final byte[] module;
        private final boolean preInitialized;
        private Duration deadline = Limits.DEFAULT_DEADLINE;
        private int maxMemoryPages = Limits.DEFAULT_MAX_MEMORY_PAGES;
        private long maxCommittedBytes = Limits.DEFAULT_MAX_COMMITTED_BYTES;
        private int outputCapacity = 64 << 10;
        private Codec codec = Codec.FILTER;

        private Builder(String name, byte[] module, boolean preInitialized) {
            this.name = Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("an engine needs a name");
            }
            this.module = Objects.requireNonNull(module, "module").clone();
            this.preInitialized = preInitialized;
        }

        public Builder withDeadline(Duration deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        public Builder withMaxMemoryPages(int pages) {
            this.maxMemoryPages = pages;
            return this;
        }

        public Builder withMaxCommittedBytes(long bytes) {
            this.maxCommittedBytes = bytes;
            return this;
        }

        public Builder withOutputCapacity(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("output capacity must be positive: " + bytes);
            }
            this.outputCapacity = bytes;
            return this;
        }

        public Builder withCodec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        public EngineSpec build() {
            return new EngineSpec(this);
        }
    }
}
