package dev.hermetic.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * The memory budget of a task manager's engine pool, from the task manager's configuration:
 * {@value #FRACTION_KEY} (default 0.5) of its task heap ({@code taskmanager.memory.task.heap.size}),
 * or of the JVM's maximum heap when the task heap is not set, is unbounded (a local mini
 * cluster) or is larger. The heap, not Flink's managed memory: an engine's pages are byte arrays
 * on the JVM heap, and managed memory is off-heap memory Flink reserves for its own state
 * backends and batch operators, which the pages would never use.
 */
final class TaskHeapShare {
    static final String FRACTION_KEY = "hermetic.memory.task-heap-fraction";

    /** The share of the task heap the pool's host may commit. */
    static final ConfigOption<Double> FRACTION = ConfigOptions.key(FRACTION_KEY).doubleType().defaultValue(0.5)
            .withDescription("Share of the task heap the engines of one job on one task manager may commit together.");

    private TaskHeapShare() {}

    /** The budget for an operator with {@code context}: a streaming context knows its task manager's configuration. */
    static long budgetBytes(RuntimeContext context) {
        return budgetBytes(context instanceof StreamingRuntimeContext streaming
                ? streaming.getTaskManagerRuntimeInfo().getConfiguration() : new Configuration());
    }

    static long budgetBytes(Configuration taskManager) {
        double fraction = taskManager.get(FRACTION);
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(FRACTION_KEY + " must be in (0, 1]: " + fraction);
        }
        long jvm = Runtime.getRuntime().maxMemory();
        long heap = taskManager.getOptional(TaskManagerOptions.TASK_HEAP_MEMORY)
                .map(MemorySize::getBytes).filter(b -> b > 0 && b < jvm).orElse(jvm);
        return Math.max(1, (long) (heap * fraction));
    }
}
