import type Koa from 'koa';
import { createApp } from '../../src/http/app';
import { createItem, type CreateItemProps } from '../../src/modules/items/item.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';

/** A test app whose inbox runs on an injected clock (the clock is read on every request). */
export function buildClockedApp(clock: { now: Date }, overrides: Record<string, string> = {}): Koa {
  const config = testConfig(overrides);
  return createApp({ config, logger: testLogger(), now: () => clock.now }) as unknown as Koa;
}

export async function signIn(app: Koa, username: string, props: Parameters<typeof createOfficer>[0]) {
  const created = await createOfficer({ ...props, username });
  const session = await login(app as never, username);
  return { ...session, id: created.id };
}

let counter = 0;
export function makeItem(props: Partial<CreateItemProps> & { room: string }) {
  counter++;
  // As the conversation flows do: create the item and announce it with an 'item.created' event.
  return createItem({ kind: 'question', text: `测试事项 ${counter}：孩子刚出生怎么上户口？`, ...props });
}
