// Starts the fauxqs SQS emulator for the ThreadedLogging.Aws tests.
// fauxqs's own startFauxqs() and its command line listen on 0.0.0.0; the tests must only ever listen on
// loopback, so this builds the same Fastify app and listens on 127.0.0.1 on a port the OS picks.
// Prints one line, "listening <port>", then runs until stdin closes (the test process died or
// disposed its fixture) or it gets SIGTERM/SIGINT.
import { buildApp } from "fauxqs";

const app = buildApp({ logger: false });
const address = await app.listen({ host: "127.0.0.1", port: Number(process.env.FAUXQS_PORT ?? 0) });
const port = new URL(address).port;
process.stdout.write(`listening ${port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await app.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
