/**
 * Loads plugins in config order: checks names and `dependsOn`, validates options against each plugin's schema
 * (defaults applied; a bad option stops start-up naming its path), and runs `setup` with a context of its own.
 */
import { resolve } from 'node:path';
import type { Router } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { ConfigError, PluginError } from './errors.js';
import type { AuditBus } from './audit/audit-bus.js';
import { validateAgainstSchema } from './config/schema-validator.js';
import type { HookBus } from './hook-bus.js';
import type { Logger } from './logging/logger.js';
import type { AccessControl } from './pipeline/access-control.js';
import type { BackendView, GatewayCalls, GatewayFacts, GatewayPlugin, HealthReport, PluginContext, RouteOptions, ServiceRegistry } from './plugin.js';
import type { Awaitable } from './hooks.js';
import type { ServiceToken } from './tokens.js';

export interface PluginRoutes {
  plugin: string;
  router: Router;
  auth: NonNullable<RouteOptions['auth']>;
}

export interface PluginHostDeps {
  hooks: HookBus;
  logger: Logger;
  container: DependencyContainer;
  gateway: GatewayFacts;
  backends: BackendView;
  access: AccessControl;
  audit: AuditBus;
  /** The request path; created after the plugins, so it is looked up when a plugin first uses it. */
  calls: () => GatewayCalls;
  /** The config file the plugins were listed in, when there is one: a bad plugin or option names it. */
  configFile?: string;
  /** Where relative paths in plugin options are resolved: the config file's directory. */
  baseDir: string;
}

const PLUGIN_NAME = /^[a-z0-9][a-z0-9-]*$/;

export class PluginHost {
  readonly routes: PluginRoutes[] = [];
  readonly health = new Map<string, Array<() => Awaitable<HealthReport>>>();
  private readonly starters: Array<{ plugin: string; run: () => Awaitable<void> }> = [];
  private readonly stoppers: Array<{ plugin: string; run: () => Awaitable<void> }> = [];
  readonly names: string[] = [];

  constructor(private readonly deps: PluginHostDeps) {}

  async setupAll(plugins: readonly GatewayPlugin[]): Promise<void> {
    for (const [index, plugin] of plugins.entries()) await this.setup(plugin, index);
  }

  async startAll(): Promise<void> {
    for (const { plugin, run } of this.starters) await this.guard(plugin, 'start', run);
  }

  /** Reverse order; every stopper runs even if one fails. */
  async stopAll(): Promise<void> {
    for (const { plugin, run } of [...this.stoppers].reverse()) {
      try {
        await run();
      } catch (error) {
        this.deps.logger.error(new PluginError(plugin, 'stop', error).message);
      }
    }
  }

  private async setup(plugin: GatewayPlugin, index: number): Promise<void> {
    const file = this.deps.configFile ? `${this.deps.configFile}: ` : '';
    const where = `${file}config.plugins.${index}`;
    if (typeof plugin?.setup !== 'function' || typeof plugin.name !== 'string') throw new ConfigError('is not a plugin (expected an object with "name" and "setup")', where);
    if (!PLUGIN_NAME.test(plugin.name)) throw new ConfigError(`plugin name "${plugin.name}" must be kebab-case`, where);
    if (this.names.includes(plugin.name)) throw new ConfigError(`plugin "${plugin.name}" is listed twice`, where);
    for (const dependency of plugin.dependsOn ?? []) {
      if (!this.names.includes(dependency)) throw new ConfigError(`plugin "${plugin.name}" needs plugin "${dependency}" listed before it`, where);
    }
    const options = plugin.optionsSchema
      ? validateAgainstSchema<unknown>(plugin.optionsSchema, structuredClone(plugin.options ?? {}), `${file}plugins.${plugin.name}`)
      : plugin.options;
    this.names.push(plugin.name);
    await this.guard(plugin.name, 'setup', () => plugin.setup(this.contextFor(plugin.name, options)));
  }

  private contextFor<O>(name: string, options: O): PluginContext<O> {
    const { hooks, logger, gateway, backends, access, audit } = this.deps;
    return {
      name,
      options,
      logger: logger.child({ plugin: name }),
      hooks: hooks.registrarFor(name),
      gateway,
      backends,
      services: this.services(),
      calls: {
        callTool: (caller, toolName, args) => this.deps.calls().callTool(caller, toolName, args),
        listTools: (caller) => this.deps.calls().listTools(caller),
      },
      addRoutes: (router, routeOptions) => this.routes.push({ plugin: name, router, auth: routeOptions?.auth ?? 'required' }),
      authorize: (input) => access.decide(input),
      requireAccess: (input) => access.require(input),
      emitAudit: (event) => void audit.emit(event),
      reportHealth: (check) => this.health.set(name, [...(this.health.get(name) ?? []), check]),
      onStart: (run) => void this.starters.push({ plugin: name, run }),
      onStop: (run) => void this.stoppers.push({ plugin: name, run }),
      resolvePath: (path) => resolve(this.deps.baseDir, path),
    };
  }

  private services(): ServiceRegistry {
    const { container } = this.deps;
    return {
      provide: <T>(token: ServiceToken<T>, value: T) => {
        if (container.isRegistered(token.key)) throw new ConfigError(`service "${token.description}" is already provided`);
        container.register(token.key, { useValue: value });
      },
      get: <T>(token: ServiceToken<T>): T => {
        if (!container.isRegistered(token.key)) throw new ConfigError(`no plugin provides the service "${token.description}"`);
        return container.resolve<T>(token.key);
      },
      tryGet: <T>(token: ServiceToken<T>): T | undefined => (container.isRegistered(token.key) ? container.resolve<T>(token.key) : undefined),
    };
  }

  private async guard(plugin: string, phase: string, run: () => Awaitable<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      throw error instanceof PluginError ? error : new PluginError(plugin, phase, error);
    }
  }
}
