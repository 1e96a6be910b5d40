// The data link MM1 runs over, as the operator configures it: commands that bring it up and take it down
// (run as programs, never through a shell: an argument is data, whatever it says), down again after
// idleSeconds; a link that does not come up leaves the push retrying with the reason until it does; the
// local address MM1 connections are made from is the one the proxy sees.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, statusOf, waitFor } from '../gsm-modem/rig.ts';
import { CONNECTION, details, mmsRig } from './mm1-rig.ts';

afterEach(cleanup);

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'nowsms-link-'));

/** A program that writes the arguments it got (after the file name) to that file, as JSON. */
const WRITE_ARGS = "require('node:fs').writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))";

describe.skipIf(missingPeer('socat'))('gprs-mms: the data link', () => {
  it('runs link.up before a transaction and link.down after idleSeconds, as programs without a shell, from localAddress', async () => {
    const dir = tmp();
    const up = path.join(dir, 'link-up');
    const injected = path.join(dir, 'injected');
    const rig = await mmsRig({
      plugin: {
        localAddress: '127.0.0.2',
        link: { up: [process.execPath, '-e', WRITE_ARGS, up, `; touch ${injected}`, '$(touch x)'], down: ['rm', '-f', up], idleSeconds: 0.3 },
      },
    });
    expect(statusOf(rig.gw, CONNECTION).detail).toMatch(/data link down/);
    expect(existsSync(up)).toBe(false);
    // The MMSC notes whether the link was up when each request reached it.
    const linkUpAt: boolean[] = [];
    rig.mmsc.options.answer = () => {
      linkUpAt.push(existsSync(up));
      return undefined;
    };

    const held = rig.hold();
    rig.push(held);
    const push = await rig.settled();
    expect(push.status).toBe('sent');
    expect(held.retrievals).toBe(1);
    expect(linkUpAt.length).toBeGreaterThanOrEqual(2);
    expect(linkUpAt.every(Boolean)).toBe(true);
    // The arguments arrived as they were written: no shell read them.
    expect(JSON.parse(readFileSync(up, 'utf8'))).toEqual([`; touch ${injected}`, '$(touch x)']);
    expect(existsSync(injected)).toBe(false);
    // The connections came from the data link's address.
    expect(rig.proxy.log.length).toBeGreaterThanOrEqual(2);
    expect(rig.proxy.log.every((l) => l.remoteAddress === '127.0.0.2')).toBe(true);

    // The counter moves once the down command finished. (On a slow machine the link may have idled between
    // the GET and the notify-response, and come up again: as often down as up, then.)
    const c = await waitFor('the link taken down after idleSeconds', () => {
      const now = rig.counters();
      return now.linkUp! >= 1 && now.linkDown === now.linkUp ? now : undefined;
    });
    expect(existsSync(up)).toBe(false);
    expect(statusOf(rig.gw, CONNECTION).detail).toMatch(/data link down/);
    expect(c).toMatchObject({ linkFailed: 0, retrieved: 1 });
    expect(await rig.mailbox('alice')).toHaveLength(1);
  });

  it('a link.up that fails leaves the push retrying with the reason; once it succeeds the MMS is fetched', async () => {
    const dir = tmp();
    const ready = path.join(dir, 'modem-ready');
    const rig = await mmsRig({ plugin: { link: { up: ['test', '-e', ready], idleSeconds: 60 } } });
    const held = rig.hold();
    rig.push(held);
    const retrying = await waitFor('two retries', async () => {
      const [p] = await rig.pushes();
      return p && p.history.filter((h) => h.status === 'retrying').length >= 2 ? p : undefined;
    });
    expect(retrying.status).toBe('retrying');
    expect(details(retrying, 'retrying')[0]).toMatch(/the data link did not come up \(test exit 1\); trying again until \d{4}-/);
    expect(rig.mmsc.requests).toHaveLength(0);
    expect(rig.counters().linkFailed).toBeGreaterThanOrEqual(2);

    writeFileSync(ready, '');
    const push = await rig.settled();
    expect(push.status).toBe('sent');
    expect(held.retrievals).toBe(1);
    expect(await rig.mailbox('alice')).toHaveLength(1);
    expect(rig.counters()).toMatchObject({ linkUp: 1, retrieved: 1 });
    expect(statusOf(rig.gw, CONNECTION).detail).toMatch(/data link up/);
  });

  it('an interface without an address leaves the push retrying with the interface named', async () => {
    const rig = await mmsRig({ plugin: { interface: 'nowsms-none0' } });
    rig.push(rig.hold());
    const retrying = await waitFor('a retry', async () => {
      const [p] = await rig.pushes();
      return p && p.status === 'retrying' ? p : undefined;
    });
    expect(details(retrying, 'retrying')[0]).toMatch(/the data link's interface nowsms-none0 has no address: is the link up\?; trying again until/);
    expect(rig.mmsc.requests).toHaveLength(0);
  });
});
