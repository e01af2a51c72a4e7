package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScaleModelTest {

  @Test
  void theTableInScaleOutMdIsWhatTheModelComputesFromItsInputs() throws Exception {
    String doc = Files.readString(Path.of("../docs/scale-out.md"));

    assertThat(ScaleModel.tableIn(doc))
        .as(
            "docs/scale-out.md's table; after changing an input run: java -cp"
                + " bench/target/benchmarks.jar dev.sessionlimits.bench.ScaleModel --write"
                + " docs/scale-out.md")
        .isEqualTo(ScaleModel.table());
  }

  @Test
  void theShardsChosenCarryThePeakWithinTheirTargetAndOneFewerWouldNot() {
    ScaleModel.Plan plan = ScaleModel.plan();
    double capacity = ScaleModel.SHARD_OPENS_PER_S * ScaleModel.SHARD_TARGET_UTILISATION;

    assertThat(ScaleModel.PEAK_LOGINS * plan.unitsPerLogin() / plan.shards())
        .isLessThanOrEqualTo(capacity);
    int fewer = plan.shards() - 1;
    double unitsFewer =
        1 + ScaleModel.ADDRESS_SIDE_UNITS + (1 - 1.0 / fewer) * ScaleModel.TWO_SHARD_EXTRA_UNITS;
    assertThat(ScaleModel.PEAK_LOGINS * unitsFewer / fewer).isGreaterThan(capacity);
  }

  @Test
  void theSimulatedPeakKeepsEveryShardBelowSaturationAndLoginsFast() {
    ScaleModel.Plan plan = ScaleModel.plan();

    assertThat(plan.simMaxUtilisation()).isBetween(0.3, 0.8);
    assertThat(plan.simP99Ms()).isLessThan(50);
  }

  @Test
  void tooFewShardsShowInTheSimulationAsASaturatedShard() {
    double[] overloaded = ScaleModel.simulate(ScaleModel.plan().shards() / 3);

    assertThat(overloaded[0]).isGreaterThan(0.95);
    assertThat(overloaded[1]).isGreaterThan(100);
  }
}
