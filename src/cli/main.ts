#!/usr/bin/env node
import { ConfigError } from './../platform/config.js';
import type { Registration } from './context.js';
import { localContext, RanThroughServer } from './local-context.js';
import { buildProgram } from './program.js';
import { describeFailure } from './failures.js';
import { serveCommand } from './commands/serve.js';
import { registerDatabase } from './commands/database.js';
import { registerOrganizations } from './commands/organizations.js';
import { registerApiKeys } from './commands/api-keys.js';
import { registerUsers } from './commands/users.js';
import { registerMail } from './commands/mail.js';
import { registerWorker } from './commands/worker.js';
import { registerImports } from './commands/imports.js';
import { registerDemoPlumes } from './commands/demo-plumes.js';
import { registerRegistry } from './commands/registry.js';
import { registerAdminAreas } from './commands/admin-areas.js';
import { registerSceneRaster } from './commands/scene-raster.js';

/** Every command but serve, in help order; serve runs these for a CLI beside it. Add a command here. */
const COMMANDS: Registration[] = [
  registerDatabase,
  registerOrganizations,
  registerApiKeys,
  registerUsers,
  registerMail,
  registerImports,
  registerDemoPlumes,
  registerRegistry,
  registerAdminAreas,
  registerSceneRaster,
  registerWorker,
];

const argv = process.argv.slice(2);
const context = localContext(argv);
const program = buildProgram(context, [serveCommand(COMMANDS), ...COMMANDS]);

program.parseAsync(argv, { from: 'user' }).catch((error: unknown) => {
  if (error instanceof RanThroughServer) process.exit(error.exitCode);
  let config;
  try {
    config = error instanceof ConfigError ? undefined : context.config();
  } catch {
    config = undefined;
  }
  console.error(describeFailure(error, config));
  process.exit(1);
});
