package dev.sessionlimits.core;

class InMemorySecondFactorsTest extends SecondFactorsContract {

  @Override
  protected SecondFactors createStore() {
    return SecondFactors.inMemory();
  }
}
