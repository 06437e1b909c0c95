import { importCompose } from './compose.js';
import { importPackageJson } from './package-json.js';
import { importPm2 } from './pm2.js';
import { importProcessCompose } from './process-compose.js';
import { importProcfile } from './procfile.js';
import type { Importer, ImportFormat } from './types.js';

export const IMPORTERS: Readonly<Record<ImportFormat, Importer>> = {
  procfile: importProcfile,
  'package-json': importPackageJson,
  compose: importCompose,
  pm2: importPm2,
  'process-compose': importProcessCompose,
};
