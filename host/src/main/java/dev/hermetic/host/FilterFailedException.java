package dev.hermetic.host;

/** {@link FilterResult#output()} on a call that produced none; {@link #result()} says why. */
public class FilterFailedException extends HermeticException {
    private static final long serialVersionUID = 1L;

    /** Never null, never an {@link FilterResult.Output}. */
    private final transient FilterResult result;

    public FilterFailedException(FilterResult result) {
        super("the filter produced no output: " + result);
        this.result = result;
    }

    public FilterResult result() {
        return result;
    }
}
