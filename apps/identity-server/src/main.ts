import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '#database';
import { createApp } from './app.factory.js';
import { createRootLogger } from './common/logger.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { startTelemetry, type Telemetry } from './metrics/telemetry.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  const startedAt = performance.now();
  // Before the app is built, so that its hooks see tracing on (the SDK is imported only then).
  let telemetry: Telemetry | null = null;
  try {
    telemetry = await startTelemetry(process.env, (m) => logger.warn(m));
    if (telemetry) logger.info('OpenTelemetry tracing on (OTEL_* variables)');
  } catch (error) {
    logger.error({ err: error }, 'could not start OpenTelemetry tracing: running without it');
  }

  let embedded: EmbeddedPostgresHandle | null = null;
  if (!config.databaseUrl) {
    logger.info(
      { dataDir: config.dataDir },
      'DATABASE_URL is not set: using an embedded PostgreSQL',
    );
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      database: 'identity',
      log: (message) => logger.info(message),
    });
  }

  let shuttingDown = false;
  const stopEmbedded = async () => {
    if (embedded)
      await embedded
        .stop()
        .catch((e: unknown) =>
          logger.error({ err: e }, 'embedded PostgreSQL did not stop cleanly'),
        );
  };

  try {
    const { app } = await createApp(config, config.databaseUrl ?? embedded!.url, logger);
    await app.listen({ port: config.port, host: config.host });
    logger.info(
      {
        url: await app.getUrl(),
        publicUrl: config.publicUrl,
        startupMs: Math.round(performance.now() - startedAt),
      },
      `identity server ready on ${config.host}:${config.port}; admin console and API at ${config.publicUrl}`,
    );

    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.info(`${signal} received: draining requests, then closing the database`);
      const force = setTimeout(() => {
        logger.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms: exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs);
      force.unref();
      try {
        await app.close();
        await stopEmbedded();
        await telemetry?.shutdown();
        logger.info('shut down cleanly');
        logger.flush();
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      }
    };
    // `on`, not `once`: npm and process-group kills deliver the signal twice, and a second
    // signal must not cut the drain short. SIGHUP (the terminal closed) would otherwise kill
    // node at once and leave the embedded PostgreSQL running.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.on(signal, (s) => void shutdown(s));
    exitWithParent(() => void shutdown('parent process exited'));
  } catch (error) {
    logger.fatal(
      { err: error },
      `could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    await stopEmbedded();
    logger.flush();
    process.exit(1);
  }
}

/**
 * Under `npm start` the server's parent is npm (package.json runs it with `exec`, so that npm's
 * forwarded SIGTERM and SIGINT reach it). Should npm die without forwarding (SIGKILL, or a shell
 * in between that does not pass signals on), the server is reparented: it then shuts down
 * rather than leave itself and its embedded PostgreSQL behind. Other launchers (systemd, Docker,
 * `nohup node …`) are not watched: there a new parent is no reason to stop.
 */
function exitWithParent(stop: () => void): void {
  if (process.env.npm_lifecycle_event !== 'start') return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, 1000);
  timer.unref();
}

void main();
