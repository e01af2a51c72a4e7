package dev.sessionlimits.server.service;

import dev.sessionlimits.core.InvalidSettingsException;
import dev.sessionlimits.core.Setting;
import dev.sessionlimits.core.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The settings defined in the {@code *.properties} files of {@code SESSIONLIMITS_CONFIG_DIR}, read
 * once at start. They win over the stored ones and are read-only in the API. A setting defined in
 * two files, an unknown name or an invalid value stops the server with a message that names the
 * file.
 */
public final class FileSettings {

  /** One setting's value as written, and the file it came from. */
  public record Entry(String text, Path file) {}

  static final FileSettings NONE = new FileSettings(new EnumMap<>(Setting.class));

  private final Map<Setting, Entry> entries;

  private FileSettings(EnumMap<Setting, Entry> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  /**
   * Reads every {@code *.properties} file of {@code dir}, in name order.
   *
   * @throws IllegalStateException describing every problem: file, setting, value and valid range
   */
  public static FileSettings load(Path dir, Set<String> actionNames) {
    if (dir == null) {
      return NONE;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "SESSIONLIMITS_CONFIG_DIR is " + dir.toAbsolutePath() + ", which is not a folder");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.getFileName().toString().endsWith(".properties"))
              .filter(Files::isRegularFile)
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot list the settings folder " + dir.toAbsolutePath() + ": " + e, e);
    }
    EnumMap<Setting, Entry> entries = new EnumMap<>(Setting.class);
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException | IllegalArgumentException e) {
        problems.add(
            file.toAbsolutePath() + " cannot be read as a .properties file: " + e.getMessage());
        continue;
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String name : properties.stringPropertyNames().stream().sorted().toList()) {
        Setting setting = Setting.named(name);
        if (setting == null) {
          problems.add(
              file.toAbsolutePath()
                  + ": "
                  + name
                  + " is not a setting; the settings are "
                  + Arrays.stream(Setting.values())
                      .map(Setting::name)
                      .collect(Collectors.joining(", ")));
          continue;
        }
        Entry earlier = entries.get(setting);
        if (earlier != null) {
          problems.add(
              file.toAbsolutePath()
                  + ": "
                  + name
                  + " is also set in "
                  + earlier.file()
                  + "; define each setting in one file only");
          continue;
        }
        values.put(name, properties.getProperty(name));
        entries.put(setting, new Entry(properties.getProperty(name).trim(), file.toAbsolutePath()));
      }
      try {
        Settings.DEFAULTS.withText(values, actionNames);
      } catch (InvalidSettingsException e) {
        e.fields().values().forEach(m -> problems.add(file.toAbsolutePath() + ": " + m));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid settings in " + dir.toAbsolutePath() + ":\n  " + String.join("\n  ", problems));
    }
    return new FileSettings(entries);
  }

  /** Each setting the files define, with its text and its file. */
  public Map<Setting, Entry> entries() {
    return entries;
  }

  boolean defines(Setting setting) {
    return entries.containsKey(setting);
  }

  /** What the files say of {@code setting}; null if they do not define it. */
  public Entry get(Setting setting) {
    return entries.get(setting);
  }

  /** The values as text by setting name, for {@link Settings#withText}. */
  Map<String, String> texts() {
    Map<String, String> map = new LinkedHashMap<>();
    entries.forEach((s, e) -> map.put(s.name(), e.text()));
    return map;
  }
}
