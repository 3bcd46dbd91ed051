package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.hooks.HookTable;
import org.junit.jupiter.api.Test;

/** An engine keeps its first name; withHooks and withVdso cannot undo each other; grants need no limits. */
class NamesAndGrantsTest {

    @Test
    void theSameBytesUnderAnotherNameAreRefusedNotIgnored() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine add = host.load("adder", Fixtures.engine("hc-add"));
            assertThat(host.load("adder", Fixtures.engine("hc-add"))).isSameAs(add);
            assertThat(host.load(Fixtures.engine("hc-add"))).isSameAs(add);
            assertThatThrownBy(() -> host.load("summer", Fixtures.engine("hc-add")))
                    .isInstanceOf(EngineNameException.class).hasMessageContaining("adder");
            add.close();
            assertThat(host.load("summer", Fixtures.engine("hc-add")).name()).isEqualTo("summer");
        }
    }

    @Test
    void withHooksAndWithVdsoDoNotUndoEachOtherInEitherOrder() throws Exception {
        HookTable hooks = HookTable.builder().build();
        try (Host a = Host.builder().withVdso(Vdso.EXIT_ONLY).build();
                Host b = Host.builder().withHooks(hooks).build();
                Host c = Host.builder().withVdso(Vdso.WITH_HOOKS).withHooks(hooks).build();
                Host d = Host.builder().withHooks(hooks).withVdso(Vdso.WITH_HOOKS).build()) {
            assertThat(a.vdso()).isEqualTo(Vdso.EXIT_ONLY);
            assertThat(b.vdso()).isEqualTo(Vdso.WITH_HOOKS);
            assertThat(c.vdso()).isEqualTo(Vdso.WITH_HOOKS);
            assertThat(d.vdso()).isEqualTo(Vdso.WITH_HOOKS);
        }
        // Before, withVdso(EXIT_ONLY) after withHooks silently took hook calls away.
        assertThatThrownBy(() -> Host.builder().withHooks(hooks).withVdso(Vdso.EXIT_ONLY).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Host.builder().withVdso(Vdso.EXIT_ONLY).withHooks(hooks).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void grantsNeedNoLimits() throws Exception {
        try (Host host = Host.builder().withHooks(HookTable.builder().build()).build()) {
            Engine engine = host.load(Fixtures.wasm("hook-filter"));
            assertThat(engine.newProcess().limits()).isEqualTo(host.defaultLimits());
            assertThatThrownBy(() -> engine.newProcess("nope")).isInstanceOf(UnknownHookException.class);
        }
    }
}
