package dev.hermetic.vmo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link SlotTable} against a sorted map of the slots set, under seeded random sets and clears. */
class SlotTableTest {

    @Test
    void everyOperationAgreesWithASortedMapOfTheSlotsSet() {
        Random random = new Random(0x51075L);
        Page[] pages = {Page.HOLE, Page.allocate(Page.ZERO, null), Page.allocate(Page.ZERO, null)};
        for (int run = 0; run < 50; run++) {
            SlotTable table = new SlotTable();
            TreeMap<Long, Page> model = new TreeMap<>();
            // Runs differ in how far their indices spread: a few chunks, or a large base's worth.
            int spread = 1 + random.nextInt(run % 2 == 0 ? 200 : 40_000);
            for (int op = 0; op < 2_000; op++) {
                long index = random.nextInt(spread);
                switch (random.nextInt(10)) {
                    case 0 -> {
                        table.set(index, null, 0);
                        model.remove(index);
                    }
                    case 1 -> {
                        if (random.nextInt(100) == 0) {
                            table.clear();
                            model.clear();
                        }
                    }
                    default -> {
                        Page p = pages[random.nextInt(pages.length)];
                        long limit = random.nextBoolean() ? index + 1 : Long.MAX_VALUE;
                        table.set(index, p, limit);
                        model.put(index, p);
                    }
                }
                long probe = random.nextInt(spread + SlotTable.CHUNK);
                assertThat(table.get(probe)).isSameAs(model.get(probe));
            }
            long end = model.isEmpty() ? 0 : model.lastKey() + 1;
            assertThat(table.end()).isEqualTo(end);
            assertThat(table.extent()).isGreaterThanOrEqualTo(end);
            Page[] flat = table.toArray((int) end);
            for (int i = 0; i < end; i++) {
                assertThat(flat[i]).isSameAs(model.get((long) i));
            }
            List<Map.Entry<Long, Page>> seen = new ArrayList<>();
            table.forEachSet((i, p) -> seen.add(Map.entry(i, p)));
            assertThat(seen).containsExactlyElementsOf(new ArrayList<>(model.entrySet()));
        }
    }

    @Test
    void aSlotSetWithinALimitGrowsTheIndexNoFurtherThanTheLimit() {
        SlotTable table = new SlotTable();
        table.set(0, Page.HOLE, 100);
        table.set(99, Page.HOLE, 100);
        assertThat(table.extent()).isEqualTo((100L + SlotTable.CHUNK - 1) / SlotTable.CHUNK * SlotTable.CHUNK);
        table.set(10_000, Page.HOLE, Long.MAX_VALUE);
        assertThat(table.extent()).isGreaterThan(10_000);
    }
}
