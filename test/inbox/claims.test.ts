import { Types } from 'mongoose';
import { DomainError } from '../../src/lib/errors';
import { AuditModel } from '../../src/modules/audit/audit.model';
import {
  type Actor,
  claimItem,
  type InboxSettings,
  nextItem,
  onItemResolved,
  releaseItem,
  reopenItem,
  resolveItem,
  setLabels,
  transferItem,
} from '../../src/modules/inbox';
import { ItemClaimModel } from '../../src/modules/inbox/item-claim.model';
import { transitionItem } from '../../src/modules/inbox/item-transition';
import { applyToQueue, createItem, type Item, loadThread, openRows } from '../../src/modules/items';
import { ItemModel } from '../../src/modules/items/item.model';
import { LiveEventModel } from '../../src/modules/live/live-event.model';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { RoomModel } from '../../src/modules/rooms/room.model';
import { syncIndexes } from '../../src/storage/connection';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Claims and item transitions (src/modules/inbox/claims.service.ts, item-transition.ts) called
 * directly on a real database with a handful of officers and items: who may take, keep, give
 * back, finish, reopen and hand over an item, and that of any number of concurrent claimants
 * exactly one wins. The clock is the real one (plus a jump forward to let a lease expire), as in
 * a service: a winner counts as abandoned 10 s after its claim by that clock. (The HTTP routes and
 * the seeded district are covered by inbox.api.test.ts and next-same-officer.test.ts.)
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await syncIndexes();
});
afterAll(() => db?.stop());

/** Real time, moved forward by `ahead` ms when a test lets leases run out. */
let ahead = 0;
const LEASE_MIN = 30;
const settings: InboxSettings = { leaseMinutes: LEASE_MIN, now: () => new Date(Date.now() + ahead) };
const leaseRunsOut = () => {
  ahead += (LEASE_MIN + 1) * 60_000;
};

let wang: Actor; // officer of HPL
let li: Actor; // officer of HPL
let zhao: Actor; // officer of XJH only
let chief: Actor; // supervisor
beforeEach(async () => {
  await db.clear();
  ahead = 0;
  wang = await officer('wang_hpl', '王警官', 'officer', ['HPL']);
  li = await officer('li_hpl', '李警官', 'officer', ['HPL']);
  zhao = await officer('zhao_xjh', '赵警官', 'officer', ['XJH']);
  chief = await officer('chief_ds', '陈所长', 'supervisor', []);
});

async function officer(username: string, name: string, role: Actor['role'], rooms: string[]): Promise<Actor> {
  const doc = await OfficerModel.create({ username, name, role, rooms });
  return { id: String(doc._id), name, username, role };
}

let n = 0;
function item(props: { room?: string; kind?: Item['kind']; contact?: { name: string; phone: string } } = {}) {
  n++;
  return createItem({ room: props.room ?? 'HPL', kind: props.kind ?? 'question', text: `测试事项 ${n}：孩子刚出生怎么上户口？`, contact: props.contact });
}

const stored = async (id: Types.ObjectId) => (await ItemModel.findById(id).lean<Item>())!;
const eventLines = async (id: Types.ObjectId) => (await loadThread(id)).filter((m) => m.kind === 'event').map((m) => m.text);
const auditOf = async (id: Types.ObjectId) => (await AuditModel.find({ item: id }).sort({ at: 1, _id: 1 }).lean()).map((a) => [a.action, a.detail]);

/** The refusal an officer would see: its kind (→ HTTP status) and stable code. */
async function refusal(p: Promise<unknown>): Promise<{ kind: string; code: string | undefined }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return { kind: err.kind, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal, but the action went through');
}

describe('claiming an item', () => {
  it('a new item becomes the officer’s, with a lease from now, a thread line, an audit entry and a live event', async () => {
    const it1 = await item();
    const before = Date.now();
    const after = await claimItem({ actor: wang, itemId: it1._id, settings });
    const s = await stored(it1._id);
    expect(s.status).toBe('claimed');
    expect(String(s.assignee)).toBe(wang.id);
    expect(s.claimEpoch).toBe(1);
    // The lease runs leaseMinutes from the moment of the claim.
    const lease = s.leaseUntil!.getTime() - LEASE_MIN * 60_000;
    expect(lease).toBeGreaterThanOrEqual(before);
    expect(lease).toBeLessThanOrEqual(Date.now());
    expect(s.lastActivityAt.getTime()).toBe(lease);
    expect(s.updatedAt.getTime()).toBe(lease);
    expect(after).toMatchObject({ status: 'claimed', claimEpoch: 1 });
    expect(after.leaseUntil).toEqual(s.leaseUntil);
    expect(await eventLines(it1._id)).toEqual(['王警官 领取了此事项']);
    expect(await auditOf(it1._id)).toEqual([['item.claim', '状态：待处理 → 处理中']]);
    const live = await LiveEventModel.find({ item: it1._id, type: 'item.updated' }).lean();
    expect(live.map((e) => [e.action, e.status, String(e.assignee)])).toEqual([['claim', 'claimed', wang.id]]);
    // The queue row the inbox lists from follows.
    const row = (await openRows(['HPL'])).find((r) => String(r._id) === String(it1._id))!;
    expect(row).toMatchObject({ status: 'claimed', claimEpoch: 1 });
    expect(String(row.assignee)).toBe(wang.id);
    // The change is in the transition log, under the next epoch, with what it set.
    const claims = await ItemClaimModel.find({ item: it1._id }).lean();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ epoch: 1, action: 'claim' });
    expect(String(claims[0].officer)).toBe(wang.id);
    expect((claims[0].patch as { status: string }).status).toBe('claimed');
  });

  it('is exclusive: of 12 officers claiming one item at once exactly one gets it, the others are told who has it', async () => {
    const it1 = await item();
    const crowd = [wang, li];
    for (let i = 0; i < 10; i++) crowd.push(await officer(`crowd_${i}`, `民警${i}`, 'officer', ['HPL']));
    const outcomes = await Promise.allSettled(crowd.map((actor) => claimItem({ actor, itemId: it1._id, settings })));
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [crowd[i].id] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ kind: 'conflict', code: expect.stringMatching(/^(already_claimed|item_busy)$/) });
    }
    const s = await stored(it1._id);
    expect(String(s.assignee)).toBe(won[0]);
    expect(await eventLines(it1._id)).toHaveLength(1);
    // Only the winner's change was committed.
    expect(await ItemClaimModel.countDocuments({ item: it1._id })).toBe(1);
  });

  it('someone else’s live claim is refused with the holder named; so is an item waiting on their reply', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    const err = await claimItem({ actor: li, itemId: it1._id, settings }).catch((e: DomainError) => e);
    expect(err).toMatchObject({ kind: 'conflict', code: 'already_claimed', detail: { assignee: wang.id } });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'waiting', leaseUntil: null } });
    expect(await refusal(claimItem({ actor: li, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
    expect(String((await stored(it1._id)).assignee)).toBe(wang.id);
  });

  it('a resolved or closed item cannot be claimed', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await resolveItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(claimItem({ actor: li, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'item_closed' });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'closed' } });
    expect(await refusal(claimItem({ actor: chief, itemId: it1._id, force: true, settings }))).toEqual({ kind: 'conflict', code: 'item_closed' });
  });

  it('claiming one’s own item renews the lease quietly: no new thread line, audit says 续期租约', async () => {
    const it1 = await item();
    const first = await claimItem({ actor: wang, itemId: it1._id, settings });
    ahead += 10 * 60_000;
    const renewed = await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(renewed.leaseUntil!.getTime() - first.leaseUntil!.getTime()).toBeGreaterThanOrEqual(10 * 60_000);
    expect((await stored(it1._id)).leaseUntil).toEqual(renewed.leaseUntil);
    expect(await eventLines(it1._id)).toEqual(['王警官 领取了此事项']);
    expect((await auditOf(it1._id))[1]).toEqual(['item.claim', '续期租约']);
  });

  it('after the holder’s lease runs out another officer takes it over, and the thread says so', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    leaseRunsOut();
    const taken = await claimItem({ actor: li, itemId: it1._id, settings });
    expect(String(taken.assignee)).toBe(li.id);
    expect(taken.leaseUntil!.getTime()).toBeGreaterThan(settings.now().getTime() + (LEASE_MIN - 1) * 60_000);
    expect(await eventLines(it1._id)).toEqual(['王警官 领取了此事项', '李警官 接管了此事项（原处理人租约已过期）']);
    expect((await auditOf(it1._id))[1]).toEqual(['item.takeover', null]);
    // The former holder is now the one refused.
    expect(await refusal(claimItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
  });

  it('one minute before the lease runs out it is still the holder’s', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    ahead += (LEASE_MIN - 1) * 60_000;
    expect(await refusal(claimItem({ actor: li, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
  });

  it('an expired lease is taken over by exactly one of many officers racing for it', async () => {
    const items = [await item(), await item(), await item()];
    for (const it of items) await claimItem({ actor: wang, itemId: it._id, settings });
    leaseRunsOut();
    const crowd = [li];
    for (let i = 0; i < 7; i++) crowd.push(await officer(`late_${i}`, `后来民警${i}`, 'officer', ['HPL']));
    for (const it of items) {
      const outcomes = await Promise.allSettled(crowd.map((actor) => claimItem({ actor, itemId: it._id, settings })));
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [crowd[i].id] : []));
      expect(winners).toHaveLength(1);
      expect(String((await stored(it._id)).assignee)).toBe(winners[0]);
      expect((await eventLines(it._id)).filter((l) => l.includes('接管'))).toHaveLength(1);
    }
  });

  it('a supervisor may force a claim over a live one (a takeover); a plain officer’s force counts for nothing', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(claimItem({ actor: li, itemId: it1._id, force: true, settings }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
    expect(await refusal(claimItem({ actor: chief, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
    const forced = await claimItem({ actor: chief, itemId: it1._id, force: true, settings });
    expect(String(forced.assignee)).toBe(chief.id);
    expect((await eventLines(it1._id))[1]).toBe('陈所长 接管了此事项（原处理人租约已过期）');
  });

  it('a supervisor forcing an item that waits on the resident claims it (not a takeover of a live lease)', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'waiting', leaseUntil: null } });
    await claimItem({ actor: chief, itemId: it1._id, force: true, settings });
    expect((await eventLines(it1._id))[1]).toBe('陈所长 领取了此事项');
  });

  it('for "next" (fresh) an item the officer already holds counts as taken, live or waiting on the resident; an expired one may be claimed anew', async () => {
    const live = await item();
    await claimItem({ actor: wang, itemId: live._id, settings });
    expect(await refusal(claimItem({ actor: wang, itemId: live._id, settings, fresh: true }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
    const waiting = await item();
    await claimItem({ actor: wang, itemId: waiting._id, settings });
    await ItemModel.updateOne({ _id: waiting._id }, { $set: { status: 'waiting', leaseUntil: null } });
    expect(await refusal(claimItem({ actor: wang, itemId: waiting._id, settings, fresh: true }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
    leaseRunsOut();
    const again = await claimItem({ actor: wang, itemId: live._id, settings, fresh: true });
    expect(again.leaseUntil!.getTime()).toBeGreaterThan(settings.now().getTime());
    // Still refused: waiting on the resident does not run out.
    expect(await refusal(claimItem({ actor: wang, itemId: waiting._id, settings, fresh: true }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
  });

  it('claiming one’s own item that waits on the resident takes it back to work: a thread line and the status change', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'waiting', leaseUntil: null } });
    const back = await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(back.status).toBe('claimed');
    expect(await eventLines(it1._id)).toEqual(['王警官 领取了此事项', '王警官 领取了此事项']);
    expect((await auditOf(it1._id))[1]).toEqual(['item.claim', '状态：等待群众回复 → 处理中']);
  });

  it('an item that does not exist is a 404', async () => {
    expect(await refusal(claimItem({ actor: wang, itemId: new Types.ObjectId(), settings }))).toEqual({ kind: 'not_found', code: 'item_not_found' });
  });
});

describe('领取下一条 (next)', () => {
  it('hands a lone officer the queue in order: higher priority first, then the oldest', async () => {
    const q1 = await item({ kind: 'question' });
    const d1 = await item({ kind: 'dispute' });
    const q2 = await item({ kind: 'question' });
    const t1 = await item({ kind: 'tip' });
    const e1 = await item({ kind: 'emergency' });
    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const next = await nextItem({ actor: wang, rooms: ['HPL'], settings });
      got.push(next ? String(next._id) : 'none');
    }
    expect(got).toEqual([e1, t1, d1, q1, q2].map((i) => String(i._id)).concat('none'));
    expect(await ItemModel.countDocuments({ status: 'claimed', assignee: wang.id })).toBe(5);
  });

  it('never gives an item someone holds under a live lease or that waits on a reply; gives an expired one', async () => {
    const held = await item({ kind: 'emergency' });
    const waiting = await item({ kind: 'tip' });
    const expired = await item({ kind: 'question' });
    await claimItem({ actor: li, itemId: held._id, settings });
    await claimItem({ actor: li, itemId: waiting._id, settings });
    await ItemModel.updateOne({ _id: waiting._id }, { $set: { status: 'waiting', leaseUntil: null } });
    await ItemModel.updateOne({ _id: expired._id }, { $set: { status: 'claimed', assignee: new Types.ObjectId(li.id), leaseUntil: new Date(Date.now() - 60_000) } });
    // (direct writes above bypass the queue rows: let the rows follow the items)
    for (const id of [waiting._id, expired._id]) await applyToQueue((await stored(id)) as never);
    const next = await nextItem({ actor: wang, rooms: ['HPL'], settings });
    expect(String(next!._id)).toBe(String(expired._id));
    expect(await eventLines(expired._id)).toEqual(['王警官 接管了此事项（原处理人租约已过期）']);
    expect(await nextItem({ actor: wang, rooms: ['HPL'], settings })).toBeNull();
  });

  it('stays within the officer’s rooms; an admin’s "all" reaches every room', async () => {
    const other = await item({ room: 'XJH', kind: 'emergency' });
    const mine = await item({ room: 'HPL' });
    expect(String((await nextItem({ actor: wang, rooms: ['HPL'], settings }))!._id)).toBe(String(mine._id));
    expect(await nextItem({ actor: wang, rooms: ['HPL'], settings })).toBeNull();
    expect(await nextItem({ actor: li, rooms: [], settings })).toBeNull();
    expect(String((await stored(other._id)).status)).toBe('new');
    const admin = await officer('admin_all', '管理员', 'admin', []);
    expect(String((await nextItem({ actor: admin, rooms: 'all', settings }))!._id)).toBe(String(other._id));
  });

  it('one officer pressing it 12 times at once gets 12 different items, none already held', async () => {
    for (let i = 0; i < 16; i++) await item();
    const presses = await Promise.all(Array.from({ length: 12 }, () => nextItem({ actor: wang, rooms: ['HPL'], settings })));
    const ids = presses.map((p) => (p ? String(p._id) : null));
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(12);
    expect(await ItemModel.countDocuments({ status: 'claimed', assignee: wang.id })).toBe(12);
    // Every claim made was a new one: no renewals of an item the officer had just got.
    expect(await AuditModel.countDocuments({ action: 'item.claim', detail: '续期租约' })).toBe(0);
  });

  it('with fewer items than presses, the extra presses get nothing rather than an item already held', async () => {
    for (let i = 0; i < 3; i++) await item();
    const presses = await Promise.all(Array.from({ length: 8 }, () => nextItem({ actor: wang, rooms: ['HPL'], settings, batch: 1 })));
    const got = presses.filter(Boolean).map((p) => String(p!._id));
    expect(got).toHaveLength(3);
    expect(new Set(got).size).toBe(3);
  });

  it('an officer whose own lease ran out may get that item again (a fresh claim), but not while it is live', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(await nextItem({ actor: wang, rooms: ['HPL'], settings })).toBeNull();
    leaseRunsOut();
    const again = await nextItem({ actor: wang, rooms: ['HPL'], settings });
    expect(String(again!._id)).toBe(String(it1._id));
  });

  it('several officers pressing at once get distinct items, all of them claimed once', async () => {
    for (let i = 0; i < 10; i++) await item();
    const crowd = [wang, li];
    for (let i = 0; i < 4; i++) crowd.push(await officer(`busy_${i}`, `值班民警${i}`, 'officer', ['HPL']));
    const presses = await Promise.all(crowd.flatMap((actor) => [0, 1].map(() => nextItem({ actor, rooms: ['HPL'], settings }))));
    const ids = presses.filter(Boolean).map((p) => String(p!._id));
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    for (const p of presses.filter(Boolean)) expect(String((await stored(p!._id)).assignee)).toBe(String(p!.assignee));
  });

  it('skips a queue entry whose item is gone', async () => {
    const gone = await item({ kind: 'emergency' });
    const there = await item();
    await ItemModel.deleteOne({ _id: gone._id });
    expect(String((await nextItem({ actor: wang, rooms: ['HPL'], settings }))!._id)).toBe(String(there._id));
  });

  it('a failure other than a lost race is reported, not shown as an empty queue', async () => {
    await item();
    const broken = { ...wang, id: 'not-an-officer-id' };
    await expect(nextItem({ actor: broken, rooms: ['HPL'], settings })).rejects.toThrow();
  });
});

describe('release, resolve, reopen', () => {
  it('the holder gives an item back: it is new again, nobody’s, and next hands it out', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    const released = await releaseItem({ actor: wang, itemId: it1._id, settings });
    expect(released).toMatchObject({ status: 'new', assignee: null, leaseUntil: null });
    const s = await stored(it1._id);
    expect(s).toMatchObject({ status: 'new', assignee: null, leaseUntil: null, claimEpoch: 2 });
    expect(await eventLines(it1._id)).toEqual(['王警官 领取了此事项', '王警官 将此事项退回队列']);
    expect((await auditOf(it1._id))[1]).toEqual(['item.release', '状态：处理中 → 待处理']);
    expect(String((await nextItem({ actor: li, rooms: ['HPL'], settings }))!._id)).toBe(String(it1._id));
  });

  it('only the holder releases; a supervisor may with force; a plain officer’s force does not count', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(releaseItem({ actor: li, itemId: it1._id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    expect(await refusal(releaseItem({ actor: li, itemId: it1._id, force: true, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    expect(await refusal(releaseItem({ actor: chief, itemId: it1._id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    expect(String((await stored(it1._id)).assignee)).toBe(wang.id);
    await releaseItem({ actor: chief, itemId: it1._id, force: true, settings });
    expect((await stored(it1._id)).status).toBe('new');
  });

  it('nobody releases an unclaimed item, and a resolved one is closed to release', async () => {
    const it1 = await item();
    expect(await refusal(releaseItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await resolveItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(releaseItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'item_closed' });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'closed' } });
    expect(await refusal(releaseItem({ actor: chief, itemId: it1._id, force: true, settings }))).toEqual({ kind: 'conflict', code: 'item_closed' });
  });

  it('the holder of an item waiting on the resident may release it', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'waiting', leaseUntil: null } });
    expect((await releaseItem({ actor: wang, itemId: it1._id, settings })).status).toBe('new');
  });

  it('the holder resolves: out of the queue, resolvedAt set, the resolve hooks run once; a failing hook undoes nothing', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    const seen: string[] = [];
    const offs = [
      onItemResolved(async (i) => {
        seen.push(`${String(i._id)}:${i.status}`);
      }),
      onItemResolved(async () => {
        throw new Error('a survey module failure');
      }),
      onItemResolved(async (i) => {
        seen.push(`after-failure:${i.status}`);
      }),
    ];
    const errors: unknown[] = [];
    try {
      const before = Date.now();
      await resolveItem({ actor: wang, itemId: it1._id, settings: { ...settings, logger: { error: (o: unknown) => errors.push(o) } as never } });
      const s = await stored(it1._id);
      expect(s.status).toBe('resolved');
      expect(s.leaseUntil).toBeNull();
      expect(s.resolvedAt!.getTime()).toBeGreaterThanOrEqual(before);
      expect(s.resolvedAt!.getTime()).toBe(s.lastActivityAt.getTime());
    } finally {
      for (const off of offs) off();
    }
    expect(seen).toEqual([`${String(it1._id)}:resolved`, 'after-failure:resolved']);
    expect(errors).toHaveLength(1);
    expect((await openRows(['HPL'])).map((r) => String(r._id))).not.toContain(String(it1._id));
    expect(await eventLines(it1._id)).toEqual(['王警官 领取了此事项', '王警官 办结了此事项']);
    expect((await auditOf(it1._id))[1]).toEqual(['item.resolve', '状态：处理中 → 已办结']);
  });

  it('resolving twice, or a closed item, is refused; only the holder resolves (a supervisor with force)', async () => {
    const it1 = await item();
    expect(await refusal(resolveItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(resolveItem({ actor: li, itemId: it1._id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    expect(await refusal(resolveItem({ actor: li, itemId: it1._id, force: true, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    await resolveItem({ actor: chief, itemId: it1._id, force: true, settings });
    expect(await refusal(resolveItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'already_resolved' });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'closed' } });
    expect(await refusal(resolveItem({ actor: chief, itemId: it1._id, force: true, settings }))).toEqual({ kind: 'conflict', code: 'already_resolved' });
  });

  it('reopening a resolved or closed item gives it to whoever reopens it and counts the reopen', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await resolveItem({ actor: wang, itemId: it1._id, settings });
    const reopened = await reopenItem({ actor: li, itemId: it1._id, settings });
    expect(reopened).toMatchObject({ status: 'claimed', resolvedAt: null, closedAt: null, reopenCount: 1 });
    expect(String(reopened.assignee)).toBe(li.id);
    expect(reopened.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + (LEASE_MIN - 1) * 60_000);
    expect((await stored(it1._id)).reopenCount).toBe(1);
    expect((await openRows(['HPL'])).map((r) => String(r._id))).toContain(String(it1._id));
    await resolveItem({ actor: li, itemId: it1._id, settings });
    await ItemModel.updateOne({ _id: it1._id }, { $set: { status: 'closed', closedAt: new Date() } });
    const again = await reopenItem({ actor: wang, itemId: it1._id, settings });
    expect(again).toMatchObject({ status: 'claimed', closedAt: null, reopenCount: 2 });
    expect((await eventLines(it1._id)).slice(-1)).toEqual(['王警官 重新打开了此事项']);
  });

  it('an open item cannot be reopened', async () => {
    const it1 = await item();
    expect(await refusal(reopenItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'not_resolved' });
    await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(reopenItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'not_resolved' });
  });
});

describe('transfer', () => {
  it('the holder hands the item to an officer of its room: claimed by them with a fresh lease', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    ahead += 20 * 60_000;
    const moved = await transferItem({ actor: wang, itemId: it1._id, targetOfficerId: li.id, settings });
    expect(moved.status).toBe('claimed');
    expect(String(moved.assignee)).toBe(li.id);
    expect(moved.leaseUntil!.getTime()).toBeGreaterThan(settings.now().getTime() + (LEASE_MIN - 1) * 60_000);
    expect(String((await stored(it1._id)).assignee)).toBe(li.id);
    expect((await eventLines(it1._id))[1]).toBe('王警官 将此事项转交给 李警官');
    expect((await auditOf(it1._id))[1]).toEqual(['item.transfer', '转交给 李警官（li_hpl）']);
    // The new holder can work on it, the old one no longer.
    expect(await refusal(releaseItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    await resolveItem({ actor: li, itemId: it1._id, settings });
  });

  it('never to an officer who does not serve the item’s room (room scope)', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: zhao.id, settings }))).toEqual({ kind: 'invalid', code: 'target_not_in_room' });
    expect(String((await stored(it1._id)).assignee)).toBe(wang.id);
  });

  it('refuses a malformed, unknown or inactive target, and a missing item', async () => {
    const it1 = await item();
    expect((await refusal(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: 'nobody', settings }))).kind).toBe('invalid');
    expect(await refusal(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: String(new Types.ObjectId()), settings }))).toEqual({
      kind: 'not_found',
      code: 'officer_not_found',
    });
    await OfficerModel.updateOne({ _id: li.id }, { $set: { active: false } });
    expect((await refusal(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: li.id, settings }))).code).toBe('officer_not_found');
    await OfficerModel.updateOne({ _id: li.id }, { $set: { active: true } });
    expect(await refusal(transferItem({ actor: wang, itemId: new Types.ObjectId(), targetOfficerId: li.id, settings }))).toEqual({
      kind: 'not_found',
      code: 'item_not_found',
    });
    expect((await stored(it1._id)).status).toBe('new');
  });

  it('anyone of the room may hand on an item nobody holds (or whose lease ran out); a live one only its holder or a supervisor with force', async () => {
    const free = await item();
    expect(String((await transferItem({ actor: li, itemId: free._id, targetOfficerId: wang.id, settings })).assignee)).toBe(wang.id);
    const held = await item();
    await claimItem({ actor: wang, itemId: held._id, settings });
    expect(await refusal(transferItem({ actor: li, itemId: held._id, targetOfficerId: li.id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    expect(await refusal(transferItem({ actor: li, itemId: held._id, targetOfficerId: li.id, force: true, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    expect(await refusal(transferItem({ actor: chief, itemId: held._id, targetOfficerId: li.id, settings }))).toEqual({ kind: 'forbidden', code: 'not_holder' });
    await transferItem({ actor: chief, itemId: held._id, targetOfficerId: li.id, force: true, settings });
    expect(String((await stored(held._id)).assignee)).toBe(li.id);
    leaseRunsOut();
    await transferItem({ actor: wang, itemId: held._id, targetOfficerId: wang.id, settings });
    expect(String((await stored(held._id)).assignee)).toBe(wang.id);
  });

  it('may go to a supervisor whose district has the room, not to one of another district', async () => {
    const room = { name: '测试警务室', type: 'urban' as const, districtName: '测试派出所', address: '测试路1号', phone: '110', hoursText: '周一至周五' };
    await RoomModel.create([
      { ...room, code: 'HPL', district: 'D1' },
      { ...room, code: 'XJH', district: 'D2' },
    ]);
    const own = await OfficerModel.create({ username: 'sup_d1', name: '一所所长', role: 'supervisor', district: 'D1' });
    const other = await OfficerModel.create({ username: 'sup_d2', name: '二所所长', role: 'supervisor', district: 'D2' });
    const it1 = await item();
    expect(await refusal(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: String(other._id), settings }))).toEqual({ kind: 'invalid', code: 'target_not_in_room' });
    const moved = await transferItem({ actor: wang, itemId: it1._id, targetOfficerId: String(own._id), settings });
    expect(String(moved.assignee)).toBe(String(own._id));
  });

  it('a resolved item is not handed on', async () => {
    const it1 = await item();
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await resolveItem({ actor: wang, itemId: it1._id, settings });
    expect(await refusal(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: li.id, settings }))).toEqual({ kind: 'conflict', code: 'item_closed' });
  });
});

describe('labels', () => {
  it('trims, drops blanks and repeats; the audit lists them', async () => {
    const it1 = await item();
    const labelled = await setLabels({ actor: wang, itemId: it1._id, labels: [' 户籍 ', '户籍', '', '  ', '出生登记'], settings });
    expect(labelled.labels).toEqual(['户籍', '出生登记']);
    expect((await stored(it1._id)).labels).toEqual(['户籍', '出生登记']);
    expect(await auditOf(it1._id)).toEqual([['item.labels', '标签：户籍、出生登记']]);
    await setLabels({ actor: wang, itemId: it1._id, labels: [], settings });
    expect((await stored(it1._id)).labels).toEqual([]);
    expect((await auditOf(it1._id))[1]).toEqual(['item.labels', '标签：（无）']);
    // Labels change nothing else: still new, nobody's.
    expect(await stored(it1._id)).toMatchObject({ status: 'new', assignee: null, claimEpoch: 2 });
  });

  it('refuses more than 10, or one that is too long or has odd characters, and keeps what was there', async () => {
    const it1 = await item();
    await setLabels({ actor: wang, itemId: it1._id, labels: ['户籍'], settings });
    const eleven = Array.from({ length: 11 }, (_, i) => `标签${i}`);
    expect((await refusal(setLabels({ actor: wang, itemId: it1._id, labels: eleven, settings }))).kind).toBe('invalid');
    await setLabels({ actor: wang, itemId: it1._id, labels: eleven.slice(0, 10), settings });
    expect((await stored(it1._id)).labels).toHaveLength(10);
    for (const bad of ['一二三四五六七八九十一二三四五六七八九十一', '<script>', 'a$b']) {
      expect((await refusal(setLabels({ actor: wang, itemId: it1._id, labels: [bad], settings }))).kind).toBe('invalid');
    }
    expect((await stored(it1._id)).labels).toHaveLength(10);
    await setLabels({ actor: wang, itemId: it1._id, labels: ['一二三四五六七八九十一二三四五六七八九十', 'a-b_c 1'], settings });
    expect((await stored(it1._id)).labels).toEqual(['一二三四五六七八九十一二三四五六七八九十', 'a-b_c 1']);
  });

  it('concurrent label changes all land, one epoch each, by reloading and retrying', async () => {
    const it1 = await item();
    const results = await Promise.allSettled(['甲', '乙', '丙', '丁'].map((l) => setLabels({ actor: wang, itemId: it1._id, labels: [l], settings })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    const s = await stored(it1._id);
    expect(s.claimEpoch).toBe(4);
    expect(await ItemClaimModel.countDocuments({ item: it1._id })).toBe(4);
  });
});

describe('the exclusive transition underneath', () => {
  it('writes the whole item back: the resident’s contact stays stored, but never travels with the change', async () => {
    const it1 = await item({ contact: { name: '张三', phone: '13800138000' } });
    const after = await claimItem({ actor: wang, itemId: it1._id, settings });
    expect(after).not.toHaveProperty('contact');
    const full = await ItemModel.findById(it1._id).select('+contact').lean<Item>();
    expect(full!.contact).toMatchObject({ name: '张三', phone: '13800138000' });
    expect(full!.summary).toBe(it1.summary);
    expect(full!.code).toBe(it1.code);
  });

  it('keeps an anonymous tipster’s secret hash through a change', async () => {
    const tip = await createItem({ room: 'HPL', kind: 'tip', text: '匿名举报：楼下有人赌博', anonymous: true, secretHash: 'hash-of-secret' });
    const res = await transitionItem({ itemId: tip._id, action: 'labels', officerId: wang.id, now: new Date(), decide: () => ({ labels: ['赌博'] }) });
    expect(res.before).not.toHaveProperty('secretHash');
    expect(res.after).not.toHaveProperty('secretHash');
    expect(res.epoch).toBe(1);
    expect(res.before.labels).toEqual([]);
    expect(res.after.labels).toEqual(['赌博']);
    const full = await ItemModel.findById(tip._id).select('+secretHash').lean<Item>();
    expect(full!.secretHash).toBe('hash-of-secret');
    expect(full!.labels).toEqual(['赌博']);
  });

  it('a change whose epoch another writer has just won is retried on a fresh item, then given up with 409 item_busy', async () => {
    const it1 = await item();
    // A rival won epoch 1 a moment ago and has not written the item yet (it is still writing).
    await ItemClaimModel.create({ item: it1._id, epoch: 1, action: 'claim', officer: li.id, patch: { status: 'claimed' }, at: new Date() });
    let decided = 0;
    const err = await refusal(
      transitionItem({
        itemId: it1._id,
        action: 'labels',
        officerId: wang.id,
        now: new Date(),
        attempts: 3,
        decide: () => {
          decided++;
          return { labels: ['x'] };
        },
      }),
    );
    expect(err).toEqual({ kind: 'conflict', code: 'item_busy' });
    expect(decided).toBe(3);
    // The rival's unfinished change is not completed for it, and ours left nothing behind.
    expect(await stored(it1._id)).toMatchObject({ status: 'new', labels: [], claimEpoch: 0 });
    // Without a number of attempts: four.
    decided = 0;
    await refusal(transitionItem({ itemId: it1._id, action: 'labels', officerId: wang.id, now: new Date(), decide: () => (decided++, { labels: ['x'] }) }));
    expect(decided).toBe(4);
  });

  it('a claim that keeps losing its race says the item is busy (409), and next moves on to nothing', async () => {
    const it1 = await item();
    await ItemClaimModel.create({ item: it1._id, epoch: 1, action: 'labels', officer: li.id, patch: { labels: [] }, at: new Date() });
    expect(await refusal(claimItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'item_busy' });
    expect(await ItemClaimModel.countDocuments({ item: it1._id })).toBe(1);
    // next tries a candidate once and moves on: here, no item.
    expect(await nextItem({ actor: wang, rooms: ['HPL'], settings })).toBeNull();
  });

  it("a winner still writing is not taken for a crashed one when the service's clock is behind the machine's", async () => {
    // The service runs a minute behind the machine: Li's claim was won just now by that clock.
    const behind: InboxSettings = { leaseMinutes: LEASE_MIN, now: () => new Date(Date.now() - 60_000) };
    const it1 = await item();
    await ItemClaimModel.create({
      item: it1._id,
      epoch: 1,
      action: 'claim',
      officer: li.id,
      patch: { status: 'claimed', assignee: new Types.ObjectId(li.id), leaseUntil: new Date(Date.now() + 60_000) },
      at: behind.now(),
    });
    // Wang waits for it (busy) instead of writing Li's claim onto the item himself.
    expect(await refusal(claimItem({ actor: wang, itemId: it1._id, settings: behind }))).toEqual({ kind: 'conflict', code: 'item_busy' });
    expect(await stored(it1._id)).toMatchObject({ status: 'new', claimEpoch: 0 });
  });

  it('a winner that crashed before writing the item (10 s ago) is completed by the next writer, which then goes on', async () => {
    // Another item's ordinary claim is in the log first: the repair must read this item's winner, not any claim.
    const other = await item();
    await claimItem({ actor: li, itemId: other._id, settings });
    const it1 = await item();
    const lease = new Date(Date.now() + 60_000);
    await ItemClaimModel.create({
      item: it1._id,
      epoch: 1,
      action: 'claim',
      officer: li.id,
      patch: { status: 'claimed', assignee: new Types.ObjectId(li.id), leaseUntil: lease },
      at: new Date(Date.now() - 11_000),
    });
    // Wang's claim finds Li's completed claim on the fresh item: refused, Li holds it.
    expect(await refusal(claimItem({ actor: wang, itemId: it1._id, settings }))).toEqual({ kind: 'conflict', code: 'already_claimed' });
    const s = await stored(it1._id);
    expect(s).toMatchObject({ status: 'claimed', claimEpoch: 1 });
    expect(String(s.assignee)).toBe(li.id);
    expect((await openRows(['HPL'])).find((r) => String(r._id) === String(it1._id))).toMatchObject({ status: 'claimed', claimEpoch: 1 });
    // A change that does not conflict lands on top, at the following epoch.
    const res = await setLabels({ actor: wang, itemId: it1._id, labels: ['户籍'], settings });
    expect(res.claimEpoch).toBe(2);
    expect(await stored(it1._id)).toMatchObject({ status: 'claimed', claimEpoch: 2, labels: ['户籍'] });
  });
});

describe('what the officer reads when refused', () => {
  const message = async (p: Promise<unknown>) => (await p.then(() => null, (e: Error) => e))?.message;

  it('every refusal from claims and transitions says why, in Chinese first', async () => {
    const it1 = await item();
    const missing = new Types.ObjectId();
    expect(await message(claimItem({ actor: wang, itemId: missing, settings }))).toBe('未找到该事项（Item not found）');
    expect(await message(reopenItem({ actor: wang, itemId: it1._id, settings }))).toBe('该事项尚未办结，无需重新打开（The item is still open）');
    expect(await message(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: 'x', settings }))).toBe('接收民警编号不正确（Invalid officer id）');
    expect(await message(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: String(missing), settings }))).toBe('未找到接收民警（Officer not found）');
    expect(await message(transferItem({ actor: wang, itemId: missing, targetOfficerId: li.id, settings }))).toBe('未找到该事项（Item not found）');
    expect(await message(transferItem({ actor: wang, itemId: it1._id, targetOfficerId: zhao.id, settings }))).toBe(
      '接收民警不负责该警务室，无法转交（The officer does not serve this room）',
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `l${i}`);
    expect(await message(setLabels({ actor: wang, itemId: it1._id, labels: eleven, settings }))).toBe('标签最多 10 个（At most 10 labels）');
    expect(await message(setLabels({ actor: wang, itemId: it1._id, labels: ['好的', 'a$b'], settings }))).toBe('标签“a$b”格式不正确（Invalid label）');
    await claimItem({ actor: wang, itemId: it1._id, settings });
    await resolveItem({ actor: wang, itemId: it1._id, settings });
    expect(await message(resolveItem({ actor: wang, itemId: it1._id, settings }))).toBe('该事项已办结（Already resolved）');
    const busy = await item();
    await ItemClaimModel.create({ item: busy._id, epoch: 1, action: 'labels', officer: li.id, patch: { labels: [] }, at: new Date() });
    expect(await message(claimItem({ actor: wang, itemId: busy._id, settings }))).toBe('该事项刚被其他人更新，请刷新后重试（The item changed meanwhile; reload and retry）');
  });
});
