import { hash } from '@node-rs/argon2';
import type Koa from 'koa';
import request from 'supertest';
import type { OfficerRole } from '../../src/modules/officers/officer.model';
import { OfficerModel } from '../../src/modules/officers/officer.model';

export interface OfficerFactoryProps {
  username: string;
  password?: string;
  role?: OfficerRole;
  rooms?: string[];
  district?: string | null;
  name?: string;
  wechatIds?: string[];
}

/** Creates (or replaces) an officer with a known password. */
export async function createOfficer(props: OfficerFactoryProps) {
  await OfficerModel.deleteOne({ username: props.username });
  const doc = await OfficerModel.create({
    username: props.username,
    name: props.name ?? props.username,
    role: props.role ?? 'officer',
    rooms: props.rooms ?? [],
    district: props.district ?? undefined,
    wechatIds: props.wechatIds ?? [],
    passwordHash: await hash(props.password ?? 'password-123'),
  });
  return { id: String(doc._id), username: props.username, password: props.password ?? 'password-123' };
}

/** Signs in and returns an agent carrying the session cookie plus the CSRF token for state-changing requests. */
export async function login(app: Koa<never> | Koa, username: string, password = 'password-123') {
  const agent = request.agent(app.callback());
  const res = await agent.post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, csrf: res.body.csrfToken as string, officer: res.body.officer };
}
