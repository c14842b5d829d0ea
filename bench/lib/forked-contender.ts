/**
 * The child side of a forked contender (raw-producer.ts, raw-consumer.ts): its job from argv, the
 * IPC protocol's `ready` and result messages, and an exit when the harness is gone.
 */

/**
 * Runs `run` when this module's process was forked (process.send exists): `run` gets the job (argv
 * 2, JSON) and two senders, `ready` and `report`. The child exits when the harness's IPC channel
 * closes before `run` is done (the harness died, even by SIGKILL: nobody is waiting for it).
 */
export async function runForked<Job, Result>(
  name: string,
  run: (job: Job, ready: () => void, report: (result: Result) => void) => Promise<void>,
): Promise<void> {
  if (process.send === undefined) return;
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const send = process.send.bind(process);
  let finished = false;
  process.once('disconnect', () => {
    if (!finished) process.exit(2);
  });
  try {
    await run(
      job,
      () => send({ t: 'ready' }),
      (result) => send(result),
    );
    finished = true;
    // Leave by an empty event loop rather than process.exit(), so --cpu-prof can write its profile.
    process.disconnect();
  } catch (err) {
    process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}
