package dev.hermetic.host.internal.wasm;

import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.code.CodeSection;
import dev.hermetic.host.internal.wasm.code.Immediate;
import dev.hermetic.host.internal.wasm.code.Locals;
import dev.hermetic.host.internal.wasm.code.Opcode;
import dev.hermetic.host.internal.wasm.code.Proposal;
import dev.hermetic.host.internal.wasm.code.ValueTypes;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The first look at untrusted module bytes, before any parser that allocates what a module
 * asks for sees them. It walks every section and checks every size, count and name length
 * against the bytes that remain (so nothing is allocated past the input's own size), every
 * LEB128 number against its type, the section order, the local declarations against a total
 * cap, and every function body and constant expression through the instruction decoder. On
 * the way it records which WebAssembly proposals the module uses and where each is first seen.
 * Malformed input is an {@link MalformedModuleException} naming the section and offset.
 *
 * <p>It is a structural check, not validation: types, indices and stacks are left to the
 * parser that follows, which now only ever sees counts the bytes can back.
 */
public final class ModuleGate {

    /** The arithmetic the extended-const proposal allows in constant expressions. */
    private static final Set<Opcode> EXTENDED_CONST = Set.of(Opcode.named("i32.add"), Opcode.named("i32.sub"),
            Opcode.named("i32.mul"), Opcode.named("i64.add"), Opcode.named("i64.sub"), Opcode.named("i64.mul"));

    /** The module; offsets in messages are offsets into it. */
    private final byte[] wasm;
    /** Decodes bodies and constant expressions, with the local cap. */
    private final CodeDecoder decoder;
    /** Where each proposal the module uses is first seen, as a phrase ("v128.const in function 12"). */
    private final Map<Proposal, String> features = new EnumMap<>(Proposal.class);
    /** Where each proposal whose instructions a function body holds is first seen. */
    private final Map<Proposal, String> executed = new EnumMap<>(Proposal.class);
    /** Functions imported so far: the index of the first body is this. */
    private int importedFunctions;
    /** Functions the function section declares; the code section must have as many bodies. */
    private int declaredFunctions;
    /** Memories imported and defined so far. */
    private int memories;
    /** Tables imported and defined so far. */
    private int tables;
    /** The data count section's value, or -1 without one. */
    private long dataCount = -1;
    /** Whether a code section was seen (a function section with functions needs one). */
    private boolean sawCode;
    /** Whether a data section was seen (a positive data count needs one). */
    private boolean sawData;

    private ModuleGate(byte[] wasm, long maxLocals) {
        this.wasm = wasm;
        this.decoder = new CodeDecoder(maxLocals);
    }

    /**
     * Checks {@code wasm} and returns the proposals beyond the 1.0 core it uses.
     *
     * @param maxLocals the most locals one function may declare
     * @throws MalformedModuleException if the bytes are not a well-formed module
     */
    public static ModuleFeatures check(byte[] wasm, long maxLocals) {
        ModuleGate gate = new ModuleGate(wasm, maxLocals);
        gate.sections();
        return new ModuleFeatures(gate.features, gate.executed);
    }

    private void sections() {
        WasmReader in = new WasmReader(wasm);
        Sections.readHeader(in);
        int lastRank = 0;
        while (!in.atEnd()) {
            int idAt = in.position();
            int id = in.u8();
            if (!Sections.known(id)) {
                throw new MalformedModuleException("malformed module at offset " + idAt + ": unknown section id " + id, null);
            }
            String name = Sections.name(id) + " section";
            int size;
            try {
                size = in.index();
                if (size > in.remaining()) {
                    throw in.malformed("section size " + size + " exceeds the " + in.remaining() + " bytes left");
                }
            } catch (MalformedModuleException e) {
                throw new MalformedModuleException(name + " at offset " + idAt + ": " + e.getMessage(), e);
            }
            int start = in.position();
            in.skip(size);
            if (id != Sections.CUSTOM) {
                if (Sections.rank(id) <= lastRank) {
                    throw new MalformedModuleException(name + " at offset " + idAt + ": duplicated or out of order", null);
                }
                lastRank = Sections.rank(id);
            }
            WasmReader section = new WasmReader(wasm, start, start + size);
            try {
                section(id, section);
                if (!section.atEnd()) {
                    throw section.malformed(section.remaining() + " byte(s) after the section's content");
                }
            } catch (MalformedModuleException e) {
                throw new MalformedModuleException(name + " at offset " + idAt + ": " + e.getMessage(), e);
            }
        }
        if (declaredFunctions > 0 && !sawCode) {
            throw new MalformedModuleException("malformed module: " + declaredFunctions
                    + " functions declared and no code section", null);
        }
        if (dataCount > 0 && !sawData) {
            throw new MalformedModuleException("malformed module: data count " + dataCount + " and no data section", null);
        }
    }

    private void section(int id, WasmReader in) {
        switch (id) {
            case Sections.CUSTOM -> custom(in);
            case Sections.TYPE -> types(in);
            case Sections.IMPORT -> imports(in);
            case Sections.FUNCTION -> {
                declaredFunctions = in.count();
                for (int i = 0; i < declaredFunctions; i++) {
                    in.u32();
                }
            }
            case Sections.TABLE -> {
                int n = in.count();
                for (int i = 0; i < n; i++) {
                    String where = "table " + (tables + i);
                    if (!in.atEnd() && (wasm[in.position()] & 0xff) == 0x40) {
                        in.u8();
                        if (in.u8() != 0) {
                            throw in.malformed("reserved byte after 0x40 in a table with an initializer");
                        }
                        note(Proposal.FUNCTION_REFERENCES, "a table initializer (" + where + ")");
                        tableType(in, where);
                        expression(in, "the initializer of " + where);
                    } else {
                        tableType(in, where);
                    }
                }
                tables += n;
                if (tables > 1) {
                    note(Proposal.REFERENCE_TYPES, "table " + (tables - 1) + " (more than one table)");
                }
            }
            case Sections.MEMORY -> {
                int n = in.count();
                for (int i = 0; i < n; i++) {
                    limits(in, true, "memory " + (memories + i));
                }
                memories += n;
                if (memories > 1) {
                    note(Proposal.MULTI_MEMORY, "memory " + (memories - 1) + " (more than one memory)");
                }
            }
            case Sections.GLOBAL -> {
                int n = in.count();
                for (int i = 0; i < n; i++) {
                    globalType(in, "global " + i + " of the global section");
                    expression(in, "the initial value of global " + i + " of the global section");
                }
            }
            case Sections.EXPORT -> {
                int n = in.count();
                for (int i = 0; i < n; i++) {
                    in.name();
                    int kindAt = in.position();
                    int kind = in.u8();
                    if (kind > 4) {
                        throw new MalformedModuleException("malformed module at offset " + kindAt + ": unknown export kind " + kind, null);
                    }
                    if (kind == 4) {
                        note(Proposal.EXCEPTIONS, "a tag export");
                    }
                    in.u32();
                }
            }
            case Sections.START -> in.u32();
            case Sections.ELEMENT -> elements(in);
            case Sections.CODE -> code(in);
            case Sections.DATA -> data(in);
            case Sections.DATA_COUNT -> {
                dataCount = in.u32();
                note(Proposal.BULK_MEMORY, "the data count section");
            }
            case Sections.TAG -> {
                int n = in.count();
                for (int i = 0; i < n; i++) {
                    tagType(in);
                }
                note(Proposal.EXCEPTIONS, "the tag section");
            }
            default -> throw new AssertionError(id);
        }
    }

    /** A custom section: its name, and for "name" (which parsers decode) every subsection. */
    private void custom(WasmReader in) {
        String name = in.name();
        if (!name.equals("name")) {
            in.skip(in.remaining());
            return;
        }
        while (!in.atEnd()) {
            int id = in.u8();
            int size = in.index();
            int start = in.position();
            in.skip(size);
            WasmReader sub = new WasmReader(wasm, start, start + size);
            switch (id) {
                case 0 -> sub.name();
                case 2, 3, 10 -> { // indirect name maps: locals, labels, fields
                    int n = sub.count();
                    for (int i = 0; i < n; i++) {
                        sub.u32();
                        nameMap(sub);
                    }
                }
                case 1, 4, 5, 6, 7, 8, 9, 11 -> nameMap(sub);
                default -> sub.skip(sub.remaining());
            }
            if (!sub.atEnd()) {
                throw sub.malformed(sub.remaining() + " byte(s) after name subsection " + id);
            }
        }
    }

    private static void nameMap(WasmReader in) {
        int n = in.count();
        for (int i = 0; i < n; i++) {
            in.u32();
            in.name();
        }
    }

    private void types(WasmReader in) {
        int n = in.count();
        for (int i = 0; i < n; i++) {
            int form = in.u8();
            if (form == 0x4e) {
                note(Proposal.GC, "a recursive type group (type " + i + ")");
                int m = in.count();
                for (int j = 0; j < m; j++) {
                    subType(in, in.u8(), i);
                }
            } else {
                subType(in, form, i);
            }
        }
    }

    private void subType(WasmReader in, int form, int type) {
        if (form == 0x50 || form == 0x4f) {
            note(Proposal.GC, "a subtype declaration (type " + type + ")");
            int supers = in.count();
            for (int i = 0; i < supers; i++) {
                in.u32();
            }
            form = in.u8();
        }
        switch (form) {
            case 0x60 -> {
                int params = in.count();
                for (int i = 0; i < params; i++) {
                    valueType(in, false, "a parameter of type " + type);
                }
                int results = in.count();
                for (int i = 0; i < results; i++) {
                    valueType(in, false, "a result of type " + type);
                }
                if (results > 1) {
                    note(Proposal.MULTI_VALUE, "type " + type + " (" + results + " results)");
                }
            }
            case 0x5f -> {
                note(Proposal.GC, "a struct type (type " + type + ")");
                int fields = in.count();
                for (int i = 0; i < fields; i++) {
                    fieldType(in, type);
                }
            }
            case 0x5e -> {
                note(Proposal.GC, "an array type (type " + type + ")");
                fieldType(in, type);
            }
            default -> throw new MalformedModuleException(String.format("malformed module at offset %d: unknown type form 0x%02x",
                    in.position() - 1, form), null);
        }
    }

    private void fieldType(WasmReader in, int type) {
        valueType(in, true, "a field of type " + type);
        mutability(in);
    }

    private static void mutability(WasmReader in) {
        int at = in.position();
        int mut = in.u8();
        if (mut > 1) {
            throw new MalformedModuleException("malformed module at offset " + at + ": mutability " + mut + " is neither 0 nor 1", null);
        }
    }

    private void imports(WasmReader in) {
        int n = in.count();
        for (int i = 0; i < n; i++) {
            String where = "import " + in.name() + "." + in.name();
            int kindAt = in.position();
            int kind = in.u8();
            switch (kind) {
                case 0 -> {
                    in.u32();
                    importedFunctions++;
                }
                case 1 -> {
                    tableType(in, where);
                    tables++;
                    if (tables > 1) {
                        note(Proposal.REFERENCE_TYPES, where + " (more than one table)");
                    }
                }
                case 2 -> {
                    limits(in, true, where);
                    memories++;
                    if (memories > 1) {
                        note(Proposal.MULTI_MEMORY, where + " (more than one memory)");
                    }
                }
                case 3 -> globalType(in, where);
                case 4 -> {
                    tagType(in);
                    note(Proposal.EXCEPTIONS, where + " (a tag)");
                }
                default -> throw new MalformedModuleException("malformed module at offset " + kindAt + ": unknown import kind " + kind, null);
            }
        }
    }

    private static void tagType(WasmReader in) {
        int at = in.position();
        if (in.u8() != 0) {
            throw new MalformedModuleException("malformed module at offset " + at + ": a tag's attribute must be 0", null);
        }
        in.u32();
    }

    private void globalType(WasmReader in, String where) {
        valueType(in, false, where);
        mutability(in);
    }

    private void tableType(WasmReader in, String where) {
        int at = in.position();
        long[] t = ValueTypes.read(in, false);
        if (t[0] != ValueTypes.FUNC) { // a funcref table is 1.0; any other element type is not
            valueTypeUse(t[0], t[1], where);
        }
        if (t[0] >= ValueTypes.V128) {
            throw new MalformedModuleException("malformed module at offset " + at + ": a table holds references, not "
                    + ValueTypes.name(t[0], t[1]), null);
        }
        limits(in, false, where);
    }

    /** Limits of a memory or table; notes shared memories and 64-bit indices. */
    private void limits(WasmReader in, boolean memory, String where) {
        int at = in.position();
        int flags = in.u8();
        int allowed = memory ? 0x07 : 0x05;
        if ((flags & ~allowed) != 0) {
            throw new MalformedModuleException(String.format("malformed module at offset %d: limits flags 0x%02x", at, flags), null);
        }
        boolean hasMax = (flags & 1) != 0;
        boolean shared = (flags & 2) != 0;
        boolean wide = (flags & 4) != 0;
        long min = wide ? in.u64() : in.u32();
        long max = hasMax ? (wide ? in.u64() : in.u32()) : -1;
        if (hasMax && Long.compareUnsigned(min, max) > 0) {
            throw new MalformedModuleException("malformed module at offset " + at + ": " + where + " has minimum "
                    + Long.toUnsignedString(min) + " above its maximum " + Long.toUnsignedString(max), null);
        }
        if (memory && !wide && (min > 65536 || max > 65536)) {
            throw new MalformedModuleException("malformed module at offset " + at + ": " + where
                    + " is larger than 65536 pages (4 GiB)", null);
        }
        if (shared) {
            if (!hasMax) {
                throw new MalformedModuleException("malformed module at offset " + at + ": shared " + where + " has no maximum", null);
            }
            note(Proposal.THREADS, "a shared memory (" + where + ")");
        }
        if (wide) {
            note(Proposal.MEMORY64, "64-bit indices (" + where + ")");
        }
    }

    private long[] valueType(WasmReader in, boolean storage, String where) {
        long[] t = ValueTypes.read(in, storage);
        valueTypeUse(t[0], t[1], where);
        return t;
    }

    private void valueTypeUse(long type, long heapType, String where) {
        Proposal p = ValueTypes.proposal(type, heapType);
        if (p != Proposal.MVP) {
            note(p, ValueTypes.name(type, heapType) + " (" + where + ")");
        }
    }

    private void elements(WasmReader in) {
        int n = in.count();
        for (int i = 0; i < n; i++) {
            String where = "element segment " + i;
            int flagsAt = in.position();
            long flags = in.u32();
            if (flags > 7) {
                throw new MalformedModuleException("malformed module at offset " + flagsAt + ": element segment flags " + flags, null);
            }
            if (flags != 0) {
                note(Proposal.BULK_MEMORY, where + " (" + ((flags & 1) == 0 ? "active with flags " + flags
                        : (flags & 2) == 0 ? "passive" : "declarative") + ")");
            }
            boolean active = (flags & 1) == 0;
            boolean exprs = (flags & 4) != 0;
            if (active) {
                if ((flags & 2) != 0 && in.u32() != 0) {
                    note(Proposal.REFERENCE_TYPES, where + " (a table other than 0)");
                }
                expression(in, "the offset of " + where);
            }
            if ((flags & 3) != 0) {
                if (exprs) {
                    valueType(in, false, where);
                } else {
                    int kindAt = in.position();
                    if (in.u8() != 0) {
                        throw new MalformedModuleException("malformed module at offset " + kindAt + ": element kind must be 0", null);
                    }
                }
            }
            int count = in.count();
            for (int j = 0; j < count; j++) {
                if (exprs) {
                    expression(in, "element " + j + " of " + where);
                } else {
                    in.u32();
                }
            }
        }
    }

    private void data(WasmReader in) {
        sawData = true;
        int n = in.count();
        if (dataCount >= 0 && n != dataCount) {
            throw in.malformed(n + " data segments where the data count section says " + dataCount);
        }
        for (int i = 0; i < n; i++) {
            String where = "data segment " + i;
            int flagsAt = in.position();
            long flags = in.u32();
            switch ((int) Math.min(flags, 3)) {
                case 0 -> expression(in, "the offset of " + where);
                case 1 -> note(Proposal.BULK_MEMORY, where + " (passive)");
                case 2 -> {
                    if (in.u32() != 0) {
                        note(Proposal.MULTI_MEMORY, where + " (a memory other than 0)");
                    }
                    expression(in, "the offset of " + where);
                }
                default -> throw new MalformedModuleException("malformed module at offset " + flagsAt + ": data segment flags " + flags, null);
            }
            in.skip(in.index());
        }
    }

    private void expression(WasmReader in, String where) {
        int end = decoder.walkExpression(wasm, in.position(), in.position() + in.remaining(), (offset, op, slots, count) -> {
            instructionUse(op, slots, where, false);
            if (EXTENDED_CONST.contains(op)) {
                note(Proposal.EXTENDED_CONST, op.name() + " in " + where);
            }
        });
        in.skip(end - in.position());
    }

    private void code(WasmReader in) {
        sawCode = true;
        int start = in.position();
        var bodies = CodeSection.bodies(wasm, start, start + in.remaining());
        in.skip(in.remaining());
        if (bodies.size() != declaredFunctions) {
            throw new MalformedModuleException("malformed module at offset " + start + ": " + bodies.size()
                    + " function bodies for " + declaredFunctions + " declared functions", null);
        }
        for (CodeSection.Body body : bodies) {
            String where = "function " + (importedFunctions + body.index());
            try {
                decoder.walk(wasm, body.start(), body.end(), new CodeDecoder.Visitor() {
                    @Override
                    public void locals(Locals locals) {
                        valueTypeUse(locals.type(), locals.heapType(), "a local of " + where);
                    }

                    @Override
                    public void instruction(int offset, Opcode op, long[] slots, int count) {
                        instructionUse(op, slots, where, true);
                    }
                });
            } catch (MalformedModuleException e) {
                throw new MalformedModuleException(where + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Notes the proposals one instruction uses: its own, its block type's, a memory index.
     *
     * @param inCode whether it is in a function body (else a constant expression)
     */
    private void instructionUse(Opcode op, long[] slots, String where, boolean inCode) {
        if (op.proposal() != Proposal.MVP) {
            note(op.proposal(), op.name() + " in " + where);
            if (inCode) {
                executed.putIfAbsent(op.proposal(), op.name() + " in " + where);
            }
        }
        var immediates = op.immediates();
        if (immediates.isEmpty()) {
            return;
        }
        Immediate first = immediates.get(0);
        if (first == Immediate.MEMARG && (slots[0] & 0x40) != 0) {
            note(Proposal.MULTI_MEMORY, "a memory index in " + op.name() + " in " + where);
        } else if (first == Immediate.BLOCK_TYPE) {
            if (slots[0] >= 0) {
                note(Proposal.MULTI_VALUE, "a block type by index in " + op.name() + " in " + where);
            } else if (slots[0] != CodeDecoder.EMPTY_BLOCK) {
                valueTypeUse(slots[0], slots[1], "the block type of " + op.name() + " in " + where);
            }
        } else if (op == Opcode.SELECT_TYPED) {
            for (int i = 0; i < slots[0]; i++) {
                valueTypeUse(slots[1 + 2 * i], slots[2 + 2 * i], "select in " + where);
            }
        } else if (op == Opcode.REF_NULL && slots[0] != ValueTypes.FUNC && slots[0] != ValueTypes.EXTERN) {
            note(slots[0] >= 0 ? Proposal.FUNCTION_REFERENCES : ValueTypes.proposal(slots[0], 0), "ref.null of a typed heap type in " + where);
        } else if (op == Opcode.CALL_INDIRECT && slots[1] != 0) {
            note(Proposal.REFERENCE_TYPES, "call_indirect through table " + slots[1] + " in " + where);
        }
        if (op == Opcode.MEMORY_SIZE || op == Opcode.MEMORY_GROW || op == Opcode.MEMORY_FILL || op == Opcode.MEMORY_COPY
                || op == Opcode.MEMORY_INIT) {
            int from = op == Opcode.MEMORY_INIT ? 1 : 0;
            for (int i = from; i < (op == Opcode.MEMORY_COPY ? 2 : from + 1); i++) {
                if (slots[i] != 0) {
                    note(Proposal.MULTI_MEMORY, "memory " + slots[i] + " in " + op.name() + " in " + where);
                }
            }
        }
    }

    private void note(Proposal proposal, String where) {
        features.putIfAbsent(proposal, where);
    }
}
