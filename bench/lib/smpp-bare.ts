// The baseline for SMPP intake: a bare `smpp` server that accepts any bind and answers every submit_sm at
// once with a made-up id, storing nothing. What the library itself can do, on the same machine and node.
// Run as its own process: node --import tsx bench/lib/smpp-bare.ts <port>
import smpp, { type PDU, type Session } from 'smpp';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: smpp-bare.ts <port>\n');
  process.exit(2);
}

let nextId = 0;
const server = smpp.createServer((session: Session) => {
  session.on('error', () => {});
  const ok = (pdu: PDU) => session.send(pdu.response());
  session.on('bind_transceiver', ok);
  session.on('bind_transmitter', ok);
  session.on('bind_receiver', ok);
  session.on('enquire_link', ok);
  session.on('submit_sm', (pdu: PDU) => session.send(pdu.response({ message_id: String(++nextId) })));
  session.on('unbind', (pdu: PDU) => {
    session.send(pdu.response());
    session.close();
  });
});
server.on('error', (e: Error) => process.stderr.write(`smpp-bare: ${e.message}\n`));
server.listen(port, '127.0.0.1');
