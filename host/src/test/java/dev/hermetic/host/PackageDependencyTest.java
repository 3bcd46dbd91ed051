package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the host's packages go one way: the public package {@code dev.hermetic.host}
 * uses {@code dev.hermetic.host.internal} and its subpackages, never the other way round. Read
 * from the compiled classes' constant pools, where every class a class refers to is named (as a
 * class entry, or inside a field or method descriptor).
 */
class PackageDependencyTest {
    private static final Path CLASSES = Path.of("target", "classes");
    private static final String PUBLIC = "dev/hermetic/host/";
    private static final String INTERNAL = "dev/hermetic/host/internal/";
    /** A class name in a descriptor or signature: {@code Lpackage/Name;} or {@code Lpackage/Name<}. */
    private static final Pattern NAMED = Pattern.compile("L([\\w/$]+)[;<]");

    @Test
    void internalPackagesReferToNoClassOfThePublicPackage() throws IOException {
        assertThat(CLASSES.resolve(INTERNAL)).as("compiled classes under %s", CLASSES.toAbsolutePath()).isDirectory();
        Set<String> offending = new TreeSet<>();
        try (Stream<Path> files = Files.walk(CLASSES.resolve(INTERNAL))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String from = CLASSES.relativize(file).toString().replace('\\', '/').replaceAll("\\.class$", "");
                for (String to : referencedClasses(Files.readAllBytes(file))) {
                    if (inPublicPackage(to)) {
                        offending.add(from + " -> " + to);
                    }
                }
            }
        }
        offending.forEach(System.out::println);
        assertThat(offending).as("internal -> public references").isEmpty();
    }

    @Test
    void theReaderFindsAReferenceWhereThereIsOne() throws IOException {
        // This class itself refers to Host (below), a class of the public package.
        byte[] own;
        try (var in = PackageDependencyTest.class.getResourceAsStream("PackageDependencyTest.class")) {
            own = in.readAllBytes();
        }
        assertThat(referencedClasses(own)).contains("dev/hermetic/host/Host", "java/nio/file/Path");
        assertThat(inPublicPackage("dev/hermetic/host/Host")).isTrue();
        assertThat(inPublicPackage("dev/hermetic/host/abi/Abi")).isFalse();
        assertThat(inPublicPackage("dev/hermetic/host/internal/VmoMemory")).isFalse();
        assertThat(Host.class).isNotNull();
    }

    /** In {@code dev.hermetic.host} itself, not in a subpackage. */
    private static boolean inPublicPackage(String className) {
        return className.startsWith(PUBLIC) && className.indexOf('/', PUBLIC.length()) < 0;
    }

    /** Every class a class file names: its class entries and the classes inside its descriptors and signatures. */
    static Set<String> referencedClasses(byte[] classFile) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNames = new java.util.ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF(); // Utf8
                case 7 -> classNames.add(in.readUnsignedShort()); // Class
                case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
                case 15 -> { // MethodHandle
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt(); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 5, 6 -> { // Long, Double take two slots
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> named = new TreeSet<>();
        for (int index : classNames) {
            String name = utf8[index];
            // An array class is named by its descriptor, e.g. [Ldev/hermetic/host/Value;
            named.add(name.startsWith("[") ? name.replaceAll("^\\[+L?|;$", "") : name);
        }
        for (String s : utf8) {
            if (s != null) {
                Matcher m = NAMED.matcher(s);
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
        }
        return named;
    }
}
