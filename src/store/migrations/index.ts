/** Every migration, in order. Add a new file and a line here; never edit an applied one. */
import type { Migration } from 'kysely';
import * as core from './001_core';

export const migrations: Record<string, Migration> = {
  '001_core': core,
};
