// The AT engine against an in-process fake line: what is a response, what is unsolicited, and how it
// refuses to guess when it has lost step with the modem.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AtEngine, type Unsolicited } from '../../../plugins/gsm-modem/at/engine.ts';
import { AtClosedError, AtCommandError, AtTimeoutError } from '../../../plugins/gsm-modem/at/errors.ts';

interface Fake {
  engine: AtEngine;
  written: string[];
  urcs: Unsolicited[];
  outOfStep: string[];
  say(text: string): void;
}

/** answer(command) returns what the modem says back to each write (or nothing). */
function fake(answer: (written: string) => string | undefined = () => undefined): Fake {
  const written: string[] = [];
  const urcs: Unsolicited[] = [];
  const outOfStep: string[] = [];
  const engine: AtEngine = new AtEngine(
    (data) => {
      const text = data.toString('latin1');
      written.push(text);
      const reply = answer(text);
      if (reply !== undefined) setImmediate(() => engine.feed(Buffer.from(reply, 'latin1')));
    },
    { unsolicited: (u) => urcs.push(u), outOfStep: (r) => outOfStep.push(r) },
    { defaultTimeoutMs: 200 },
  );
  return { engine, written, urcs, outOfStep, say: (t) => engine.feed(Buffer.from(t, 'latin1')) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AtEngine', () => {
  it('collects the information lines of the pending command and leaves unsolicited ones out', async () => {
    const f = fake((w) =>
      w === 'AT+CMGR=3\r'
        ? '\r\n^RSSI:3\r\n+CMGR: 0,,24\r\n+CMTI: "SM",4\r\n07917248014000F506B70AA18092020000317071518590803170715185418000\r\nRING\r\n\r\nOK\r\n'
        : undefined,
    );
    const lines = await f.engine.run({ command: 'AT+CMGR=3', prefixes: ['+CMGR'], data: 'hex' });
    expect(lines).toEqual(['+CMGR: 0,,24', '07917248014000F506B70AA18092020000317071518590803170715185418000']);
    expect(f.urcs.map((u) => u.line)).toEqual(['^RSSI:3', '+CMTI: "SM",4', 'RING']);
  });

  it('pairs +CMT and +CDS with the PDU on the next line, even in the middle of a response', async () => {
    const f = fake((w) =>
      w === 'AT+CMGL=4\r' ? '+CMGL: 1,0,,5\r\n+CDS: 24\r\n07917248014000F506B70AA18092020000317071518590803170715185418000\r\n0001000000\r\nOK\r\n' : undefined,
    );
    const lines = await f.engine.run({ command: 'AT+CMGL=4', prefixes: ['+CMGL'], data: 'hex' });
    expect(lines).toEqual(['+CMGL: 1,0,,5', '0001000000']);
    expect(f.urcs).toEqual([{ line: '+CDS: 24', prefix: '+CDS', pdu: '07917248014000F506B70AA18092020000317071518590803170715185418000' }]);
  });

  it('does not take a +CREG URC for the answer to AT+CREG?', async () => {
    const f = fake((w) => (w === 'AT+CREG?\r' ? '+CREG: 2\r\n+CREG: 0,1\r\nOK\r\n' : undefined));
    const lines = await f.engine.run({ command: 'AT+CREG?', prefixes: ['+CREG'], accept: (l) => /^\+CREG:\s*\d+\s*,\s*\d+/.test(l) });
    expect(lines).toEqual(['+CREG: 0,1']);
    expect(f.urcs.map((u) => u.line)).toEqual(['+CREG: 2']);
  });

  it('ignores the echo of the command', async () => {
    const f = fake((w) => (w === 'AT+CSQ\r' ? 'AT+CSQ\r\r\n+CSQ: 17,99\r\n\r\nOK\r\n' : undefined));
    expect(await f.engine.run({ command: 'AT+CSQ', prefixes: ['+CSQ'] })).toEqual(['+CSQ: 17,99']);
    expect(f.urcs).toEqual([]);
  });

  it("treats NO CARRIER as the end of somebody else's call unless the command dials", async () => {
    const f = fake((w) => (w === 'AT+CMGD=1\r' ? 'RING\r\nNO CARRIER\r\nOK\r\n' : undefined));
    await f.engine.run({ command: 'AT+CMGD=1' });
    expect(f.urcs.map((u) => u.line)).toEqual(['RING', 'NO CARRIER']);
  });

  it('sends the payload at the prompt, then Ctrl-Z', async () => {
    const f = fake((w) => (w === 'AT+CMGS=5\r' ? '\r\n+ZPASR: "UMTS"\r\n> ' : w === '0001000000\x1a' ? '\r\n+CMGS: 142\r\n\r\nOK\r\n' : undefined));
    expect(await f.engine.run({ command: 'AT+CMGS=5', payload: '0001000000', prefixes: ['+CMGS'] })).toEqual(['+CMGS: 142']);
    expect(f.written).toEqual(['AT+CMGS=5\r', '0001000000\x1a']);
  });

  it('rejects with the error code', async () => {
    const f = fake((w) => (w === 'AT+CMGS=5\r' ? '> ' : '\r\n+CMS ERROR: 42\r\n'));
    const err = await f.engine.run({ command: 'AT+CMGS=5', payload: '0001000000', prefixes: ['+CMGS'] }).catch((e) => e);
    expect(err).toBeInstanceOf(AtCommandError);
    expect((err as AtCommandError).final).toEqual({ kind: 'error', type: 'CMS', code: 42 });
    expect((err as AtCommandError).message).toContain('congestion');
  });

  it('cancels the message entry with ESC when the final never comes after the prompt is missing', async () => {
    const f = fake(() => undefined);
    const err = await f.engine.run({ command: 'AT+CMGS=5', payload: '00', timeoutMs: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(AtTimeoutError);
    expect(f.written.at(-1)).toBe('\x1b');
    expect(f.outOfStep).toHaveLength(1);
  });

  it('refuses work after a timeout until sync() realigns it, and queued commands are rejected, not sent', async () => {
    let silent = true;
    const f = fake((w) => (silent ? undefined : w === 'AT\r' ? 'OK\r\n' : w === 'AT+CPIN?\r' ? '+CPIN: READY\r\nOK\r\n' : undefined));
    const first = f.engine.run({ command: 'AT+CPIN?', timeoutMs: 50 });
    const queued = f.engine.run({ command: 'AT+CMGD=1' });
    await expect(first).rejects.toBeInstanceOf(AtTimeoutError);
    await expect(queued).rejects.toBeInstanceOf(AtClosedError);
    expect(f.written).not.toContain('AT+CMGD=1\r');
    await expect(f.engine.run({ command: 'AT' })).rejects.toBeInstanceOf(AtClosedError);
    silent = false;
    expect(await f.engine.sync({ quietMs: 20 })).toBe(true);
    expect(await f.engine.run({ command: 'AT+CPIN?', prefixes: ['+CPIN'] })).toEqual(['+CPIN: READY']);
  });

  it('spends late answers while syncing instead of handing them to the next command', async () => {
    const f = fake((w) => (w === 'AT\r' ? 'OK\r\n' : w === 'AT+CPIN?\r' ? '+CPIN: READY\r\nOK\r\n' : undefined));
    const syncing = f.engine.sync({ quietMs: 50 });
    // The late answer to a command that timed out earlier.
    f.say('+CMGS: 12\r\nOK\r\n');
    expect(await syncing).toBe(true);
    expect(await f.engine.run({ command: 'AT+CPIN?', prefixes: ['+CPIN'], requireInfo: true })).toEqual(['+CPIN: READY']);
    expect(f.outOfStep).toEqual([]);
  });

  it('goes out of step on a final nobody asked for', () => {
    const f = fake();
    f.say('OK\r\n');
    expect(f.outOfStep).toHaveLength(1);
    expect(f.engine.inStep).toBe(false);
  });

  it('goes out of step when an OK comes without the line the command must carry', async () => {
    const f = fake((w) => (w === 'AT+CPIN?\r' ? 'OK\r\n' : undefined));
    await expect(f.engine.run({ command: 'AT+CPIN?', prefixes: ['+CPIN'], requireInfo: true })).rejects.toBeInstanceOf(AtClosedError);
    expect(f.engine.inStep).toBe(false);
  });

  it('accepts an answer without OK where the firmware is known to leave it out', async () => {
    const f = fake((w) => (w === 'AT+CPIN?\r' ? '+CPIN: READY\r\n' : undefined));
    expect(await f.engine.run({ command: 'AT+CPIN?', prefixes: ['+CPIN'], finalOptional: true, timeoutMs: 50 })).toEqual(['+CPIN: READY']);
    expect(f.engine.inStep).toBe(true);
  });

  it('goes out of step on a burst of garbage, not on one stray line', () => {
    const f = fake();
    f.say('\x01\x02\r\n');
    expect(f.outOfStep).toEqual([]);
    for (let i = 0; i < 5; i++) f.say('\x01\x02\x03\r\n');
    expect(f.outOfStep).toHaveLength(1);
  });

  it('logs and ignores unknown lines without a prefix', async () => {
    const f = fake((w) => (w === 'AT+CMGD=2\r' ? 'AFSDLF SDKFJSKDLFJ\r\nOK\r\n' : undefined));
    expect(await f.engine.run({ command: 'AT+CMGD=2' })).toEqual([]);
    expect(f.urcs.map((u) => u.line)).toEqual(['AFSDLF SDKFJSKDLFJ']);
  });

  it('runs commands strictly one at a time, in order', async () => {
    const f = fake((w) => (w.startsWith('AT') ? 'OK\r\n' : undefined));
    await Promise.all([f.engine.run({ command: 'AT+A' }), f.engine.run({ command: 'AT+B' }), f.engine.run({ command: 'AT+C' })]);
    expect(f.written).toEqual(['AT+A\r', 'AT+B\r', 'AT+C\r']);
  });
});
