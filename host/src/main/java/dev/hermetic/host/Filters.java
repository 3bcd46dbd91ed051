package dev.hermetic.host;

import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.ZxException;

/** The filter call shared by engines, snapshots and warm processes: VMOs made, mapped, read and closed for the caller. */
final class Filters {
    private Filters() {}

    /** Runs one call over the two spans and says how it ended; the spans' VMOs stay open until it returns. */
    @FunctionalInterface
    interface Call {
        Ran run(Span input, Span output) throws InterruptedException;
    }

    /** A call's end and what it cost. */
    record Ran(ProcessResult result, Measurements measurements) {}

    /**
     * Copies the input into a VMO, makes an output VMO of whole pages ({@code out_cap} is the
     * request's capacity rounded up to 4 KiB, so no private partial page stands between the
     * engine and the caller's VMO), runs {@code call} and reads the output.
     */
    static FilterResult run(FilterRequest request, Call call) throws InterruptedException {
        byte[] input = request.input();
        int capacity = (int) Math.min(FilterRequest.MAX_CAPACITY,
                ((long) request.outputCapacity() + Span.PAGE_SIZE - 1) & -Span.PAGE_SIZE);
        try (Vmo in = Vmo.create(Math.max(1, input.length)); Vmo out = Vmo.create(capacity)) {
            in.write(input, 0);
            Ran ran = call.run(Span.readOnly(in, 0, input.length), Span.writable(out, 0, capacity));
            return result(ran, out, capacity);
        } catch (ZxException e) {
            // The vmo module's exception does not reach the caller of a host call: it is wrapped at this boundary.
            throw new HermeticException("cannot make or read the filter's VMOs: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a one-shot process of the filter, closing it whatever happens: synchronously, so on
     * the caller's thread when the host allows it ({@link EngineProcess#run}).
     */
    static Ran once(EngineProcess process, Span input, Span output) throws InterruptedException {
        try (process) {
            ProcessResult result = process.run(input, output);
            return new Ran(result, process.measurements());
        }
    }

    private static FilterResult result(Ran ran, Vmo out, int capacity) {
        Measurements m = ran.measurements();
        ProcessResult r = ran.result();
        if (r instanceof ProcessResult.Returned returned) {
            long value = returned.value().map(Value::asLong).orElse(0L);
            if (value < 0 || value > capacity) {
                return new FilterResult.Refused(value, m);
            }
            byte[] bytes = new byte[(int) value];
            out.read(bytes, 0);
            return new FilterResult.Output(bytes, m);
        } else if (r instanceof ProcessResult.Exited e) {
            return new FilterResult.Exited(e.code(), m);
        } else if (r instanceof ProcessResult.Trapped t) {
            return new FilterResult.Trapped(t.kind(), t.message(), m);
        } else if (r instanceof ProcessResult.Killed k) {
            return new FilterResult.Killed(k.reason(), m);
        }
        return new FilterResult.Failed(((ProcessResult.Failed) r).error(), m);
    }
}
