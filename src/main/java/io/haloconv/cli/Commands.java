package io.haloconv.cli;

/** Small argument checks the tool commands share. */
final class Commands {
  private Commands() {}

  /** The one positional argument a command takes, named {@code what} in messages. */
  static String onePositional(Args args, String command, String what) {
    if (args.positional().isEmpty()) {
      throw new UsageException(command + " needs " + what);
    }
    if (args.positional().size() > 1) {
      throw new UsageException(
          command + " takes one " + what + ", got also '" + args.positional().get(1) + "'");
    }
    return args.positional().get(0);
  }
}
