import * as identity from '../../platform/identity/identity.service.js';
import { fromCsv, fromNdjson, ingest } from '../../modules/emissions/ingest/ingest.service.js';
import { importPlumeCsv } from '../../modules/catalog/plume-import.js';
import { refreshMaintainedSources } from '../../modules/catalog/sources/sources.service.js';
import type { Registration } from '../context.js';
import { parseOrganizationId } from '../options.js';
import { progressOn } from '../progress.js';

export const registerImports: Registration = (program, { terminal, withDatabase }) => {
  const importCommand = program.command('import').description('Bulk data from files');
  importCommand
    .command('emissions')
    .description('Stream emission records from an NDJSON (.ndjson/.jsonl) or CSV (.csv) file into an organization, with progress')
    .argument('<file>', 'NDJSON or CSV file (CSV when it ends in .csv)')
    .requiredOption('--org <id>', 'organization id (see `org list`)', parseOrganizationId)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { org: string; json?: boolean }) => {
      // The file is checked before the database opens, and read by the caller even beside a server.
      const input = await terminal.openFile(file);
      const csv = /\.csv$/i.test(file);
      try {
        await withDatabase(async (db) => {
          await identity.getOrganization(db, options.org);
          let read = 0;
          input.stream.on('data', (chunk) => (read += chunk.length));
          const progress = progressOn(terminal, input.size);
          const records = csv ? fromCsv(input.stream) : fromNdjson(input.stream);
          const report = await ingest(db, options.org, csv ? 'csv' : 'ndjson', records, { onProgress: (counts) => progress.update(read, counts) });
          progress.done();
          if (options.json) terminal.out(JSON.stringify(report));
          else {
            terminal.out(`${report.received} records: ${report.created} created, ${report.duplicates} already stored, ${report.failed} rejected`);
            for (const error of report.errors.slice(0, 20)) terminal.out(`  row ${error.row}: ${error.message}`);
          }
          if (report.failed > 0) terminal.setExitCode(1);
        });
      } finally {
        input.stream.destroy();
      }
    });

  importCommand
    .command('plumes')
    .description('Import plumes from a CSV in the public plume export format, with progress (re-importing updates by plume_id)')
    .argument('<file>', 'plume CSV file')
    .option('--org <id>', 'organization owning the plumes, its analysts curate them (see `org list`)', parseOrganizationId)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { org?: string; json?: boolean }) => {
      const input = await terminal.openFile(file);
      try {
        await withDatabase(async (db) => {
          if (options.org) await identity.getOrganization(db, options.org);
          let read = 0;
          input.stream.on('data', (chunk) => (read += chunk.length));
          const progress = progressOn(terminal, input.size);
          const report = await importPlumeCsv(db, input.stream, options.org ?? null, (counts) => progress.update(read, counts));
          progress.done();
          if (options.json) terminal.out(JSON.stringify(report));
          else {
            terminal.out(`${report.received} plumes: ${report.created} created, ${report.updated} updated, ${report.failed} rejected`);
            for (const error of report.errors.slice(0, 20)) terminal.out(`  row ${error.row}: ${error.message}`);
          }
          if (report.failed > 0) terminal.setExitCode(1);
          // The sources' clusters take the new plumes now, whole (a command may take its time; a
          // rebuild left to the background would end with the command's connection), not in the
          // first reader's request. The import stands if this fails: the plumes stay marked.
          await refreshMaintainedSources(db).catch((error: Error) => terminal.err(`sources not refreshed (the first reader will): ${error.message}`));
        });
      } finally {
        input.stream.destroy();
      }
    });
};
