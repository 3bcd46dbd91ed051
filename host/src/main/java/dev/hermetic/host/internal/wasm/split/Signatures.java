package dev.hermetic.host.internal.wasm.split;

import dev.hermetic.host.internal.wasm.Sections;
import dev.hermetic.host.internal.wasm.Sections.Section;
import dev.hermetic.host.internal.wasm.WasmReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The types a function body's instructions refer to: the type section, each function's type
 * and each tag's type, and the types and functions the splitter adds after the module's own.
 * Reading it refuses (with {@link Unsplittable}) the type forms the splitter does not handle:
 * recursive groups, subtypes, structs, arrays and typed references.
 */
final class Signatures {

    private static final int FUNC = 0x60;

    /** Every function type by type index: the module's, then those added. */
    private final List<FuncType> types;
    /** How many of {@link #types} the module itself defines; the rest are added. */
    private final int moduleTypes;
    /** Each added type's index, so that a signature is added once. */
    private final Map<FuncType, Integer> added = new HashMap<>();
    /** Each function's type index: imports, the module's functions, then the added ones. */
    private final List<Integer> functionTypes;
    /** How many of {@link #functionTypes} the module itself has; the rest are added. */
    private final int moduleFunctions;
    /** How many functions are imported; they come first in the index space. */
    private final int importedFunctions;
    /** Each tag's type index, imported tags first. */
    private final int[] tagTypes;

    private Signatures(List<FuncType> types, List<Integer> functionTypes, int importedFunctions, int[] tagTypes) {
        this.types = types;
        this.moduleTypes = types.size();
        this.functionTypes = functionTypes;
        this.moduleFunctions = functionTypes.size();
        this.importedFunctions = importedFunctions;
        this.tagTypes = tagTypes;
    }

    static Signatures read(List<Section> sections) {
        List<FuncType> types = new ArrayList<>();
        List<Integer> functions = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        int imported = 0;
        for (Section s : sections) {
            WasmReader in = new WasmReader(s.payload());
            switch (s.id()) {
                case Sections.TYPE -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        int form = in.u8();
                        if (form != FUNC) {
                            throw new Unsplittable(String.format("type %d has form 0x%02x", i, form));
                        }
                        types.add(new FuncType(valueTypes(in), valueTypes(in)));
                    }
                }
                case Sections.IMPORT -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        in.name();
                        in.name();
                        int kind = in.u8();
                        switch (kind) {
                            case 0 -> {
                                functions.add(in.index());
                                imported++;
                            }
                            case 1 -> {
                                in.u8();
                                limits(in);
                            }
                            case 2 -> limits(in);
                            case 3 -> {
                                valueType(in);
                                in.u8();
                            }
                            case 4 -> {
                                in.u8();
                                tags.add(in.index());
                            }
                            default -> throw new Unsplittable("import kind " + kind);
                        }
                    }
                }
                case Sections.FUNCTION -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        functions.add(in.index());
                    }
                }
                case Sections.TAG -> {
                    int n = in.count();
                    for (int i = 0; i < n; i++) {
                        in.u8();
                        tags.add(in.index());
                    }
                }
                default -> { }
            }
        }
        for (int t : functions) {
            check(types, t);
        }
        for (int t : tags) {
            check(types, t);
        }
        return new Signatures(types, functions, imported, tags.stream().mapToInt(Integer::intValue).toArray());
    }

    FuncType function(int index) {
        return types.get(functionTypes.get(index));
    }

    FuncType type(long index) {
        if (index < 0 || index >= types.size()) {
            throw new Unsplittable("type index " + index + " out of range");
        }
        return types.get((int) index);
    }

    FuncType tag(long index) {
        if (index < 0 || index >= tagTypes.length) {
            throw new Unsplittable("tag index " + index + " out of range");
        }
        return types.get(tagTypes[(int) index]);
    }

    /** Functions in the index space, the added ones included. */
    int functionCount() {
        return functionTypes.size();
    }

    int importedFunctions() {
        return importedFunctions;
    }

    int moduleFunctions() {
        return moduleFunctions;
    }

    /** The index of {@code type}: a module type equal to it, else one added for it. */
    int typeIndex(FuncType type) {
        for (int i = 0; i < moduleTypes; i++) {
            if (types.get(i).equals(type)) {
                return i;
            }
        }
        return added.computeIfAbsent(type, t -> {
            types.add(t);
            return types.size() - 1;
        });
    }

    /** Appends a function of {@code type} to the index space; returns its index. */
    int addFunction(FuncType type) {
        functionTypes.add(typeIndex(type));
        return functionTypes.size() - 1;
    }

    /** The types added after the module's own, in index order. */
    List<FuncType> addedTypes() {
        return types.subList(moduleTypes, types.size());
    }

    /** The type index of each added function, in index order. */
    List<Integer> addedFunctionTypes() {
        return functionTypes.subList(moduleFunctions, functionTypes.size());
    }

    private static void check(List<FuncType> types, int t) {
        if (t >= types.size()) {
            throw new Unsplittable("type index " + t + " out of range");
        }
    }

    private static long[] valueTypes(WasmReader in) {
        int n = in.count();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = valueType(in);
        }
        return out;
    }

    private static long valueType(WasmReader in) {
        int b = in.u8();
        long type = b - 0x80;
        if (!FuncType.supported(type)) {
            throw new Unsplittable(String.format("value type 0x%02x", b));
        }
        return type;
    }

    private static void limits(WasmReader in) {
        int flags = in.u8();
        in.u64();
        if ((flags & 1) != 0) {
            in.u64();
        }
    }
}
