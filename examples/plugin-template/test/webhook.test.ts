// The plug-in in a real gateway (nowsms/testing): messages received on a scripted modem reach a real HTTP server.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isNowsmsError, verifySignature } from 'nowsms';
import { scriptedConnection, startTestGateway, type ScriptedConnection, type TestGateway } from 'nowsms/testing';
import { webhook, type WebhookBody } from '../src/index.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const SECRET = 'a-test-secret-of-32-characters!!';

describe('webhook', () => {
  let receiver: Receiver;
  let modem: ScriptedConnection;
  let gw: TestGateway;

  beforeEach(async () => {
    receiver = await startReceiver();
    modem = scriptedConnection({ id: 'modem1' });
    gw = await startTestGateway({
      plugins: [modem, webhook({ url: receiver.url, secret: SECRET })],
      users: [{ name: 'alice', password: 'alice-password', recipients: ['+15550100'] }],
    });
  });

  afterEach(async () => {
    await gw.stop();
    await receiver.close();
  });

  it('POSTs a received SMS as JSON, signed with the secret', async () => {
    const { id, target } = await modem.receive({ from: '+15550999', to: '+15550123', text: 'hello webhook' });
    assert.deepEqual(target, { kind: 'connection', id: 'webhook' });
    await gw.waitForStatus(id, 'sent');
    assert.equal(receiver.received.length, 1);
    const [post] = receiver.received;
    const body = JSON.parse(post!.body) as WebhookBody;
    assert.equal(body.id, id);
    assert.equal(body.from, '+15550999');
    assert.equal(body.to, '+15550123');
    assert.equal(body.text, 'hello webhook');
    assert.equal(body.via, 'modem1');
    assert.equal(post!.headers['content-type'], 'application/json');
    assert.ok(verifySignature(SECRET, String(post!.headers['x-nowsms-signature']), post!.body), 'the signature checks out with the secret');
    assert.ok(!verifySignature('another-secret-of-enough-length', String(post!.headers['x-nowsms-signature']), post!.body));
  });

  it('retries through the gateway queue while the webhook answers 503, and sends once it answers 200', async () => {
    receiver.answers.push(503, 503);
    const { id } = await modem.receive({ from: '+15550999', to: '+15550123', text: 'try again' });
    const retrying = await gw.waitForStatus(id, 'retrying');
    assert.match(retrying.detail ?? '', /503/);
    await gw.waitForStatus(id, 'sent');
    assert.equal(receiver.received.length, 3);
    assert.ok(
      receiver.received.every((r) => (JSON.parse(r.body) as WebhookBody).id === id),
      'the same message each time',
    );
  });

  it('fails a message for good when the webhook refuses it (4xx)', async () => {
    receiver.answers.push(400);
    const { id } = await modem.receive({ from: '+15550999', to: '+15550123', text: 'bad' });
    const failed = await gw.waitForStatus(id, ['sent', 'failed']);
    assert.equal(failed.status, 'failed');
    assert.match(failed.detail ?? '', /400/);
    assert.equal(receiver.received.length, 1);
  });

  it("leaves a user's messages in the user's mailbox", async () => {
    const { id } = await modem.receive({ from: '+15550999', to: '+15550100', text: 'for alice' });
    await gw.waitForStatus(id, 'in-mailbox');
    const other = await modem.receive({ from: '+15550999', to: '+15550123', text: 'for the webhook' });
    await gw.waitForStatus(other.id, 'sent');
    assert.deepEqual(
      receiver.received.map((r) => (JSON.parse(r.body) as WebhookBody).text),
      ['for the webhook'],
    );
  });
});

describe('webhook options', () => {
  it('refuses a bad URL or a short secret, naming the field', () => {
    assert.throws(
      () => webhook({ url: 'ftp://example.org', secret: SECRET }),
      (e) => isNowsmsError(e, 'NOWSMS_ERR_CONFIG') && /plugins\.webhook\.url/.test(e.message),
    );
    assert.throws(
      () => webhook({ url: 'https://example.org/hook', secret: 'short' }),
      (e) => isNowsmsError(e, 'NOWSMS_ERR_CONFIG') && /plugins\.webhook\.secret: at least 16/.test(e.message),
    );
  });
});
