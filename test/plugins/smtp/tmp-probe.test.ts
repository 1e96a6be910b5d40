import { it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestGateway } from './tmp-gateway.ts';
it('probe', async () => {
  const gw = await startTestGateway({ pop3: false, users: [{ name: 'alice', password: 'alice-pw', recipients: ['+15550009999'] }] });
  try {
    const out = await promisify(execFile)('swaks', ['--server', '127.0.0.1', '--port', String(gw.smtpPort), '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'alice-pw', '--from', 'alice@example.com', '--header', 'Subject: ', '--to', '15550001111@sms.localhost,+15550002222@sms.localhost', '--body', 'hi']).catch((e) => e);
    console.log(out.stdout, out.stderr);
  } finally { await gw.stop(); }
});
