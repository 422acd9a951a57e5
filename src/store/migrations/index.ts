/** Every migration, in order. Add a new file and a line here; never edit an applied one. */
import type { Migration } from 'kysely';
import * as core from './001_core';
import * as cases from './002_cases';
import * as declarations from './004_declarations';
import * as web from './005_web';
import * as reports from './006_reports';
import * as content from './007_content';

export const migrations: Record<string, Migration> = {
  '001_core': core,
  '002_cases': cases,
  '004_declarations': declarations,
  '005_web': web,
  '006_reports': reports,
  '007_content': content,
};
