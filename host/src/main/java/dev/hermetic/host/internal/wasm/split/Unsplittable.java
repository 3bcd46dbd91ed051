package dev.hermetic.host.internal.wasm.split;

/**
 * The module or function uses something the splitter does not handle; the splitter then leaves
 * it as it is. Never escapes {@link FunctionSplitter}.
 */
final class Unsplittable extends RuntimeException {
    Unsplittable(String why) {
        super(why, null, false, false);
    }
}
