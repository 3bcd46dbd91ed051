package dev.hermetic.hooks;

import java.util.Set;

/**
 * A passable symbol, by its passable name: a registered symbol {@code Symbol.for(name)} is
 * {@code name} ({@code "@@" + name} when name itself starts with {@code "@@"}); a well-known
 * symbol such as {@code Symbol.asyncIterator} is {@code "@@asyncIterator"}.
 *
 * @param name never null; a name {@code "@@x"} where x does not start with {@code "@@"} must
 *     name a well-known symbol
 */
public record PassableSymbol(String name) {
    /** The well-known symbols of {@code Symbol}, by property name. */
    private static final Set<String> WELL_KNOWN = Set.of(
            "asyncIterator", "hasInstance", "isConcatSpreadable", "iterator", "match", "matchAll",
            "replace", "search", "species", "split", "toPrimitive", "toStringTag", "unscopables");

    public PassableSymbol {
        if (name == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "symbol name is null");
        }
        if (name.startsWith("@@") && !name.startsWith("@@@@")
                && !WELL_KNOWN.contains(name.substring(2))) {
            throw new HookException(HookStatus.INVALID_ARGS, "not a well-known symbol: " + name);
        }
    }

    /** The well-known {@code Symbol.asyncIterator}. */
    public static final PassableSymbol ASYNC_ITERATOR = new PassableSymbol("@@asyncIterator");

    /** The registered symbol {@code Symbol.for(key)}. */
    public static PassableSymbol registered(String key) {
        return new PassableSymbol(key.startsWith("@@") ? "@@" + key : key);
    }
}
