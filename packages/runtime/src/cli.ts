#!/usr/bin/env node
/**
 * The `strata` command line: `start` runs the whole engine; `replay` rebuilds read models;
 * `dlq` shows and retries dead-lettered events; `config` prints the resolved configuration.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, redact } from './config.js';
import { createLogger } from './logger.js';
import { onShutdownSignal } from './server.js';
import { startStrata } from './start.js';
import { isSupervisorChild, superviseProcesses } from './cluster.js';
import { EnvKey } from './names.js';
import { rotateLocalSigningKey } from './identity.js';
import { lockHolder } from './folderLock.js';
import { runDlqCommand, runGrantCommand, runReplayCommand } from './operations.js';
import { runCatalogueCommand } from './catalogue.js';

const HELP = `strata — event-sourced order and payment engine

Usage: strata <command> [options]

Commands:
  start                          run the engine (API, projections, saga, simulated provider)
        --roles api|workers|all    what this process runs (default all; STRATA_ROLES)
        --processes N              api processes sharing the port (PostgreSQL; STRATA_PROCESSES)
        --workers M                workers processes beside them (PostgreSQL; STRATA_WORKERS)
  provider [--port P]            serve the simulated payment provider alone (for separate workers)
  replay --projection <name>     rebuild one read model from the full event history
  replay --all                   rebuild every read model
         --dry-run               only count events and estimate the time
  dlq list                       show dead-lettered events with their errors
  dlq redrive [--projection <p>] retry dead-lettered events (all, or one projection's)
  grant --user <sub> --role <r>  give a user a role: admin, analyst, auditor (stop the engine first)
  keys rotate                    a new signing key for the local issuer (the previous one stays valid)
  catalogue import <file>        list products from a .csv or .json file; reports refused rows
  config                         print the resolved configuration (secrets hidden)
  help                           this text

Configuration comes from the environment: see docs/reference/configuration.md.
`;

export const main = async (argv: readonly string[]): Promise<number> => {
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'start': {
        const { values } = parseArgs({
          args: [...rest],
          options: { roles: { type: 'string' }, processes: { type: 'string' }, workers: { type: 'string' } },
          strict: true,
        });
        // A supervised child takes its role and counts from the environment its supervisor set.
        const flags = isSupervisorChild() ? {} : values;
        const config = loadConfig(process.env, {
          ...(flags.roles ? { [EnvKey.roles]: flags.roles } : {}),
          ...(flags.processes ? { [EnvKey.processes]: flags.processes } : {}),
          ...(flags.workers ? { [EnvKey.workers]: flags.workers } : {}),
        });
        const logger = createLogger(config.logLevel);
        if (config.processes > 1 || config.workers > 0) {
          const supervisor = await superviseProcesses(config, logger);
          onShutdownSignal(logger, supervisor.stop);
          return -1;
        }
        if (config.store.kind === 'pglite' && config.roles.size < 2)
          logger.warn('the embedded store runs as one process: roles apply to PostgreSQL deployments; running all roles');
        const running = await startStrata(config.store.kind === 'pglite' ? { ...config, roles: new Set(['api', 'workers'] as const) } : config, logger);
        onShutdownSignal(logger, running.stop);
        return -1; // keep running
      }
      case 'provider': {
        const { values } = parseArgs({ args: [...rest], options: { port: { type: 'string', default: '4010' } }, strict: true });
        const port = Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('provider --port takes a port number');
        const { startSimulatedProvider } = await import('@strata/workflows/provider/provider.simulated');
        const provider = await startSimulatedProvider({ port });
        process.stdout.write(`simulated payment provider at ${provider.url} (set STRATA_PROVIDER_URL=${provider.url} on every workers process)\n`);
        onShutdownSignal(createLogger('info'), () => provider.close());
        return -1;
      }
      case 'replay': {
        const { values } = parseArgs({
          args: [...rest],
          options: { projection: { type: 'string' }, all: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false } },
          strict: true,
        });
        if (!values.all && !values.projection) throw new UsageError('replay needs --projection <name> or --all');
        return await runReplayCommand(loadConfig(), {
          ...(values.projection ? { projection: values.projection } : {}),
          all: values.all ?? false,
          dryRun: values['dry-run'] ?? false,
        });
      }
      case 'dlq': {
        const [sub, ...more] = rest;
        const { values } = parseArgs({ args: more, options: { projection: { type: 'string' } }, strict: true });
        if (sub !== 'list' && sub !== 'redrive') throw new UsageError('dlq needs list or redrive');
        return await runDlqCommand(loadConfig(), sub, values.projection);
      }
      case 'grant': {
        const { values } = parseArgs({ args: [...rest], options: { user: { type: 'string' }, role: { type: 'string' } }, strict: true });
        if (!values.user || !values.role) throw new UsageError('grant needs --user <userSub> and --role <role>');
        return await runGrantCommand(loadConfig(), values.user, values.role);
      }
      case 'keys': {
        if (rest[0] !== 'rotate') throw new UsageError('keys needs rotate');
        const config = loadConfig();
        if (config.store.kind === 'pglite' && (await lockHolder(config.dataDir)) !== undefined)
          throw new Error(`strata start owns ${config.dataDir}; stop it, rotate, and start it again (the new key signs from the next start)`);
        const kid = await rotateLocalSigningKey(config, async () => {
          const { pgExecutor } = await import('@strata/projections/postgres');
          return pgExecutor(config.store.kind === 'postgres' ? config.store.url : '');
        });
        process.stdout.write(`new signing key ${kid}; the previous key stays published and accepted. Restart every process to sign with the new key.\n`);
        return 0;
      }
      case 'catalogue':
        return await runCatalogueCommand(loadConfig(), rest[0], rest[1]);
      case 'config': {
        const config = loadConfig();
        process.stdout.write(`${redact(JSON.stringify(config, (_k, v: unknown) => (v instanceof Set ? [...(v as Set<unknown>)] : v), 2))}\n`);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`strata: ${err.message}\n`);
      return 78; // EX_CONFIG
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`strata: ${(err as Error).message}\n\n${HELP}`);
      return 64; // EX_USAGE
    }
    process.stderr.write(`strata: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
};

class UsageError extends Error {
  readonly code = 'USAGE';
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
});
