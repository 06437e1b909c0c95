export * from './defaults.js';
export { envNameFile, readEnvFile } from './env.js';
export { type InterpolationResult, interpolate, type Variables } from './interpolate.js';
export { projectJsonSchema } from './json-schema.js';
export {
  type DiscoveredConfig,
  discoverConfig,
  type LoadOptions,
  loadProject,
  type ParseOptions,
  parseProjectText,
} from './load.js';
export { normalizeSettings } from './normalize.js';
export type * from './spec.js';
export { summarizeProject } from './summary.js';
export {
  durationSchema,
  parseDuration,
  parseSize,
  sizeSchema,
  tryParseDuration,
  tryParseSize,
} from './units.js';
export { resolveUser, type UserIds } from './user.js';
