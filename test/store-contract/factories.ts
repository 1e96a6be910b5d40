// Every store the contract suite runs against. A new store joins by adding its factory here.
import { missingPostgres } from '../helpers/postgres.ts';
import type { StoreFactory } from './factory.ts';
import { postgresFactory } from './postgres.ts';
import { sqliteFactory } from './sqlite.ts';

// PostgreSQL runs from Debian's binaries; without them (and without NOWSMS_REQUIRE_PEERS=1) its half is skipped.
export const storeFactories: StoreFactory[] = [sqliteFactory, ...(missingPostgres() ? [] : [postgresFactory])];
