import net from 'node:net';

/** Ports this process has handed out: the OS may give a port just closed again, and two servers of one config must not share one. */
const handedOut = new Set<number>();

/** A TCP port free on 127.0.0.1 right now, for a server a test configures by port number; never the same one twice in a process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}
