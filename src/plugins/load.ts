import { pathToFileURL } from 'node:url';
import type { PluginSpec } from '../config/spec.js';
import type { Plugin, PluginModule } from '../core/plugin.js';
import { errorMessage, OvrseerError } from '../errors.js';
import { createWebhookPlugin, type WebhookOptions } from './webhook.js';

/** Built-in plugins, by the name used in `plugins: [{module: …}]`. */
const BUILT_IN: Record<string, (options: Record<string, unknown>, project: string) => Plugin> = {
  webhook: (options, project) => createWebhookPlugin({ project, ...(options as unknown as WebhookOptions) }),
};

/**
 * Loads the plugins of a project's `plugins:` list: a built-in by name, or the user's module by path
 * (its default export, or a named `plugin` export: a Plugin or a factory taking `options`).
 */
export async function loadPlugins(specs: readonly PluginSpec[], project: string): Promise<Plugin[]> {
  const plugins: Plugin[] = [];
  for (const spec of specs) {
    const builtIn = BUILT_IN[spec.module];
    try {
      if (builtIn !== undefined) {
        plugins.push(builtIn(spec.options, project));
        continue;
      }
      if (!spec.module.startsWith('/')) {
        throw new Error(
          `unknown built-in plugin (known: ${Object.keys(BUILT_IN).join(', ')}); give a path like ./my-plugin.js`,
        );
      }
      const loaded = (await import(pathToFileURL(spec.module).href)) as {
        default?: PluginModule;
        plugin?: PluginModule;
      };
      const exported = loaded.default ?? loaded.plugin;
      if (exported === undefined) throw new Error('exports neither a default nor a `plugin`');
      plugins.push(typeof exported === 'function' ? await exported(spec.options) : exported);
    } catch (error) {
      throw new OvrseerError('OVRSEER_USAGE', `plugins: ${spec.module}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
  return plugins;
}
