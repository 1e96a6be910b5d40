// Every store the contract suite runs against. A new store joins by adding its factory here.
import type { StoreFactory } from './factory.ts';
import { sqliteFactory } from './sqlite.ts';

export const storeFactories: StoreFactory[] = [sqliteFactory];
