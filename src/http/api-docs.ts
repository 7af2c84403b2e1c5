import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { oas31 } from 'zod-openapi';
import { projectRoot } from '../lib/project-root';
import { buildOpenApiDocument, type RouteDocs } from './openapi';
import { adminDocs } from './routes/admin.doc';
import { appointmentDocs } from './routes/appointments.doc';
import { classroomDocs } from './routes/classroom.doc';
import { inboxDocs } from './routes/inbox.doc';
import { noticeDocs } from './routes/notices.doc';
import { publicDocs } from './routes/public.doc';
import { volunteerDocs } from './routes/volunteers.doc';
import { workLogDocs } from './routes/work-log.doc';

/** Every router's description, in the order of the reference page. A router listed in routes.ts must be described here (test/foundation/openapi.test.ts). */
const ALL_DOCS: readonly RouteDocs[] = [publicDocs, appointmentDocs, inboxDocs, noticeDocs, workLogDocs, classroomDocs, volunteerDocs, adminDocs];

let built: oas31.OpenAPIObject | undefined;

/** The OpenAPI 3.1 document of the service (built once per process: it only depends on the code). */
export function apiDocument(): oas31.OpenAPIObject {
  if (!built) {
    const { version } = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
    built = buildOpenApiDocument(ALL_DOCS, { version });
  }
  return built;
}
