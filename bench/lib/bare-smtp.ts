// The baseline for the SMTP figures: a bare smtp-server that accepts any login, drains DATA and answers 250,
// with no parsing and no storage. Run as its own process: node --import tsx bench/lib/bare-smtp.ts <port>
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: bare-smtp.ts <port>\n');
  process.exit(2);
}

const server = new SMTPServer({
  name: 'bare.localhost',
  logger: false,
  // Like the gateway without a certificate: AUTH in clear on a loopback port.
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  disableReverseLookup: true,
  size: 10 * 1024 * 1024,
  maxClients: 100,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username });
  },
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback(null, '2.6.0 accepted'));
  },
});

server.on('error', (e) => process.stderr.write(`bare-smtp: ${e.message}\n`));
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
