package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndNoticesTest {

  @Test
  void aPayloadNamesItsOriginAndItsSessionsAndReadsBackTheSame() {
    List<String> ids = List.of("s-1", "with space", "with%percent", "%20 both", "ünïcødé");

    List<String> payloads = EndNotices.payloads("node-a", ids);

    assertThat(payloads).hasSize(1);
    assertThat(EndNotices.parse(payloads.get(0))).isEqualTo(new EndNotices.Notice("node-a", ids));
  }

  @Test
  void manyIdsAreSplitOverPayloadsThatEachStayUnderPostgresLimitAndLoseNothing() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add(i + "-" + "é".repeat(120));
    }

    List<String> payloads = EndNotices.payloads("node-b", ids);

    assertThat(payloads).hasSizeGreaterThan(10);
    List<String> back = new ArrayList<>();
    for (String payload : payloads) {
      assertThat(payload.getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(EndNotices.MAX_PAYLOAD_BYTES)
          .isLessThan(8000);
      EndNotices.Notice notice = EndNotices.parse(payload);
      assertThat(notice.origin()).isEqualTo("node-b");
      back.addAll(notice.sessionIds());
    }
    assertThat(back).isEqualTo(ids);
  }

  @Test
  void noIdsMakeNoPayloadAndAForeignPayloadIsIgnored() {
    assertThat(EndNotices.payloads("node-c", List.of())).isEmpty();
    assertThat(EndNotices.parse("2 node-d s-1")).isNull();
    assertThat(EndNotices.parse("")).isNull();
    assertThat(EndNotices.parse(null)).isNull();
  }
}
