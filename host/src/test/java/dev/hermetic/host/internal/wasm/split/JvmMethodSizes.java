package dev.hermetic.host.internal.wasm.split;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.CompilerResult;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;

/**
 * What Chicory's compiler makes of each Wasm function: the size in JVM bytecode of the
 * {@code func_N} method it generates, and which functions it leaves to its interpreter because
 * their method would pass the JVM's 64 KiB limit. HotSpot does not JIT-compile a method of more
 * than {@link #HOTSPOT_HUGE_METHOD} bytes unless {@code -XX:-DontCompileHugeMethods} is given.
 *
 * @param codeBytes per function index (imports included), the JVM bytecode bytes of its method
 * @param interpreted the functions Chicory runs in its interpreter
 * @param names per function index, its name from the name section where it has one
 */
public record JvmMethodSizes(Map<Integer, Integer> codeBytes, Set<Integer> interpreted, Map<Integer, String> names) {

    /** HotSpot's {@code HugeMethodLimit}: larger methods are never compiled by default. */
    public static final int HOTSPOT_HUGE_METHOD = 8000;

    /** Compiles {@code wasm} as the host does and measures every generated function method. */
    public static JvmMethodSizes of(byte[] wasm) {
        WasmModule module = Parser.builder().withValidation(true).build().parse(() -> new ByteArrayInputStream(wasm));
        CompilerResult result = Compiler.builder(module)
                .withClassCollectorFactory(ByteClassCollector::new)
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .build()
                .compile();
        Map<Integer, Integer> sizes = new TreeMap<>();
        for (byte[] classFile : result.classBytes().values()) {
            methodCodeSizes(classFile).forEach((name, size) -> {
                if (name.startsWith("func_")) {
                    sizes.put(Integer.parseInt(name.substring(5)), size);
                }
            });
        }
        Map<Integer, String> names = new TreeMap<>();
        if (module.nameSection() != null) {
            int functions = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION)
                    + module.functionSection().functionCount();
            for (int f = 0; f < functions; f++) {
                String n = module.nameSection().nameOfFunction(f);
                if (n != null) {
                    names.put(f, n);
                }
            }
        }
        return new JvmMethodSizes(sizes, Set.copyOf(result.interpretedFunctions()), names);
    }

    /** The functions whose method HotSpot will not compile under default flags. */
    public Map<Integer, Integer> huge() {
        Map<Integer, Integer> huge = new TreeMap<>();
        codeBytes.forEach((f, size) -> {
            if (size > HOTSPOT_HUGE_METHOD) {
                huge.put(f, size);
            }
        });
        return huge;
    }

    public int largest() {
        return codeBytes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    public String name(int function) {
        return names.getOrDefault(function, "#" + function);
    }

    /** Each method's name and bytecode length, read from the class file's Code attributes. */
    static Map<String, Integer> methodCodeSizes(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        char[] buffer = new char[reader.getMaxStringLength()];
        int at = reader.header + 6;
        at += 2 + 2 * reader.readUnsignedShort(at); // interfaces
        at = skipMembers(reader, at); // fields
        Map<String, Integer> sizes = new TreeMap<>();
        int methods = reader.readUnsignedShort(at);
        at += 2;
        for (int m = 0; m < methods; m++) {
            String name = reader.readUTF8(at + 2, buffer);
            int attributes = reader.readUnsignedShort(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                String attribute = reader.readUTF8(at, buffer);
                int length = reader.readInt(at + 2);
                if (attribute.equals("Code")) {
                    sizes.put(name, reader.readInt(at + 10));
                }
                at += 6 + length;
            }
        }
        return sizes;
    }

    private static int skipMembers(ClassReader reader, int at) {
        int count = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            int attributes = reader.readUnsignedShort(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                at += 6 + reader.readInt(at + 2);
            }
        }
        return at;
    }
}
