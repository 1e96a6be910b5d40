// Independent check: libgammu (python3-gammu) decodes what our encoders produce and agrees on
// number, text and header. DecodePDU takes the SMSC prefix when told SMSC=True, for SUBMIT as
// well as DELIVER, so the PDUs go over exactly as AT+CMGS would receive them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeDeliver, encodeStatusReport, encodeSubmit, type EncodedPdu } from '../../../../core/codecs/pdu/index.ts';

const PY = '/usr/bin/python3';
const gammuImportable = spawnSync(PY, ['-c', 'import gammu'], { stdio: 'ignore' }).status === 0;
const peersRequired = process.env.NOWSMS_REQUIRE_PEERS === '1';

const GAMMU_DECODE = `
import gammu, json, sys
out = []
for pdu in json.load(sys.stdin):
    d = gammu.DecodePDU(bytes.fromhex(pdu), SMSC=True)
    text, udh = d['Text'], d['UDH']
    out.append({
        'type': d['Type'], 'number': d['Number'], 'smsc': d['SMSC']['Number'],
        'text': text.hex().upper() if isinstance(text, bytes) else text,
        'coding': d['Coding'], 'class': d['Class'],
        'udh': udh['Text'].hex().upper(), 'ref8': udh['ID8bit'], 'ref16': udh['ID16bit'],
        'part': udh['PartNumber'], 'parts': udh['AllParts'],
        'dateTime': d['DateTime'].isoformat() if d['DateTime'] else None,
        'reference': d['MessageReference'], 'deliveryStatus': d['DeliveryStatus'],
    })
json.dump(out, sys.stdout)
`;

interface GammuView {
  type: string;
  number: string;
  smsc: string;
  text: string;
  coding: string;
  class: number;
  udh: string;
  ref8: number;
  ref16: number;
  part: number;
  parts: number;
  dateTime: string | null;
  reference: number;
  deliveryStatus: number;
}

function gammuDecode(pdus: EncodedPdu[]): GammuView[] {
  const run = spawnSync(PY, ['-c', GAMMU_DECODE], { input: JSON.stringify(pdus.map((p) => p.pdu)), encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as GammuView[];
}

// libgammu sizes 7-bit text by TP-UDL septets, so each escape pair leaves one slot at the end:
// a NUL, then whatever its buffer held. No decoded character is NUL ("@" is U+0040), so cut there.
const textOf = (v: GammuView): string => v.text.split('\0')[0] ?? '';
const gammuText = (views: GammuView[]): string => views.map(textOf).join('');

describe('cross-check with libgammu', () => {
  it('decodes our SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT PDUs the way we meant them', (ctx) => {
    if (!gammuImportable) {
      if (peersRequired) throw new Error(`NOWSMS_REQUIRE_PEERS=1 but ${PY} cannot import gammu`);
      ctx.skip(`${PY} cannot import gammu (python3-gammu not installed)`);
    }
    const to = '+447700900123';
    const extension = 'Price: 5€ [ok] {x} ^~\\| @£$';
    const emoji = `${'ж'.repeat(66)}😀${'ы'.repeat(60)}🚀🚀${'я'.repeat(60)}👍`;
    const boundary = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    const long16 = 'Lorem ipsum '.repeat(20);
    const data = Buffer.from('0106226170706C69636174696F6E2F766E642E7761702E6D6D732D6D65737361676500', 'hex');
    const cases = {
      extension: encodeSubmit({ to, text: extension }),
      emoji: encodeSubmit({ to, text: emoji, concatRef: 42 }),
      boundary: encodeSubmit({ to, text: boundary, concatRef: 200 }),
      long16: encodeSubmit({ to, text: long16, concat16: true, concatRef: 0xbeef }),
      ports: encodeSubmit({ to, data, ports: { source: 9200, destination: 2948 } }),
      flash: encodeSubmit({ to, text: 'Flash!', messageClass: 0, smsc: '+447785016005' }),
      national: encodeSubmit({ to: '0821234567', toa: 0xa1, text: 'local' }),
      deliver: encodeDeliver({ from: 'NowSMS', text: 'Zoë?', timestamp: { date: new Date('2026-11-26T13:20:30Z'), tzMinutes: -180 } }),
      report: [
        encodeStatusReport({
          recipient: to,
          messageReference: 9,
          status: 0x46,
          scTimestamp: new Date('2026-01-01T00:00:00Z'),
          dischargeTime: new Date('2026-01-01T00:05:00Z'),
        }),
      ],
    };
    const names = Object.keys(cases) as (keyof typeof cases)[];
    const views = gammuDecode(names.flatMap((name) => cases[name]));
    const byCase: Record<string, GammuView[]> = {};
    let at = 0;
    for (const name of names) {
      byCase[name] = views.slice(at, at + cases[name].length);
      at += cases[name].length;
    }
    const view = (name: keyof typeof cases): GammuView[] => byCase[name] ?? [];

    for (const v of names.filter((n) => n !== 'deliver' && n !== 'report' && n !== 'national').flatMap(view)) {
      expect(v).toMatchObject({ type: 'Submit', number: to });
    }
    expect(view('extension')).toMatchObject([{ coding: 'Default_No_Compression', class: -1, udh: '' }]);
    expect(gammuText(view('extension'))).toBe(extension);

    expect(gammuText(view('emoji'))).toBe(emoji);
    expect(view('emoji').map((v) => [v.coding, v.udh, v.ref8, v.part, v.parts])).toEqual(
      [1, 2, 3].map((seq) => ['Unicode_No_Compression', `0500032A030${seq}`, 42, seq, 3]),
    );

    expect(view('boundary').map(textOf)).toEqual(['a'.repeat(152), `€${'b'.repeat(10)}`]);
    expect(view('boundary').map((v) => v.udh)).toEqual(['050003C80201', '050003C80202']);

    expect(gammuText(view('long16'))).toBe(long16);
    expect(view('long16').map((v) => [v.udh, v.ref16, v.part, v.parts])).toEqual([
      ['060804BEEF0201', 0xbeef, 1, 2],
      ['060804BEEF0202', 0xbeef, 2, 2],
    ]);

    expect(view('ports')).toMatchObject([{ coding: '8bit', text: data.toString('hex').toUpperCase(), udh: '0605040B8423F0' }]);
    expect(view('flash')).toMatchObject([{ class: 0, text: 'Flash!', smsc: '+447785016005' }]);
    expect(view('national')).toMatchObject([{ type: 'Submit', number: '0821234567', text: 'local' }]);
    // libgammu reports the local time the SC wrote, without its zone.
    expect(view('deliver')).toMatchObject([{ type: 'Deliver', number: 'NowSMS', text: 'Zoë?', dateTime: '2026-11-26T10:20:30' }]);
    expect(view('report')).toMatchObject([{ type: 'Status_Report', number: to, reference: 9, deliveryStatus: 0x46, dateTime: '2026-01-01T00:00:00' }]);
  });
});
