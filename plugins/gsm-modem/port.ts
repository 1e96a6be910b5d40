// The serial line, through `serialport`. A USB modem that is unplugged makes the port error and close;
// either way the owner hears about it once, through onClose.

export interface ModemPort {
  readonly path: string;
  write(data: Buffer): void;
  close(): Promise<void>;
}

export interface PortHandlers {
  data(chunk: Buffer): void;
  /** The port went away (unplugged, the other end of a pty closed, an I/O error); not called for close(). */
  closed(reason: string): void;
}

export async function openPort(path: string, baudRate: number, handlers: PortHandlers): Promise<ModemPort> {
  // serialport (a native addon) loads with the first modem, not with every gateway that could have one.
  const { SerialPort } = await import('serialport');
  // lock: a second gateway (or a stray `cu`) on the same modem would steal half of every answer.
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  let closing = false;
  let reported = false;
  const gone = (reason: string) => {
    if (closing || reported) return;
    reported = true;
    handlers.closed(reason);
  };
  port.on('data', (chunk: Buffer) => handlers.data(chunk));
  port.on('error', (err: Error) => gone(err.message));
  port.on('close', (err?: Error | null) => gone(err?.message ?? 'the port closed'));
  return {
    path,
    write(data) {
      if (!port.isOpen) return;
      port.write(data, (err) => {
        if (err) gone(`write failed: ${err.message}`);
      });
    },
    close() {
      closing = true;
      if (!port.isOpen) return Promise.resolve();
      return new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
