package io.vidlog.server.keys;

import io.vertx.core.Vertx;
import io.vidlog.server.Main;
import io.vidlog.server.StoreStack;
import io.vidlog.server.auth.AccessKey;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.kvs.KvsActions;
import io.vidlog.kvs.StreamRules;
import io.vidlog.server.auth.Policy;
import io.vidlog.server.config.ConfigException;
import io.vidlog.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog-server keys create|list|revoke}: access-key management on the store the same flags
 * (data dir, or an external S3 store) point at. Prints to stdout, being a CLI; a created secret is
 * shown once.
 */
@Command(name = "keys", description = "Manage access keys.", mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {

  static <T> T withKeys(CommandSpec spec, Function<AccessKeyStore, T> action) throws Exception {
    ServerConfig config = Main.config(spec);
    Files.createDirectories(config.dataDir());
    Vertx vertx = Vertx.vertx();
    StoreStack stores = null;
    try {
      stores = Main.opener().open(vertx, config).await();
      return action.apply(new AccessKeyStore(stores.store(), stores.systemSealer()));
    } finally {
      if (stores != null) {
        stores.store().close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Command(name = "create", description = "Create an access key and print its secret once.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--name", required = true, description = "A name for people") String name;
    @Option(names = "--actions", split = ",", description = "KVS actions (e.g. PutMedia,GetMedia) or *") List<String> actions;
    @Option(names = "--streams", split = ",", description = "Stream-name patterns (* and ?), e.g. 'cam-*'") List<String> streams;
    @Option(names = "--admin", description = "May do everything") boolean admin;

    @Override
    public Integer call() throws Exception {
      Policy policy = admin ? Policy.adminPolicy() : policy(actions, streams);
      AccessKeyStore.Resolved r = withKeys(spec, keys -> keys.create(name, policy).await());
      PrintWriter out = spec.commandLine().getOut();
      out.println("accessKeyId:     " + r.key().id());
      out.println("secretAccessKey: " + r.secret());
      out.println("policy:          " + describe(r.key().policy()));
      out.flush();
      return 0;
    }
  }

  static Policy policy(List<String> actions, List<String> streams) {
    if (actions == null || actions.isEmpty()) {
      throw new ConfigException("'--actions' is required (or --admin)");
    }
    if (streams == null || streams.isEmpty()) {
      throw new ConfigException("'--streams' is required (or --admin)");
    }
    Set<String> normalised = new LinkedHashSet<>();
    for (String a : actions) {
      String n = KvsActions.normalise(a);
      if (n == null) {
        throw new ConfigException("Invalid value for '--actions': '" + a + "' (expected KVS action names such as "
            + "PutMedia, GetMedia, DescribeStream, or *)");
      }
      normalised.add(n);
    }
    List<String> patterns = new ArrayList<>();
    for (String s : streams) {
      if (!StreamRules.isValidNameGlob(s)) {
        throw new ConfigException("Invalid value for '--streams': '" + s
            + "' (expected stream-name patterns: " + StreamRules.NAME_GLOB.pattern() + ", * any run, ? one character)");
      }
      patterns.add(s);
    }
    return new Policy(false, normalised, patterns);
  }

  static String describe(Policy p) {
    return p.admin() ? "admin (everything)" : "actions " + String.join(",", new java.util.TreeSet<>(p.actions()))
        + " on streams " + String.join(",", p.streams());
  }

  @Command(name = "list", description = "List access keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<AccessKey> keys = withKeys(spec, k -> k.list().await());
      PrintWriter out = spec.commandLine().getOut();
      for (AccessKey k : keys) {
        out.printf("%s  %-20s  %s  created %s%n", k.id(), k.name(), describe(k.policy()),
            Instant.ofEpochMilli(k.createdMillis()));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", description = "Delete an access key; requests signed with it are refused.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      boolean revoked = withKeys(spec, k -> k.revoke(id).await());
      if (!revoked) {
        spec.commandLine().getErr().println("vidlog: no access key " + id);
        return 1;
      }
      spec.commandLine().getOut().println("revoked " + id);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
