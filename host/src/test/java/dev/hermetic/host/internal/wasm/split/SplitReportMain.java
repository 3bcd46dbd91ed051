package dev.hermetic.host.internal.wasm.split;

import com.dylibso.chicory.wasm.Parser;
import dev.hermetic.engines.Engines;
import java.io.ByteArrayInputStream;
import java.util.List;

/** Splits each bundled engine (or each given file) and prints the JVM method sizes before and after. */
public final class SplitReportMain {
    private SplitReportMain() {}

    public static void main(String[] args) throws Exception {
        List<String> targets = args.length > 0 ? List.of(args) : Engines.names();
        for (String target : targets) {
            byte[] wasm = target.endsWith(".wasm")
                    ? java.nio.file.Files.readAllBytes(java.nio.file.Path.of(target))
                    : Engines.bytes(target);
            long t0 = System.nanoTime();
            FunctionSplitter.Result r = FunctionSplitter.split(wasm);
            long t1 = System.nanoTime();
            if (r.wasm() == wasm) {
                System.out.printf("%-14s unchanged %s%n", target, r.splits());
                continue;
            }
            com.dylibso.chicory.wasm.WasmModule m =
                    Parser.builder().withValidation(true).build().parse(() -> new ByteArrayInputStream(r.wasm()));
            int maxParams = 0;
            int maxResults = 0;
            int functions = m.functionSection().functionCount();
            for (int k = functions - r.piecesMade(); k < functions; k++) {
                com.dylibso.chicory.wasm.types.FunctionType t = m.typeSection().getType(m.functionSection().getFunctionType(k));
                maxParams = Math.max(maxParams, t.params().size());
                maxResults = Math.max(maxResults, t.returns().size());
            }
            JvmMethodSizes before = JvmMethodSizes.of(wasm);
            JvmMethodSizes after = JvmMethodSizes.of(r.wasm());
            System.out.printf("%-14s split %d functions into %d pieces in %.0f ms; largest method %d -> %d; huge %s -> %s%n",
                    target, r.functionsSplit(), r.piecesMade(), (t1 - t0) / 1e6, before.largest(), after.largest(),
                    before.huge(), after.huge());
            System.out.printf("    pieces' parameters at most %d, results at most %d%n", maxParams, maxResults);
            for (FunctionSplitter.Split s : r.splits()) {
                System.out.printf("    %s est %d -> %d, %d pieces, jvm %d -> %d %s%n", s.name(), s.estimateBefore(),
                        s.estimateAfter(), s.pieces(), before.codeBytes().get(s.function()),
                        after.codeBytes().get(s.function()), s.problem() == null ? "" : s.problem());
            }
        }
    }
}
