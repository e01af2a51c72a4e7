package dev.sessionlimits.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The live sessions of one user or one address in the {@link InMemorySessionStore}, and the one
 * copy of its key that they all share. Written only under the key's stripe; read without a lock. A
 * write either fills the next free slot and then raises {@code size}, or publishes a new array and
 * then sets {@code size}; a reader reads {@code size} before {@code entries}, so it sees every
 * entry added before the size it read, and at worst some nulls (skipped) or an entry that has just
 * stopped being live (filtered). An array costs a few bytes a session where a concurrent set costs
 * a hundred.
 */
final class InMemoryIndex {
  private static final InMemoryEntry[] NONE = new InMemoryEntry[0];

  final String key;
  private volatile InMemoryEntry[] entries = NONE;
  private volatile int size;

  InMemoryIndex(String key) {
    this.key = key;
  }

  /** Adds {@code entry}; the caller holds the key's stripe. */
  void add(InMemoryEntry entry) {
    InMemoryEntry[] array = entries;
    int n = size;
    if (n == array.length) {
      array = Arrays.copyOf(array, Math.max(4, n * 2));
      array[n] = entry;
      entries = array;
    } else {
      array[n] = entry;
    }
    size = n + 1;
  }

  /**
   * The sessions live at {@code now}, after dropping the entries that are not; the caller holds the
   * key's stripe.
   */
  List<Session> liveAndPrune(Instant now) {
    InMemoryEntry[] array = entries;
    int n = size;
    List<Session> live = new ArrayList<>(n);
    InMemoryEntry[] kept = null;
    for (int i = 0; i < n; i++) {
      Session session = array[i].get();
      if (session.isLive(now)) {
        live.add(session);
        if (kept != null) {
          kept[live.size() - 1] = array[i];
        }
      } else if (kept == null) {
        kept = new InMemoryEntry[Math.max(4, n)];
        for (int j = 0; j < live.size(); j++) {
          kept[j] = array[i - live.size() + j];
        }
      }
    }
    if (kept != null) {
      entries = kept;
      size = live.size();
    }
    return live;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The live sessions at {@code now}, earliest-created first; takes no lock. */
  List<Session> live(Instant now) {
    int n = size;
    InMemoryEntry[] array = entries;
    List<Session> live = new ArrayList<>(Math.min(n, array.length));
    for (int i = 0; i < Math.min(n, array.length); i++) {
      Session session = (array[i] == null) ? null : array[i].get();
      if (session != null && session.isLive(now)) {
        live.add(session);
      }
    }
    live.sort(Session.BY_CREATION);
    return live;
  }
}
