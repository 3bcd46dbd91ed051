package dev.hermetic.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CListTest {
    @Test
    void translatesSlotsBothWaysAndLeavesTheBodyAlone() {
        CList clist = new CList();
        CapData host = new CapData("#[\"$0.Alleged: a\",\"&1\",\"$0\"]", List.of("ko12", "kp3"));
        CapData engine = clist.toEngineSpace(host);
        assertThat(engine).isEqualTo(new CapData(host.body(), List.of("d-1", "d-2")));
        assertThat(clist.toEngineSpace(new CapData("#\"$0\"", List.of("kp3"))).slots()).containsExactly("d-2");
        assertThat(clist.toHostSpace(engine)).isEqualTo(host);
        assertThat(clist.size()).isEqualTo(2);
    }

    @Test
    void anEngineCannotNameWhatItWasNotGiven() {
        CList clist = new CList();
        clist.exportToEngine("ko1");
        assertThatThrownBy(() -> clist.toHostSpace(new CapData("#\"$0\"", List.of("d-2"))))
                .isInstanceOfSatisfying(HookException.class, e -> assertThat(e.status()).isEqualTo(HookStatus.BAD_HANDLE));
        assertThat(clist.importFromEngine("d-1")).isEqualTo("ko1");
    }

    @Test
    void closeReleasesEveryEntry() {
        CList clist = new CList();
        clist.exportToEngine("ko1");
        clist.close();
        assertThat(clist.size()).isZero();
        assertThatThrownBy(() -> clist.importFromEngine("d-1")).isInstanceOf(HookException.class);
    }
}
