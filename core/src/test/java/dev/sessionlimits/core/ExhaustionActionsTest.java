package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExhaustionActionsTest {

  /** Installed through META-INF/services in the test resources. */
  public static final class KeepNewestAction implements ExhaustionAction {
    @Override
    public String name() {
      return "KEEP_NEWEST";
    }

    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return ActionDecision.end(exhaustion.live().subList(0, exhaustion.toEnd()));
    }
  }

  /** Also installed, but claims a built-in's name: it must be ignored. */
  public static final class ImpostorAction implements ExhaustionAction {
    @Override
    public String name() {
      return "DENY_ACCESS";
    }

    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return ActionDecision.end(exhaustion.live());
    }
  }

  @Test
  void findsTheBuiltInsByTheirSettingNames() {
    ExhaustionActions actions = ExhaustionActions.builtIns();

    assertThat(actions.names())
        .containsExactly(
            "DENY_ACCESS",
            "DESTROY_NEXT_EXPIRING",
            "DESTROY_OLDEST_SESSION",
            "DESTROY_OLD_SESSIONS");
    assertThat(actions.require("DESTROY_OLDEST_SESSION"))
        .isSameAs(ExhaustionAction.DESTROY_OLDEST_SESSION);
  }

  @Test
  void findsCustomActionsWithTheServiceLoaderAndNeverLetsOneReplaceABuiltIn() {
    ExhaustionActions actions = ExhaustionActions.load(getClass().getClassLoader());

    assertThat(actions.named("KEEP_NEWEST")).containsInstanceOf(KeepNewestAction.class);
    assertThat(actions.require("DENY_ACCESS")).isSameAs(ExhaustionAction.DENY_ACCESS);
    assertThat(actions.names()).hasSize(5);
  }

  @Test
  void namesTheInstalledActionsWhenAskedForOneThatIsNot() {
    assertThatThrownBy(() -> ExhaustionActions.builtIns().require("NOPE"))
        .hasMessageContaining("no exhaustion action named 'NOPE'")
        .hasMessageContaining("DESTROY_OLD_SESSIONS");
  }
}
