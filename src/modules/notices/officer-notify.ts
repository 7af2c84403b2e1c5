import type { Types } from 'mongoose';
import { OfficerNotificationModel } from './notification.model';
import { insertUnique } from '../../storage/unique-insert';
import { officerAddress, type OfficerTarget } from './recipients';
import type { JobRunContext } from './notice.types';

/**
 * Tells one officer something: an in-app notification (always; unique key, so once) and a
 * WeChat private message when the officer has a WeChat id bound (outbox, keyed, so once).
 */
export async function notifyOfficer(
  ctx: JobRunContext,
  props: {
    officer: OfficerTarget;
    key: string;
    kind: 'sla_officer' | 'sla_supervisor' | 'digest';
    room: string | null;
    item?: Types.ObjectId | null;
    text: string;
    urgent?: boolean;
    eventKey?: string;
  },
): Promise<void> {
  await insertUnique(OfficerNotificationModel, {
    key: props.key,
    officer: props.officer.id,
    kind: props.kind,
    room: props.room,
    item: props.item ?? null,
    text: props.text,
    at: ctx.env.now(),
  });
  const to = officerAddress(props.officer);
  if (!to) return;
  await ctx.deliver({
    recipient: `officer:${props.officer.id}`,
    eventKey: props.eventKey,
    room: props.room,
    audience: 'officer',
    label: props.officer.name,
    to,
    text: props.text,
    purpose: props.kind === 'digest' ? 'digest' : 'escalation',
    urgent: props.urgent,
    item: props.item ?? null,
  });
}
