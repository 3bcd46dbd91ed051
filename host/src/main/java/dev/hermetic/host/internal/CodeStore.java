package dev.hermetic.host.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Entries of bytes on disk, each bound to its key and authenticated, for code the host will load
 * into its own JVM.
 *
 * <p>Threat model. Whoever can write the directory can put any bytes in it: a crashed writer
 * leaves a truncated file, a disk or a copy flips bits, and a cache directory restored from
 * somewhere less trusted than this machine (a CI cache, a shared volume, a backup, another
 * account's copy) may hold entries made to run code in this JVM. None of that is ever returned:
 * an entry is returned only when its HMAC-SHA256, under a secret that never lives in the
 * directory, covers the format, the exact key asked for, and the content. A changed byte, a
 * truncation, an entry moved to another key's file name, an entry made under another secret, a
 * symlink or a FIFO in an entry's place: each is a miss, and the caller recompiles and overwrites
 * it. The bytes checked are the bytes returned (read once into memory), so a file swapped after
 * the check changes nothing. Beyond the MAC, on POSIX file systems the directory and the secret
 * must belong to this user and be writable (the secret: readable) by no one else, or the store
 * refuses to open. Out of scope: anyone who can read the secret file or write this user's files
 * outside the directory (they can change the host's own jar just as well), and a replayed old
 * entry of the same key, which is by construction a correct output for that key.
 *
 * <p>Concurrency. Any number of threads and processes may share a directory: an entry is written
 * to a temporary file and renamed into place atomically, so a reader sees a whole entry or none;
 * two writers of one key write the same content, and the last rename wins. The secret is created
 * once, by a hard link that fails when another process made it first.
 *
 * <p>Size. After each write, entries are deleted least recently used first (a hit touches the
 * entry's modification time) until the total is at most {@link #maxBytes}.
 */
public final class CodeStore {
    private static final byte[] MAGIC = {'H', 'M', 'C', 'C'};
    /** Version of the entry layout; part of every MAC. */
    private static final int FORMAT = 1;
    private static final int MAC_BYTES = 32;
    private static final int SECRET_BYTES = 32;
    private static final String ENTRY_SUFFIX = ".entry";
    private static final String TEMP_PREFIX = ".tmp-";
    /** Temporary files older than this are a dead writer's and are deleted when evicting. */
    private static final long STALE_TEMP_MILLIS = 10 * 60 * 1000L;
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final System.Logger LOG = System.getLogger(CodeStore.class.getName());

    /** The real path of the entries' directory; on POSIX, owned by this user and writable by no one else. */
    private final Path directory;
    /** The HMAC secret, {@value #SECRET_BYTES} bytes, read from a file outside {@link #directory}. */
    private final SecretKeySpec secret;
    /** The most bytes all entries may take together; positive. A larger entry is never stored. */
    private final long maxBytes;

    /** Why a lookup missed; {@link #HIT} when it did not. */
    public enum Outcome {
        HIT,
        /** No entry for the key. */
        ABSENT,
        /** An entry was there and failed its checks; it was not returned. */
        REJECTED
    }

    /** What a lookup found: the verified content when {@link Outcome#HIT}, else null and why. */
    public record Lookup(Outcome outcome, byte[] content, String reason) {}

    private CodeStore(Path directory, SecretKeySpec secret, long maxBytes) {
        this.directory = directory;
        this.secret = secret;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (creating if needed) the store in {@code directory} with the secret in
     * {@code secretFile} (created with a random secret if absent).
     *
     * @throws UnsafeStoreException if the directory or the secret is not private to this user,
     *     or cannot be created or read
     */
    public static CodeStore open(Path directory, Path secretFile, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        try {
            Path dir = privateDirectory(directory);
            Path absoluteSecret = secretFile.toAbsolutePath();
            if (absoluteSecret.startsWith(dir) || absoluteSecret.normalize().startsWith(directory.toAbsolutePath().normalize())) {
                throw new UnsafeStoreException("the secret file must be outside the cache directory: " + secretFile);
            }
            Path secretDir = absoluteSecret.getParent();
            privateDirectory(secretDir);
            return new CodeStore(dir, new SecretKeySpec(readOrCreateSecret(absoluteSecret), "HmacSHA256"), maxBytes);
        } catch (IOException e) {
            throw new UnsafeStoreException("cannot open the code cache " + directory + ": " + e, e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The content stored under {@code key}, if an entry exists and passes every check. */
    public Lookup get(String key) {
        Path file = fileOf(key);
        byte[] raw;
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                return reject(file, "not a regular file");
            }
            if (attrs.size() > maxBytes || attrs.size() > Integer.MAX_VALUE - 8) {
                return reject(file, "larger than the whole cache may be");
            }
            raw = readAtMost(file, (int) attrs.size());
        } catch (NoSuchFileException e) {
            return new Lookup(Outcome.ABSENT, null, "no entry");
        } catch (IOException e) {
            return reject(file, "unreadable: " + e);
        }
        String problem = verify(key, raw);
        if (problem != null) {
            return reject(file, problem);
        }
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Recency is a hint for eviction; a read-only touch costs nothing but order.
        }
        int keyLength = ByteBuffer.wrap(raw, MAGIC.length + 4, 4).getInt();
        int contentOffset = MAGIC.length + 8 + keyLength + 4;
        return new Lookup(Outcome.HIT, Arrays.copyOfRange(raw, contentOffset, raw.length - MAC_BYTES), null);
    }

    /**
     * Stores {@code content} under {@code key}, replacing any entry there, then evicts down to
     * the size bound. Failures are logged and swallowed: a cache that cannot write is a cache
     * that misses.
     */
    public void put(String key, byte[] content) {
        byte[] entry = seal(key, content);
        if (entry.length > maxBytes) {
            LOG.log(System.Logger.Level.DEBUG, "code cache: entry of {0} bytes exceeds the bound {1}", entry.length, maxBytes);
            return;
        }
        Path file = fileOf(key);
        Path temp = null;
        try {
            Files.createDirectories(file.getParent());
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                // Something put a directory where the entry goes; an empty one is cleared away.
                Files.delete(file);
            }
            temp = Files.createTempFile(directory, TEMP_PREFIX, ENTRY_SUFFIX);
            Files.write(temp, entry);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            evict();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "code cache: cannot write " + file + ": " + e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // Left for the next eviction pass, which deletes stale temporary files.
                }
            }
        }
    }

    /** The entry layout: magic, format, key length, key, content length, content, MAC over all before it. */
    byte[] seal(String key, byte[] content) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + 4 + keyBytes.length + 4 + content.length + MAC_BYTES);
        b.put(MAGIC).putInt(FORMAT).putInt(keyBytes.length).put(keyBytes).putInt(content.length).put(content);
        b.put(mac(b.array(), b.position()));
        return b.array();
    }

    /** Null when {@code raw} is a whole entry for {@code key} under this store's secret, else why not. */
    private String verify(String key, byte[] raw) {
        int header = MAGIC.length + 8;
        if (raw.length < header + 4 + MAC_BYTES) {
            return "truncated";
        }
        if (!Arrays.equals(raw, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return "not an entry";
        }
        // The MAC first: nothing an unauthenticated file says is believed, lengths included.
        byte[] expected = mac(raw, raw.length - MAC_BYTES);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length))) {
            return "MAC mismatch (tampered, truncated, or made under another secret)";
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        b.position(MAGIC.length);
        if (b.getInt() != FORMAT) {
            return "another format";
        }
        int keyLength = b.getInt();
        if (keyLength < 0 || keyLength > raw.length - header - 4 - MAC_BYTES) {
            return "bad key length";
        }
        byte[] keyBytes = new byte[keyLength];
        b.get(keyBytes);
        if (!Arrays.equals(keyBytes, key.getBytes(StandardCharsets.UTF_8))) {
            return "an entry for another key";
        }
        if (b.getInt() != raw.length - b.position() - MAC_BYTES) {
            return "bad content length";
        }
        return null;
    }

    private byte[] mac(byte[] bytes, int length) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(secret);
            m.update(bytes, 0, length);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private Lookup reject(Path file, String reason) {
        LOG.log(System.Logger.Level.WARNING, "code cache: ignoring " + file + ": " + reason + "; recompiling");
        return new Lookup(Outcome.REJECTED, null, reason);
    }

    /** {@code directory/ab/abcdef….entry}: the SHA-256 of the key, so no key can name a path. */
    private Path fileOf(String key) {
        String hex = HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
        return directory.resolve(hex.substring(0, 2)).resolve(hex.substring(2) + ENTRY_SUFFIX);
    }

    /** Reads a file the size its attributes said; fails if it holds more, so a file cannot grow under us unbounded. */
    private static byte[] readAtMost(Path file, int size) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate(size + 1);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
            if (buf.position() != size) {
                throw new IOException("changed size while read");
            }
            return Arrays.copyOf(buf.array(), size);
        }
    }

    /** Deletes the least recently used entries until all fit in {@link #maxBytes}, and stale temporary files. */
    private void evict() throws IOException {
        record Entry(Path path, long size, long modified) {}
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(directory)) {
            for (Path p : top) {
                BasicFileAttributes a = attributesOrNull(p);
                String name = p.getFileName().toString();
                if (a == null) {
                    continue;
                }
                if (name.startsWith(TEMP_PREFIX) && now - a.lastModifiedTime().toMillis() > STALE_TEMP_MILLIS) {
                    Files.deleteIfExists(p);
                } else if (a.isDirectory() && name.length() == 2) {
                    try (DirectoryStream<Path> shard = Files.newDirectoryStream(p, "*" + ENTRY_SUFFIX)) {
                        for (Path e : shard) {
                            BasicFileAttributes ea = attributesOrNull(e);
                            if (ea != null) {
                                entries.add(new Entry(e, ea.size(), ea.lastModifiedTime().toMillis()));
                                total += ea.size();
                            }
                        }
                    }
                }
            }
        }
        if (total <= maxBytes) {
            return;
        }
        entries.sort(Comparator.comparingLong(Entry::modified));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            // Another process may have deleted or replaced it; either way it no longer counts.
            Files.deleteIfExists(e.path());
            total -= e.size();
        }
    }

    /** Null when another process deleted {@code p} while it was listed. */
    private static BasicFileAttributes attributesOrNull(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Creates {@code dir} owner-only if absent; returns its real path after checking it is private. */
    private static Path privateDirectory(Path dir) throws IOException {
        boolean posix = Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView(PosixFileAttributeView.class);
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } else {
                Files.createDirectories(dir);
            }
        }
        Path real = dir.toRealPath();
        if (posix) {
            requirePrivate(real, EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
        }
        return real;
    }

    private static Path existingAncestor(Path p) {
        Path a = p.toAbsolutePath();
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        return a;
    }

    /** Refuses {@code path} unless this user owns it and it grants none of {@code forbidden}. */
    private static void requirePrivate(Path path, Set<PosixFilePermission> forbidden) throws IOException {
        PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
        UserPrincipal me = path.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (!a.owner().equals(me)) {
            throw new UnsafeStoreException(path + " belongs to " + a.owner().getName() + ", not to " + me.getName());
        }
        Set<PosixFilePermission> granted = EnumSet.noneOf(PosixFilePermission.class);
        granted.addAll(a.permissions());
        granted.retainAll(forbidden);
        if (!granted.isEmpty()) {
            throw new UnsafeStoreException(path + " is " + PosixFilePermissions.toString(a.permissions())
                    + ": it must not grant " + granted);
        }
    }

    private static byte[] readOrCreateSecret(Path file) throws IOException {
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView(PosixFileAttributeView.class);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] fresh = new byte[SECRET_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path temp = posix
                    ? Files.createTempFile(file.getParent(), TEMP_PREFIX, ".key", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                    : Files.createTempFile(file.getParent(), TEMP_PREFIX, ".key");
            try {
                Files.write(temp, fresh);
                try {
                    // link(2) fails if another process created the secret first: then theirs is used.
                    Files.createLink(file, temp);
                } catch (FileAlreadyExistsException e) {
                    // theirs wins
                } catch (UnsupportedOperationException e) {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
            throw new UnsafeStoreException("the code cache secret " + file + " is not a regular file");
        }
        if (posix) {
            requirePrivate(file, EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        }
        byte[] secret = Files.readAllBytes(file);
        if (secret.length != SECRET_BYTES) {
            throw new UnsafeStoreException("the code cache secret " + file + " holds " + secret.length
                    + " bytes, not " + SECRET_BYTES);
        }
        return secret;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The directory or the secret is not private to this user, or cannot be made or read. */
    public static final class UnsafeStoreException extends RuntimeException {
        UnsafeStoreException(String message) {
            super(message);
        }

        UnsafeStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
