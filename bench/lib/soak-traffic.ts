// The soak's steady traffic: SMTP mail from alice, SMPP submits from an application, MO from the SMSC
// simulator and from the modem simulator, and bob reading his mailbox over POP3 (some sessions dropped in the
// middle of a RETR). Each loop keeps its own pace whatever the gateway does: a refusal, a dropped connection
// or a gateway being restarted costs that one message (counted as not acknowledged) and a short wait.
import net from 'node:net';
import { simpleParser } from 'mailparser';
import smpp, { type PDU, type Session } from 'smpp';
import type { ModemSimulator } from '../../test/plugins/gsm-modem/simulator/index.ts';
import type { SmscSimulator } from '../../test/plugins/smpp/smsc-simulator/index.ts';
import { messageOf, Pop3Client } from './pop3-client.ts';
import { SmtpClient } from './smtp-client.ts';
import { tagsIn, type Flow, type Ledger } from './soak-ledger.ts';

export const SOAK_USERS = {
  alice: { name: 'alice', password: 'soak-alice-pw', number: '+15550002222' },
  bob: { name: 'bob', password: 'soak-bob-pw', number: '+15550001111' },
  app: { name: 'app', password: 'apppw' },
} as const;

/** Numbers the SMSC connection carries (+1666...) and the modem carries (+1777...). */
export const SMSC_PREFIX = '1666';
export const MODEM_PREFIX = '1777';

export interface Ports {
  smtp: number;
  pop3: number;
  smpp: number;
}

export interface IntakeSample {
  kind: 'smtp' | 'smpp' | 'smsc-mo' | 'modem-mo';
  at: number;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout?.();
        reject(new Error(`${what}: no answer within ${ms} ms`));
      }, ms);
    }),
  ]);
}

export class Traffic {
  running = true;
  readonly intake: IntakeSample[] = [];
  readonly counts = { pop3Sessions: 0, pop3Dropped: 0, pop3Failed: 0, pop3Retrieved: 0 };
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly ports: Ports,
    private readonly ledger: Ledger,
    private readonly smsc: SmscSimulator,
    private readonly modem: () => ModemSimulator,
  ) {}

  /** Start every loop; `rate` scales the message rates (1: 4 SMTP + 4 SMPP + 1 SMSC MO + 0.5 modem MO a second). */
  start(rate: number): void {
    this.loops.push(this.smtpLoop(0, 500 / rate), this.smtpLoop(1, 500 / rate));
    this.loops.push(this.smppLoop(250 / rate));
    this.loops.push(this.smscMoLoop(1000 / rate), this.modemMoLoop(2000 / rate));
    this.loops.push(this.pop3Loop(3000, 3));
  }

  /** Stop sending; the POP3 reader goes on until stopReading(). */
  async stopSending(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops.slice(0, 5));
  }

  private reading = true;
  async stopReading(): Promise<void> {
    this.reading = false;
    await this.loops[5];
  }

  /** One POP3 pass over bob's mailbox that drops no session (the final drain). */
  async readAll(): Promise<number> {
    return this.pop3Session(false);
  }

  private paced(intervalMs: number, body: () => Promise<void>, until: () => boolean = () => this.running): Promise<void> {
    return (async () => {
      let due = Date.now();
      while (until()) {
        await body();
        due += intervalMs;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        else if (wait < -10 * intervalMs) due = Date.now(); // after an outage: the same pace, no burst to catch up
      }
    })();
  }

  // --- SMTP ------------------------------------------------------------------------------------------

  private smtpLoop(worker: number, intervalMs: number): Promise<void> {
    let client: SmtpClient | undefined;
    let n = 0;
    const flows: Flow[] = worker === 0 ? ['smtp>smsc', 'smtp>modem'] : ['smtp>modem', 'smtp>smsc'];
    return this.paced(intervalMs, async () => {
      const flow = flows[n++ % 2]!;
      const tag = this.ledger.tag(flow);
      this.ledger.attempt(flow);
      const sentAt = this.ledger.now();
      try {
        if (!client) {
          client = await withTimeout(SmtpClient.connect(this.ports.smtp), 10_000, 'SMTP connect');
          await withTimeout(client.login(SOAK_USERS.alice.name, SOAK_USERS.alice.password), 10_000, 'SMTP login');
        }
        const to = `${flow === 'smtp>smsc' ? SMSC_PREFIX : MODEM_PREFIX}${String(n % 10_000_000).padStart(7, '0')}@sms.localhost`;
        const c = client;
        const reply = await withTimeout(c.send(`${SOAK_USERS.alice.name}@example.com`, to, mail(tag, to)), 30_000, 'SMTP send', () => c.destroy());
        this.intake.push({ kind: 'smtp', at: sentAt, ms: this.ledger.now() - sentAt });
        this.ledger.ack(tag, flow, sentAt, /accepted as (\S+)/.exec(reply.text)?.[1]);
      } catch {
        this.ledger.refused(flow);
        client?.destroy();
        client = undefined;
        await sleep(300);
      }
    }).finally(() => client?.quit());
  }

  // --- SMPP (an application bound to the gateway's SMPP server) ------------------------------------------

  private smppLoop(intervalMs: number): Promise<void> {
    let session: Esme | undefined;
    let n = 0;
    const drop = () => {
      session?.destroy();
      session = undefined;
    };
    return this.paced(intervalMs, async () => {
      const flow: Flow = n++ % 2 === 0 ? 'smpp>smsc' : 'smpp>modem';
      const tag = this.ledger.tag(flow);
      this.ledger.attempt(flow);
      const sentAt = this.ledger.now();
      try {
        if (!session) session = await withTimeout(bindTransmitter(this.ports.smpp), 10_000, 'SMPP bind', drop);
        const s = session;
        const pdu = new smpp.PDU('submit_sm', {
          source_addr: '15550003333',
          source_addr_ton: 1,
          source_addr_npi: 1,
          destination_addr: `${flow === 'smpp>smsc' ? SMSC_PREFIX : MODEM_PREFIX}${String(n % 10_000_000).padStart(7, '0')}`,
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          data_coding: 0,
          short_message: Buffer.from(`soak ${tag} via smpp`, 'latin1'),
        });
        const resp = await withTimeout(
          // A gateway killed mid-submit never answers: the closed socket ends the wait.
          Promise.race([new Promise<PDU>((resolve) => s.send(pdu, resolve)), s.gone]),
          30_000,
          'submit_sm',
          drop,
        );
        this.intake.push({ kind: 'smpp', at: sentAt, ms: this.ledger.now() - sentAt });
        if (resp.command_status === 0) this.ledger.ack(tag, flow, sentAt, resp.message_id as string | undefined);
        else {
          this.ledger.refused(flow);
          await sleep(200);
        }
      } catch {
        this.ledger.refused(flow);
        drop();
        await sleep(300);
      }
    }).finally(() => {
      session?.destroy();
    });
  }

  // --- MO from the network -------------------------------------------------------------------------------

  private smscMoLoop(intervalMs: number): Promise<void> {
    return this.paced(intervalMs, async () => {
      const flow: Flow = 'smsc-mo>mailbox';
      const tag = this.ledger.tag(flow);
      this.ledger.attempt(flow);
      const sentAt = this.ledger.now();
      try {
        const statuses = await withTimeout(
          this.smsc.deliverMo({ from: '+447700900123', to: SOAK_USERS.bob.number, text: `soak ${tag} from the smsc` }),
          30_000,
          'deliver_sm',
        );
        this.intake.push({ kind: 'smsc-mo', at: sentAt, ms: this.ledger.now() - sentAt });
        if (statuses.every((s) => s === 0)) this.ledger.ack(tag, flow, sentAt);
        else this.ledger.refused(flow);
      } catch {
        // No gateway bound (a flap, a restart): the SMSC keeps its MO; nothing was acknowledged.
        this.ledger.refused(flow);
      }
    });
  }

  private modemMoLoop(intervalMs: number): Promise<void> {
    return this.paced(intervalMs, async () => {
      const flow: Flow = 'modem-mo>mailbox';
      const tag = this.ledger.tag(flow);
      this.ledger.attempt(flow);
      const sentAt = this.ledger.now();
      try {
        // The network has it once the simulator takes it: on the SIM, or held until the modem is back.
        this.modem().deliver({ from: '+447700900456', text: `soak ${tag} from the modem` });
        this.ledger.ack(tag, flow, sentAt);
      } catch {
        this.ledger.refused(flow);
      }
    });
  }

  // --- POP3 -----------------------------------------------------------------------------------------------

  /** Every intervalMs a session as bob: every `dropEvery`-th drops its connection in the middle of a RETR. */
  private pop3Loop(intervalMs: number, dropEvery: number): Promise<void> {
    let n = 0;
    return this.paced(
      intervalMs,
      async () => {
        const drop = this.running && ++n % dropEvery === 0;
        try {
          await this.pop3Session(drop);
        } catch {
          this.counts.pop3Failed++;
        }
      },
      () => this.reading,
    );
  }

  /** A session: UIDL, RETR each (tags noted), DELE each, QUIT. With `drop`: the connection is cut during the first RETR instead. */
  private async pop3Session(drop: boolean): Promise<number> {
    if (drop) return this.pop3Drop();
    const c = await withTimeout(Pop3Client.login(this.ports.pop3, SOAK_USERS.bob.name, SOAK_USERS.bob.password), 10_000, 'POP3 login');
    try {
      this.counts.pop3Sessions++;
      const uids = await withTimeout(c.uidl(), 30_000, 'UIDL', () => c.destroy());
      for (let i = 0; i < uids.length; i++) {
        const raw = await withTimeout(c.retrRaw(i + 1), 30_000, 'RETR', () => c.destroy());
        for (const tag of await tagsOfMail(messageOf(raw))) this.ledger.seenInMailbox(tag, uids[i]!);
        this.counts.pop3Retrieved++;
        await c.command(`DELE ${i + 1}`);
      }
      await c.quit();
      return uids.length;
    } finally {
      c.destroy();
    }
  }

  private async pop3Drop(): Promise<number> {
    const s = net.connect(this.ports.pop3, '127.0.0.1');
    s.on('error', () => {});
    let buf = '';
    const waitFor = (re: RegExp) =>
      withTimeout(
        new Promise<void>((resolve, reject) => {
          const check = () => (re.test(buf) ? resolve() : undefined);
          s.on('data', (d: Buffer) => {
            buf += d.toString('latin1');
            check();
          });
          s.once('close', () => reject(new Error('closed')));
          check();
        }),
        10_000,
        'POP3',
      );
    try {
      await waitFor(/^\+OK.*\r\n/);
      buf = '';
      s.write(`USER ${SOAK_USERS.bob.name}\r\n`);
      await waitFor(/\r\n/);
      buf = '';
      s.write(`PASS ${SOAK_USERS.bob.password}\r\n`);
      await waitFor(/\r\n/);
      if (!buf.startsWith('+OK')) throw new Error(`PASS: ${buf}`);
      buf = '';
      s.write('STAT\r\n');
      await waitFor(/\r\n/);
      if (/^\+OK 0 /.test(buf)) return 0;
      buf = '';
      s.write('RETR 1\r\n');
      await waitFor(/./);
      this.counts.pop3Dropped++;
      return 0;
    } finally {
      s.destroy();
    }
  }
}

type Esme = Session & { gone: Promise<never> };

function bindTransmitter(port: number): Promise<Esme> {
  return new Promise((resolve, reject) => {
    const s = smpp.connect({ host: '127.0.0.1', port }) as Esme;
    s.gone = new Promise<never>((_, rej) => s.on('close', () => rej(new Error('SMPP connection closed'))));
    s.gone.catch(() => {});
    s.on('error', (e: Error) => reject(e));
    s.on('close', () => reject(new Error('closed')));
    s.once('connect', () => {
      s.send(new smpp.PDU('bind_transmitter', { system_id: SOAK_USERS.app.name, password: SOAK_USERS.app.password, interface_version: 0x34 }), (resp: PDU) => {
        if (resp.command_status === 0) resolve(s);
        else {
          s.destroy();
          reject(new Error(`bind refused: 0x${resp.command_status.toString(16)}`));
        }
      });
    });
  });
}

function mail(tag: string, to: string): Buffer {
  const lines = [
    `From: Alice <${SOAK_USERS.alice.name}@example.com>`,
    `To: <${to}>`,
    `Message-ID: <${tag}@soak.localhost>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `soak ${tag} via smtp`,
    '.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** The tags a retrieved mail carries: in its raw text, or (if its body is encoded) in its decoded text. */
async function tagsOfMail(raw: Buffer): Promise<string[]> {
  const direct = tagsIn(raw.toString('latin1'));
  if (direct.length) return direct;
  const parsed = await simpleParser(raw);
  return tagsIn(`${parsed.subject ?? ''}\n${parsed.text ?? ''}`);
}
