// Services between plug-ins: one plug-in provides a named service (`provides` in its metadata, then
// `api.provide` in setup), another uses it (`needs`, then `api.service`), and neither imports the other.
// Boot checks the declarations: a missing provider is a coded error naming what to add to the config,
// and providers are set up before the plug-ins that need them.
import { NowsmsError } from './errors.ts';
import type { ModemSmsService } from './modem-sms.ts';

/**
 * The known services, by name. A plug-in that offers a new one declares it by declaration merging:
 * `declare module 'nowsms' { interface ServiceMap { 'my-service': MyService } }`.
 */
export interface ServiceMap {
  /** A GSM modem's SMS side: binary SMS with ports out, port-addressed SMS in (see plugins/gsm-modem). */
  'modem-sms': ModemSmsService;
}

export type ServiceName = keyof ServiceMap & string;

/** What to add to the config for a service no plug-in provides. */
const PROVIDER_HINTS: Record<string, string> = {
  'modem-sms': 'a modem, gsmModem({ id, path }) from plugins/gsm-modem,',
};

interface Declared {
  name: string;
  provides?: string[];
  needs?: string[];
}

/**
 * For each plug-in, the plug-ins that provide what it needs (they are set up first); throws
 * NOWSMS_ERR_PLUGIN for a need no plug-in provides.
 */
export function serviceDependencies(plugins: Declared[]): Map<string, string[]> {
  const providers = new Map<string, string[]>();
  for (const p of plugins) for (const s of p.provides ?? []) providers.set(s, [...(providers.get(s) ?? []), p.name]);
  const out = new Map<string, string[]>();
  for (const p of plugins) {
    const deps: string[] = [];
    for (const s of p.needs ?? []) {
      const by = providers.get(s);
      if (!by)
        throw new NowsmsError(
          'NOWSMS_ERR_PLUGIN',
          `plug-in ${p.name} needs service ${s}, which no plug-in provides: add ${PROVIDER_HINTS[s] ?? 'a plug-in that provides it'} to plugins in nowsms.config.ts`,
        );
      deps.push(...by.filter((n) => n !== p.name));
    }
    out.set(p.name, deps);
  }
  return out;
}

/** The services provided so far, each with the plug-in that provided it. */
export class ServiceRegistry {
  private readonly impls = new Map<string, { plugin: string; impl: unknown }[]>();

  provide(plugin: Declared, name: string, impl: unknown): void {
    if (!(plugin.provides ?? []).includes(name))
      throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${plugin.name} provides service ${name} without declaring it: add '${name}' to its provides`);
    this.impls.set(name, [...(this.impls.get(name) ?? []), { plugin: plugin.name, impl }]);
  }

  /** Every implementation of a service the plug-in declared it needs, in the providers' setup order. */
  all(plugin: Declared, name: string): unknown[] {
    if (!(plugin.needs ?? []).includes(name))
      throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${plugin.name} uses service ${name} without declaring it: add '${name}' to its needs`);
    return (this.impls.get(name) ?? []).map((e) => e.impl);
  }

  /** The one implementation; an error when none or several plug-ins provided it. */
  one(plugin: Declared, name: string): unknown {
    const all = this.all(plugin, name);
    if (all.length === 1) return all[0];
    const by = (this.impls.get(name) ?? []).map((e) => e.plugin);
    throw new NowsmsError(
      'NOWSMS_ERR_PLUGIN',
      all.length === 0
        ? `plug-in ${plugin.name} asked for service ${name} before any plug-in provided it`
        : `plug-in ${plugin.name} asked for the one service ${name}, but ${by.join(', ')} all provide it: use api.services('${name}') and choose`,
    );
  }

  /** After setup: a plug-in that declared a service must have provided it. */
  checkProvided(plugin: Declared): void {
    for (const name of plugin.provides ?? []) {
      if (!(this.impls.get(name) ?? []).some((e) => e.plugin === plugin.name))
        throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${plugin.name} declares service ${name} but did not provide it in setup (api.provide)`);
    }
  }
}
