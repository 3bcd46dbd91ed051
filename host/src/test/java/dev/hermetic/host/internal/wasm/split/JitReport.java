package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.engines.Engines;
import java.util.List;
import java.util.Map;

/**
 * Prints, per bundled engine (or per {@code .wasm} file given), the functions Chicory leaves to
 * its interpreter and those whose JVM method HotSpot refuses by default.
 *
 * <pre>{@code java -cp <test classpath> dev.hermetic.host.internal.wasm.split.JitReport [file.wasm ...]}</pre>
 */
public final class JitReport {
    private JitReport() {}

    public static void main(String[] args) throws Exception {
        List<String> targets = args.length > 0 ? List.of(args) : Engines.names();
        System.out.printf("%-14s %9s %9s %11s %s%n", "engine", "functions", "largest", "interpreted", "over 8,000 JVM bytes");
        for (String target : targets) {
            byte[] wasm = target.endsWith(".wasm")
                    ? java.nio.file.Files.readAllBytes(java.nio.file.Path.of(target))
                    : Engines.bytes(target);
            JvmMethodSizes sizes = JvmMethodSizes.of(wasm);
            StringBuilder huge = new StringBuilder();
            for (Map.Entry<Integer, Integer> e : sizes.huge().entrySet()) {
                huge.append(sizes.name(e.getKey())).append('=').append(e.getValue()).append(' ');
            }
            System.out.printf("%-14s %9d %9d %11s %s%n", target, sizes.codeBytes().size(), sizes.largest(),
                    sizes.interpreted().isEmpty() ? "-" : sizes.interpreted().toString(), huge);
        }
    }
}
