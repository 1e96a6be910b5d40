// PDUs written in one turn of the event loop leave in one write: the answers to a committed batch of
// submits (or a window's worth of submits) cost one system call instead of one each.
import type net from 'node:net';

export function writeBatched(socket: net.Socket, buf: Buffer): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(() => socket.uncork());
  }
  socket.write(buf);
}

/** Before a destroy(): what was written this turn (a generic_nack) still leaves. */
export function flushWrites(socket: net.Socket): void {
  while (socket.writableCorked > 0) socket.uncork();
}
