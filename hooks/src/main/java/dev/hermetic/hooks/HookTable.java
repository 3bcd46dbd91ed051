package dev.hermetic.hooks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The host's hooks by name; immutable once built, shared by every process. */
public final class HookTable {
    /** Name to hook; immutable, no null keys or values. */
    private final Map<String, Hook> hooks;

    private HookTable(Map<String, Hook> hooks) {
        this.hooks = Map.copyOf(hooks);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Hook> hook(String name) {
        return Optional.ofNullable(hooks.get(name));
    }

    public Set<String> names() {
        return hooks.keySet();
    }

    public static final class Builder {
        /** Hooks added so far; each name once. */
        private final Map<String, Hook> hooks = new LinkedHashMap<>();

        private Builder() {}

        public Builder withHook(String name, Hook hook) {
            if (name == null || name.isEmpty() || hook == null) {
                throw new HookException(HookStatus.INVALID_ARGS, "a hook needs a non-empty name and a function");
            }
            if (hooks.putIfAbsent(name, hook) != null) {
                throw new HookException(HookStatus.INVALID_ARGS, "hook registered twice: " + name);
            }
            return this;
        }

        public HookTable build() {
            return new HookTable(hooks);
        }
    }
}
