// Every command the simulator knows, by its upper-case name; anything else is answered with ERROR.
import { BASIC } from './basic.ts';
import { IDENTITY } from './identity.ts';
import { NETWORK } from './network.ts';
import { SIM } from './sim.ts';
import { SMS_SEND } from './sms-send.ts';
import { SMS_SETTINGS } from './sms-settings.ts';
import { SMS_STORAGE } from './sms-storage.ts';
import type { CommandTable } from './types.ts';

export const COMMANDS: CommandTable = { ...BASIC, ...IDENTITY, ...SIM, ...NETWORK, ...SMS_SETTINGS, ...SMS_STORAGE, ...SMS_SEND };
