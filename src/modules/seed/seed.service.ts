import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logging/logger';
import { seedHolidayCalendar } from '../appointments';
import { seedFaqIfEmpty } from '../faq';
import { hashPassword, insertOfficer, officerWithPasswordByUsername, setOfficerPassword } from '../officers';
import { createRoom, noRoomsYet } from '../rooms';
import { seedCatalog } from '../services';
import { DEMO_DISTRICT, DEMO_OFFICERS, DEMO_ROOMS } from './demo-district';

export interface SeedReport {
  services: number;
  faq: number;
  holidays: number;
  rooms: number;
  officers: number;
}

/**
 * Inserts what is missing and never overwrites: running it twice, or from two instances at
 * once, leaves the same data, and edits made by admins survive.
 */
export async function seedDemoDistrict(): Promise<Pick<SeedReport, 'rooms' | 'officers'>> {
  let rooms = 0;
  let officers = 0;
  for (const room of DEMO_ROOMS) {
    const { won } = await createRoom({ ...room, district: DEMO_DISTRICT.code, districtName: DEMO_DISTRICT.name });
    if (won) rooms++;
  }
  for (const officer of DEMO_OFFICERS) {
    const { won } = await insertOfficer({ ...officer });
    if (won) officers++;
  }
  return { rooms, officers };
}

/**
 * Reference data every deployment needs: the 21 services, the FAQ knowledge base (only into an
 * empty FAQ, so entries an admin deleted stay deleted) and the public-holiday calendar (once per
 * database, by a marker document).
 */
async function seedReferenceData(): Promise<Pick<SeedReport, 'services' | 'faq' | 'holidays'>> {
  const services = await seedCatalog();
  const faq = await seedFaqIfEmpty();
  const holidays = await seedHolidayCalendar();
  return { services, faq, holidays };
}

export async function seedAll(options: { demo: boolean }): Promise<SeedReport> {
  const reference = await seedReferenceData();
  const demo = options.demo ? await seedDemoDistrict() : { rooms: 0, officers: 0 };
  return { ...reference, ...demo };
}

/** Every start: reference data as needed; the demo district only into a database without rooms. */
export async function seedIfEmpty(options: { demo: boolean }): Promise<SeedReport | null> {
  const reference = await seedReferenceData();
  const demo = options.demo && (await noRoomsYet()) ? await seedDemoDistrict() : { rooms: 0, officers: 0 };
  const report = { ...reference, ...demo };
  return Object.values(report).some((n) => n > 0) ? report : null;
}

/**
 * Makes sure an admin account exists. The password comes from ADMIN_PASSWORD, or is random
 * and printed once (never logged through the logger, which may ship lines elsewhere).
 */
export async function ensureAdmin(options: {
  username: string;
  password?: string;
  logger: Logger;
  print?: (line: string) => void;
}): Promise<{ created: boolean }> {
  const existing = await officerWithPasswordByUsername(options.username);
  if (existing) {
    if (options.password && existing.passwordHash === undefined) {
      await setOfficerPassword(existing._id, { passwordHash: await hashPassword(options.password) });
    }
    return { created: false };
  }
  const password = options.password ?? randomBytes(12).toString('base64url');
  const { won } = await insertOfficer({
    username: options.username,
    name: '系统管理员',
    role: 'admin',
    rooms: [],
    passwordHash: await hashPassword(password),
    // A random first password was printed to the console: it must be replaced at first sign-in.
    mustChangePassword: !options.password,
  });
  if (won) {
    options.logger.info({ username: options.username }, 'admin account created');
    if (!options.password) {
      const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
      print('');
      print('================ 管理员账号已创建 (admin account created) ================');
      print(`  用户名 username: ${options.username}`);
      print(`  初始密码 password: ${password}`);
      print('  This password is shown only once. Save it now, or set ADMIN_PASSWORD.');
      print('===========================================================================');
      print('');
    }
  }
  return { created: won };
}
