// The simulator's end of the serial line. node-serialport opens a pty like any tty; the pty's
// own line discipline is raw (socat sets it), so bytes pass untouched both ways.
import { SerialPort } from 'serialport';

export class ModemPort {
  private constructor(private readonly port: SerialPort) {}

  static async open(path: string, onData: (chunk: Buffer) => void, onClose: () => void): Promise<ModemPort> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', onData);
    // socat going away closes the port under us with a "disconnected" error; that is not a test failure.
    port.on('error', () => undefined);
    port.on('close', onClose);
    return new ModemPort(port);
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  write(data: Buffer): void {
    if (this.port.isOpen) this.port.write(data);
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}
