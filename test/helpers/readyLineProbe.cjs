/**
 * Preloaded (`node --require`) into a `keybound daemon` or `keybound portal` process by
 * test/cli/stopHandlersBeforeReady.test.ts: when the process writes its ready line, this reports
 * on stderr how many SIGTERM and SIGINT listeners it has at that instant. Whoever reads the line
 * may send SIGTERM at once; with no listener yet, the signal's default action kills the process
 * uncleanly — a race a loaded machine loses now and then, made deterministic here.
 */
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (String(chunk).includes(' listening on ')) {
    process.stderr.write(
      `ready-probe: SIGTERM=${process.listenerCount('SIGTERM')} SIGINT=${process.listenerCount('SIGINT')}\n`,
    );
  }
  return write(chunk, ...rest);
};
